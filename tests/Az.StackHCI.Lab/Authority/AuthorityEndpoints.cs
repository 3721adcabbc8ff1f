using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Authority;

/// <summary>
/// Entra ID v2 endpoints as MSAL uses them (wire protocols §3): device code, authorize (authorization code with PKCE,
/// <see cref="AuthorizeEndpoint"/>), token (device code, authorization code, client credentials with a secret, a
/// certificate assertion or a federated token, refresh token), OpenID metadata and keys, the device login page, and
/// the lab's external OIDC issuer for workload identity federation at /federation.
/// Two tenants: the lab tenant, and the home tenant of its B2B guest. A user signing in at /organizations (or
/// /common) gets tokens of its home tenant; at a tenant's own path, of that tenant if the user is in it (a guest is
/// in both, with an object id in each). The refresh token works for every tenant of the user, as Entra ID's does,
/// and client_info always names the home account, so MSAL keeps one account across tenants.
/// </summary>
internal static class AuthorityEndpoints
{
    private const int DeviceCodeLifetimeSeconds = 900;

    /// <summary>A path tenant that is resolved at sign-in: the user's home tenant.</summary>
    private const string Organizations = "organizations";

    public static void Map(WebApplication app, LabContext lab)
    {
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => OpenIdConfiguration(lab, tenant));
        app.MapGet("/{tenant}/.well-known/openid-configuration", (string tenant) => OpenIdConfiguration(lab, tenant));
        app.MapGet("/{tenant}/discovery/v2.0/keys", () => Results.Json(lab.Tokens.PublicJwks()));
        app.MapPost("/{tenant}/oauth2/v2.0/devicecode", (string tenant, HttpRequest request) => DeviceCodeAsync(lab, tenant, request));
        app.MapPost("/{tenant}/oauth2/v2.0/token", (string tenant, HttpContext context) => TokenAsync(lab, tenant, context));
        DeviceLoginPage.Map(app, lab);
        AuthorizeEndpoint.Map(app, lab);

        // The federation issuer (literal routes win over /{tenant}/…): its OpenID configuration and keys, as
        // https://token.actions.githubusercontent.com/.well-known/openid-configuration and /.well-known/jwks.
        app.MapGet(FederationIssuer.PathPrefix + "/.well-known/openid-configuration", () => Results.Json(FederationIssuer.OpenIdConfiguration(lab.State.FederationIssuer)));
        app.MapGet(FederationIssuer.PathPrefix + "/.well-known/jwks", () => Results.Json(lab.Federation.PublicJwks()));
    }

    /// <summary>
    /// The tenant id for a path segment (a tenant's id or domain), <see cref="Organizations"/> for common and
    /// organizations; null when unknown.
    /// </summary>
    internal static string? ResolveTenant(string tenant) =>
        tenant.Equals(LabIds.TenantId, StringComparison.OrdinalIgnoreCase) || tenant.Equals(LabIds.TenantDomain, StringComparison.OrdinalIgnoreCase)
            ? LabIds.TenantId
            : tenant.Equals(LabIds.GuestHomeTenantId, StringComparison.OrdinalIgnoreCase) || tenant.Equals(LabIds.GuestHomeTenantDomain, StringComparison.OrdinalIgnoreCase)
            ? LabIds.GuestHomeTenantId
            : tenant.Equals("common", StringComparison.OrdinalIgnoreCase) || tenant.Equals(Organizations, StringComparison.OrdinalIgnoreCase)
            ? Organizations
            : null;

    private static IResult TenantNotFound(string tenant) => AadError.Result(400, "invalid_request", 90002,
        $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");

    private static IResult OpenIdConfiguration(LabContext lab, string tenant)
    {
        if (ResolveTenant(tenant) is not string resolved)
        {
            return TenantNotFound(tenant);
        }

        // Entra ID's multi-tenant documents name the issuer with a {tenantid} placeholder.
        var tenantId = resolved == Organizations ? "{tenantid}" : resolved;
        var baseUri = lab.Authority.AbsoluteUri + (resolved == Organizations ? tenant : tenantId);
        return Results.Json(new JsonObject
        {
            ["issuer"] = $"https://login.microsoftonline.com/{tenantId}/v2.0",
            ["authorization_endpoint"] = baseUri + "/oauth2/v2.0/authorize",
            ["token_endpoint"] = baseUri + "/oauth2/v2.0/token",
            ["device_authorization_endpoint"] = baseUri + "/oauth2/v2.0/devicecode",
            ["jwks_uri"] = baseUri + "/discovery/v2.0/keys",
            ["end_session_endpoint"] = baseUri + "/oauth2/v2.0/logout",
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "tid", "preferred_username"),
            ["tenant_region_scope"] = "NA",
            ["cloud_instance_name"] = lab.Authority.Authority,
            ["msgraph_host"] = lab.Graph.Authority,
        });
    }

    private static async Task<IResult> DeviceCodeAsync(LabContext lab, string tenant, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var state = lab.State;
        if (ResolveTenant(tenant) is not string tenantId)
        {
            return TenantNotFound(tenant);
        }

        var clientId = form["client_id"].ToString();
        var (resource, requested) = LabResources.Resolve(lab, form["scope"]);
        lock (state.Sync)
        {
            var app = state.FindApplicationByAppId(clientId);
            if (app is null || app.ReplicatedAt > state.Now)
            {
                return AadError.UnauthorizedClient(clientId, tenantId);
            }

            if (!app.IsPublicClient)
            {
                return AadError.InvalidClient(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
            }

            if (resource is null)
            {
                return InvalidScope(requested);
            }

            var grant = new DeviceCodeGrant
            {
                DeviceCode = RandomToken(),
                UserCode = UserCode(),
                ClientId = clientId,
                Tenant = tenantId,
                Scope = form["scope"].ToString(),
                CreatedAt = state.Now,
                ExpiresAt = state.Now.AddSeconds(DeviceCodeLifetimeSeconds),
            };
            state.DeviceCodes[grant.DeviceCode] = grant;
            var verification = lab.Authority.AbsoluteUri + "devicelogin";
            return Results.Json(new JsonObject
            {
                ["user_code"] = grant.UserCode,
                ["device_code"] = grant.DeviceCode,
                ["verification_uri"] = verification,
                ["expires_in"] = DeviceCodeLifetimeSeconds,
                ["interval"] = 1,
                ["message"] = $"To sign in, use a web browser to open the page {verification} and enter the code {grant.UserCode} to authenticate.",
            });
        }
    }

    private static async Task<IResult> TokenAsync(LabContext lab, string tenant, HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (ResolveTenant(tenant) is not string tenantId)
        {
            return TenantNotFound(tenant);
        }

        var clientId = form["client_id"].ToString();
        context.Items[RequestJournal.PrincipalItem] = clientId;
        if (string.IsNullOrEmpty(clientId))
        {
            return AadError.InvalidRequest(900144, "The request body must contain the following parameter: 'client_id'.");
        }

        var grantType = form["grant_type"].ToString();
        lock (lab.State.Sync)
        {
            return grantType switch
            {
                "client_credentials" => ClientCredentials(lab, tenantId == Organizations ? LabIds.TenantId : tenantId, clientId, form, context.Request),
                "device_code" or "urn:ietf:params:oauth:grant-type:device_code" => DeviceCodeGrant(lab, clientId, form["device_code"].ToString(), form["scope"], context),
                "authorization_code" => AuthorizationCode(lab, clientId, form, context),
                "refresh_token" => RefreshToken(lab, tenantId, clientId, form["refresh_token"].ToString(), form["scope"], context),
                _ => AadError.Result(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grantType}'."),
            };
        }
    }

    private static IResult ClientCredentials(LabContext lab, string tenantId, string clientId, IFormCollection form, HttpRequest request)
    {
        var state = lab.State;
        var app = state.FindApplicationByAppId(clientId);
        var servicePrincipal = state.FindServicePrincipalByAppId(clientId);

        // The lab's applications live in the lab tenant; the guest's home tenant has none of them.
        if (app is null || app.ReplicatedAt > state.Now || servicePrincipal is null || servicePrincipal.ReplicatedAt > state.Now || tenantId != LabIds.TenantId)
        {
            return AadError.UnauthorizedClient(clientId, tenantId);
        }

        if (form.ContainsKey("client_secret"))
        {
            var secret = form["client_secret"].ToString();
            // A secret added moments ago is unknown until it has replicated, as in Entra ID.
            var matching = app.PasswordCredentials.Where(p => p.SecretText == secret && p.ReplicatedAt <= state.Now).ToList();
            if (matching.Count == 0)
            {
                return AadError.InvalidClient(7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.");
            }

            if (!matching.Any(p => p.StartDateTime <= state.Now && state.Now <= p.EndDateTime))
            {
                return AadError.InvalidClient(7000222, $"The provided client secret keys for app '{clientId}' are expired. Visit the Azure portal to create new keys for your app.");
            }
        }
        else if (form["client_assertion_type"] == ClientAssertionValidator.AssertionType
            && FederatedCredentialValidator.IsFederated(form["client_assertion"].ToString(), clientId))
        {
            if (FederatedCredentialValidator.Validate(lab, app, form["client_assertion"].ToString(), state.Now) is IResult failure)
            {
                return failure;
            }
        }
        else if (form["client_assertion_type"] == ClientAssertionValidator.AssertionType)
        {
            var endpoints = new[] { tenantId, LabIds.TenantDomain }
                .SelectMany(t => new[] { $"{lab.Authority.AbsoluteUri}{t}/oauth2/v2.0/token", $"{lab.Authority.AbsoluteUri}{t}/oauth2/token" })
                .ToList();
            if (ClientAssertionValidator.Validate(app, form["client_assertion"].ToString(), endpoints, state.Now) is IResult failure)
            {
                return failure;
            }
        }
        else
        {
            return AadError.InvalidClient(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }

        var (resource, requested) = LabResources.Resolve(lab, form["scope"]);
        if (resource is null || !requested.EndsWith("/.default", StringComparison.Ordinal))
        {
            return InvalidScope(requested);
        }

        if (MissingResourcePrincipal(lab, resource, requested, tenantId) is IResult missing)
        {
            return missing;
        }

        var roles = resource.ServicePrincipalId is null
            ? new List<string>()
            : state.AppRoleAssignments
                .Where(a => a.PrincipalId == servicePrincipal.Id && a.ResourceId == resource.ServicePrincipalId && a.ReplicatedAt <= state.Now)
                .Select(a => state.FindServicePrincipal(resource.ServicePrincipalId)?.AppRoles.FirstOrDefault(r => r.Id == a.AppRoleId)?.Value)
                .OfType<string>()
                .ToList();
        var token = lab.Tokens.IssueAccessToken(tenantId, resource.Audience, servicePrincipal.Id, clientId, isApp: true, null, null, roles, state.Now);
        return TokenResponse(token, requested);
    }

    private static IResult DeviceCodeGrant(LabContext lab, string clientId, string deviceCode, string? scope, HttpContext context)
    {
        var state = lab.State;
        if (!state.DeviceCodes.TryGetValue(deviceCode, out var grant) || grant.ClientId != clientId)
        {
            return AadError.Result(400, "bad_verification_code", 70018, "The provided value for the input parameter 'device_code' is not valid.");
        }

        if (grant.Redeemed)
        {
            return AadError.InvalidGrant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
        }

        if (state.Now > grant.ExpiresAt)
        {
            return AadError.Result(400, "expired_token", 70019, "Verification code expired.");
        }

        if (grant.Declined)
        {
            return AadError.Result(400, "authorization_declined", 70017, "The user declined the sign-in request.");
        }

        if (grant.ApprovedUser is null && state.Settings.AutoApproveUser is string auto
            && state.Now >= grant.CreatedAt.AddMilliseconds(state.Settings.AutoApproveDelayMs))
        {
            grant.ApprovedUser = state.FindUser(auto)?.UserPrincipalName;
        }

        if (grant.ApprovedUser is null || state.FindUser(grant.ApprovedUser) is not { } user)
        {
            return AadError.Result(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
        }

        grant.Redeemed = true;
        return UserTokens(lab, user, grant.Tenant, clientId, scope ?? grant.Scope, context);
    }

    private static IResult AuthorizationCode(LabContext lab, string clientId, IFormCollection form, HttpContext context)
    {
        var (user, grant, error) = AuthorizeEndpoint.Redeem(lab, clientId, form);
        return error ?? UserTokens(lab, user!, grant!.Tenant, clientId, form.ContainsKey("scope") ? form["scope"].ToString() : grant.Scope, context);
    }

    private static IResult RefreshToken(LabContext lab, string tenantId, string clientId, string refreshToken, string? scope, HttpContext context)
    {
        var state = lab.State;
        if (!state.RefreshTokens.TryGetValue(refreshToken, out var grant) || grant.ClientId != clientId)
        {
            return AadError.InvalidGrant(70000, "Provided grant is invalid or malformed.");
        }

        if (state.Now > grant.ExpiresAt)
        {
            return AadError.InvalidGrant(700082, "The refresh token has expired due to inactivity.");
        }

        var user = state.Users.Values.FirstOrDefault(u => u.Id == grant.UserId);
        return user is null
            ? AadError.InvalidGrant(50057, "The user account is disabled or was deleted.")
            : UserTokens(lab, user, tenantId, clientId, scope, context);
    }

    /// <summary>
    /// Tokens for a signed-in user in <paramref name="pathTenant"/> (<see cref="Organizations"/>: its home tenant). A
    /// guest in the tenant it was invited to gets its object id there, <c>idp</c> naming its home tenant; client_info
    /// is always the home account (uid = home object id, utid = home tenant).
    /// </summary>
    private static IResult UserTokens(LabContext lab, LabUser user, string pathTenant, string clientId, string? scope, HttpContext context)
    {
        var state = lab.State;
        context.Items[RequestJournal.PrincipalItem] = user.SignInName;
        var homeTenant = state.HomeTenantOf(user);
        var tenantId = pathTenant == Organizations ? homeTenant : pathTenant;
        if (state.ObjectIdIn(user, tenantId) is not string objectId)
        {
            return AadError.InvalidGrant(50020, $"User account '{user.SignInName}' from identity provider '{TokenService.Issuer(homeTenant)}' does not exist in tenant '{TenantName(tenantId)}' and cannot access the application '{clientId}'({state.FindApplicationByAppId(clientId)?.DisplayName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.");
        }

        var (resource, requested) = LabResources.Resolve(lab, scope);
        if (resource is null)
        {
            return InvalidScope(requested);
        }

        if (MissingResourcePrincipal(lab, resource, requested, tenantId) is IResult missing)
        {
            return missing;
        }

        var identityProvider = tenantId == homeTenant ? null : TokenService.Issuer(homeTenant);
        var refresh = RandomToken();
        state.RefreshTokens[refresh] = new RefreshGrant { UserId = user.Id, ClientId = clientId, ExpiresAt = state.Now.AddDays(90) };
        var access = lab.Tokens.IssueAccessToken(tenantId, resource.Audience, objectId, clientId, isApp: false,
            user.SignInName, user.DisplayName, resource.DelegatedScopes.Split(' '), state.Now, identityProvider: identityProvider);
        var response = TokenBody(access, requested);
        response["refresh_token"] = refresh;
        response["id_token"] = lab.Tokens.IssueIdToken(tenantId, clientId, objectId, user.SignInName, user.DisplayName, state.Now, identityProvider);
        var homeObjectId = state.ObjectIdIn(user, homeTenant)!;
        response["client_info"] = Jwt.Encode(Encoding.UTF8.GetBytes(new JsonObject { ["uid"] = homeObjectId, ["utid"] = homeTenant }.ToJsonString()));
        return Results.Json(response);
    }

    private static string TenantName(string tenantId) =>
        tenantId == LabIds.GuestHomeTenantId ? LabIds.GuestHomeTenantDisplayName : LabIds.TenantDisplayName;

    /// <summary>
    /// AADSTS500011 while the tenant lacks the resource's service principal (the Azure Stack HCI service's, in a new
    /// tenant: hciServicePrincipalAbsentMs). The guest's home tenant has no such principal either.
    /// </summary>
    private static IResult? MissingResourcePrincipal(LabContext lab, TokenResource resource, string requested, string tenantId)
    {
        var missing = resource.ServicePrincipalId == LabIds.HciServiceSpId
            && (lab.State.HciServicePrincipalAbsent || tenantId != LabIds.TenantId);
        if (!missing)
        {
            return null;
        }

        var name = requested.EndsWith("/.default", StringComparison.Ordinal) ? requested[..^"/.default".Length] : requested;
        return AadError.Result(400, "invalid_resource", 500011,
            $"The resource principal named {name} was not found in the tenant named {TenantName(tenantId)}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.");
    }

    private static IResult TokenResponse(string accessToken, string scope) => Results.Json(TokenBody(accessToken, scope));

    private static JsonObject TokenBody(string accessToken, string scope) => new()
    {
        ["token_type"] = "Bearer",
        ["scope"] = scope,
        ["expires_in"] = TokenService.LifetimeSeconds - 1,
        ["ext_expires_in"] = TokenService.LifetimeSeconds - 1,
        ["access_token"] = accessToken,
    };

    private static IResult InvalidScope(string requested) => AadError.Result(400, "invalid_scope", 70011,
        $"The provided value for the input parameter 'scope' isn't valid. The scope '{requested}' does not name exactly one resource known in this tenant (Azure Resource Manager, Microsoft Graph or the Azure Stack HCI service).");

    private static string RandomToken() => Jwt.Encode(RandomNumberGenerator.GetBytes(32));

    private static string UserCode()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return new string(Enumerable.Range(0, 9).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());
    }
}
