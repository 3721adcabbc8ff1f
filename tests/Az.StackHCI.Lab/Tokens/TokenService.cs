using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Tokens;

/// <summary>Who a validated access token speaks for.</summary>
internal sealed record TokenPrincipal(string ObjectId, string TenantId, string AppId, bool IsApp, string? UserName, IReadOnlyList<string> Roles, string Audience);

/// <summary>
/// Issues the lab's access tokens (RS256 JWTs signed with the lab key, shaped like Entra ID v1 tokens) and
/// validates them for the resource servers.
/// </summary>
internal sealed class TokenService
{
    public const int LifetimeSeconds = 3600;
    private readonly SigningKey _signing;

    public TokenService(string root)
    {
        _signing = new SigningKey(Path.Combine(root, "token-signing-key.pem"));
    }

    public static string Issuer(string tenantId) => $"https://sts.windows.net/{tenantId}/";

    public JsonObject PublicJwks() => _signing.PublicJwks(withAlgorithm: false);

    /// <summary>
    /// An access token. <paramref name="identityProvider"/> is the home tenant's issuer of a B2B guest signed in to a
    /// tenant it was invited to: as Entra ID, its token then has <c>idp</c>, <c>unique_name</c> and <c>email</c>
    /// (the home account's name) and no <c>upn</c>.
    /// </summary>
    public string IssueAccessToken(string tenantId, string audience, string objectId, string appId, bool isApp,
        string? userName, string? displayName, IEnumerable<string> rolesOrScopes, DateTimeOffset now, int lifetimeSeconds = LifetimeSeconds,
        string? identityProvider = null)
    {
        var payload = new JsonObject
        {
            ["aud"] = audience,
            ["iss"] = Issuer(tenantId),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.ToUnixTimeSeconds() + lifetimeSeconds,
            ["tid"] = tenantId,
            ["oid"] = objectId,
            ["sub"] = objectId,
            ["appid"] = appId,
            ["azp"] = appId,
            ["idtyp"] = isApp ? "app" : "user",
            ["ver"] = "1.0",
        };
        if (isApp)
        {
            payload["roles"] = new JsonArray(rolesOrScopes.Select(r => (JsonNode)r).ToArray());
        }
        else
        {
            payload["scp"] = string.Join(' ', rolesOrScopes);
            if (identityProvider is null)
            {
                payload["upn"] = userName;
            }
            else
            {
                payload["idp"] = identityProvider;
                payload["email"] = userName;
            }

            payload["unique_name"] = userName;
            payload["name"] = displayName;
        }

        return Jwt.Sign(new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = _signing.KeyId }, payload, _signing.Key);
    }

    /// <summary>An id_token for user flows: MSAL needs one to know the account (wire protocols §3.5).</summary>
    public string IssueIdToken(string tenantId, string clientId, string objectId, string userName, string displayName, DateTimeOffset now,
        string? identityProvider = null)
    {
        var payload = new JsonObject
        {
            ["aud"] = clientId,
            ["iss"] = $"https://login.microsoftonline.com/{tenantId}/v2.0",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.ToUnixTimeSeconds() + LifetimeSeconds,
            ["oid"] = objectId,
            ["sub"] = objectId,
            ["tid"] = tenantId,
            ["preferred_username"] = userName,
            ["name"] = displayName,
            ["ver"] = "2.0",
        };
        if (identityProvider is not null)
        {
            payload["idp"] = identityProvider;
        }

        return Jwt.Sign(new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = _signing.KeyId }, payload, _signing.Key);
    }

    /// <summary>
    /// Checks signature, issuer tenant, lifetime and audience. Returns the principal, or an error text in the
    /// style of ARM's InvalidAuthenticationToken messages.
    /// </summary>
    public (TokenPrincipal? Principal, string? Error, string? Code) Validate(string token, IReadOnlyCollection<string> audiences, DateTimeOffset now)
    {
        var jwt = Jwt.Parse(token);
        if (jwt is null || jwt.HeaderString("alg") != "RS256"
            || !_signing.Key.VerifyData(jwt.SigningInput, jwt.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return (null, "The access token is invalid: its signature is not valid.", "InvalidAuthenticationToken");
        }

        var expires = Jwt.NumericDate(jwt.Payload, "exp") ?? 0;
        if (now.ToUnixTimeSeconds() >= expires)
        {
            return (null, "The access token expiry UTC time '" + DateTimeOffset.FromUnixTimeSeconds(expires).UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture) + "' is earlier than current UTC time '" + now.UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", System.Globalization.CultureInfo.InvariantCulture) + "'.", "ExpiredAuthenticationToken");
        }

        var audience = jwt.Claim("aud") ?? "";
        if (!audiences.Any(a => SameResource(a, audience)))
        {
            return (null, $"The access token has been obtained for wrong audience or resource '{audience}'. It should exactly match with one of the allowed audiences '{string.Join("','", audiences)}'.", "InvalidAuthenticationTokenAudience");
        }

        var roles = jwt.Payload["roles"] is JsonArray array ? array.Select(r => r!.GetValue<string>()).ToList() : new List<string>();
        return (new TokenPrincipal(jwt.Claim("oid") ?? "", jwt.Claim("tid") ?? "", jwt.Claim("appid") ?? "", jwt.Claim("idtyp") == "app",
            jwt.Claim("upn") ?? jwt.Claim("unique_name"), roles, audience), null, null);
    }

    public static bool SameResource(string a, string b) =>
        string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
