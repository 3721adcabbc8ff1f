using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;
using Microsoft.AspNetCore.WebUtilities;

namespace Az.StackHCI.Lab.Authority;

/// <summary>
/// The authorization code flow with PKCE as MSAL's system browser drives it (InteractiveBrowserCredential):
/// GET /{tenant}/oauth2/v2.0/authorize signs in the lab's auto-approve user (PUT /devicecode/autoapprove) at once, or
/// shows a sign-in form whose POST names a lab user; then the response to the redirect URI with <c>code</c> and
/// <c>state</c> (Microsoft identity platform docs, "authorization code flow": a successful response carries code and
/// state), as <c>response_mode</c> asks: <c>query</c> (the default: 302 with them in the query), <c>fragment</c>, or
/// <c>form_post</c> (a page whose form POSTs them to the redirect URI; MSAL.NET 4.83 asks for it and refuses a GET).
/// Errors before the redirect URI is known good are an error page, as Entra ID shows one; later ones go back to the
/// redirect URI as <c>error</c>, <c>error_description</c> and <c>state</c> (RFC 6749 §4.1.2.1), which MSAL reads.
/// The code is redeemed at the token endpoint (grant_type=authorization_code, <see cref="Redeem"/>).
/// </summary>
internal static class AuthorizeEndpoint
{
    /// <summary>Docs: authorization codes are short lived, typically about 10 minutes.</summary>
    public const int CodeLifetimeSeconds = 600;

    public static void Map(WebApplication app, LabContext lab)
    {
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (string tenant, HttpContext context) => Authorize(lab, tenant, context, null));
        app.MapPost("/{tenant}/oauth2/v2.0/authorize", async (string tenant, HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            return Authorize(lab, tenant, context, form);
        });
    }

    private static IResult Authorize(LabContext lab, string tenant, HttpContext context, IFormCollection? signIn)
    {
        var query = context.Request.Query;
        var clientId = query["client_id"].ToString();
        var redirectUri = query["redirect_uri"].ToString();
        var state = query["state"].ToString();
        context.Items[RequestJournal.PrincipalItem] = clientId;
        if (AuthorityEndpoints.ResolveTenant(tenant) is not string tenantId)
        {
            return ErrorPage(90002, $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.");
        }

        if (string.IsNullOrEmpty(clientId))
        {
            return ErrorPage(900144, "The request body must contain the following parameter: 'client_id'.");
        }

        var directory = lab.State;
        lock (directory.Sync)
        {
            var application = directory.FindApplicationByAppId(clientId);
            if (application is null || application.ReplicatedAt > directory.Now)
            {
                return ErrorPage(700016, $"Application with identifier '{clientId}' was not found in the directory '{tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");
            }

            // The lab's public clients (Azure CLI, Azure PowerShell) have the loopback redirect URI registered, which
            // Entra ID matches with any port and path (docs: "redirect URI (reply URL) restrictions", localhost);
            // the lab's other applications have none.
            if (!application.IsPublicClient || !IsLoopbackRedirect(redirectUri))
            {
                return ErrorPage(50011, $"The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.");
            }

            var responseMode = query["response_mode"].ToString();
            if (responseMode is not ("" or "query" or "fragment" or "form_post"))
            {
                return ErrorPage(900144, $"The provided value '{responseMode}' for the input parameter 'response_mode' is not valid.");
            }

            IResult Fail(string error, int code, string description) => Respond(redirectUri, responseMode, new()
            {
                ["error"] = error,
                ["error_description"] = $"AADSTS{code}: {description}\r\nTrace ID: {Guid.NewGuid()}\r\nCorrelation ID: {Guid.NewGuid()}\r\nTimestamp: {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ", CultureInfo.InvariantCulture)}",
                ["error_uri"] = $"https://login.microsoftonline.com/error?code={code}",
                ["state"] = state,
            });

            var responseType = query["response_type"].ToString();
            if (responseType != "code")
            {
                return Fail("unsupported_response_type", 70005, $"response_type '{responseType}' is not enabled for the application.");
            }

            // Entra ID also takes 'plain' and, from native clients, no challenge at all (docs: code_challenge_method,
            // "supports both plain and S256"); the lab insists on S256, which MSAL always sends, so a client that
            // weakens PKCE fails here.
            var challenge = query["code_challenge"].ToString();
            if (string.IsNullOrEmpty(challenge))
            {
                return Fail("invalid_request", 900144, "The request body must contain the following parameter: 'code_challenge'. The lab requires PKCE with S256.");
            }

            if (query["code_challenge_method"] != "S256")
            {
                return Fail("invalid_request", 50149, "Invalid Code_Challenge_method parameter. The lab accepts 'S256' only.");
            }

            if (challenge.Length != 43)
            {
                return Fail("invalid_request", 501491, "InvalidCodeChallengeMethodInvalidSize - Invalid size of Code_Challenge parameter.");
            }

            var scope = query["scope"].ToString();
            var (resource, requested) = LabResources.Resolve(lab, scope);
            if (resource is null)
            {
                return Fail("invalid_scope", 70011, $"The provided value for the input parameter 'scope' isn't valid. The scope '{requested}' does not name exactly one resource known in this tenant.");
            }

            LabUser? user;
            if (signIn is not null)
            {
                if (signIn["action"] == "decline")
                {
                    return Fail("access_denied", 65004, "User declined to consent to access the app.");
                }

                user = directory.FindUser(signIn["user"].ToString());
                if (user is null)
                {
                    return SignInPage(lab, context, $"There is no user '{signIn["user"]}'.", query["login_hint"]);
                }
            }
            else if (directory.Settings.AutoApproveUser is string auto && directory.FindUser(auto) is { } approved)
            {
                // The lab's browser session: the auto-approve user is signed in already, whatever prompt asks.
                user = approved;
            }
            else if (query["prompt"] == "none")
            {
                return Fail("login_required", 50058, "A silent sign-in request was sent but no user is signed in.");
            }
            else
            {
                return SignInPage(lab, context, null, query["login_hint"]);
            }

            var grant = new AuthorizationCodeGrant
            {
                Code = Jwt.Encode(RandomNumberGenerator.GetBytes(48)),
                ClientId = clientId,
                Tenant = tenantId,
                RedirectUri = redirectUri,
                Scope = scope,
                CodeChallenge = challenge,
                UserName = user.UserPrincipalName,
                ExpiresAt = directory.Now.AddSeconds(CodeLifetimeSeconds),
            };
            directory.AuthorizationCodes[grant.Code] = grant;
            context.Items[RequestJournal.PrincipalItem] = user.SignInName;
            return Respond(redirectUri, responseMode, new() { ["code"] = grant.Code, ["state"] = state });
        }
    }

    /// <summary>
    /// The token endpoint's authorization_code grant: the code once, by its client, with the same redirect URI and the
    /// verifier whose BASE64URL(SHA256()) is the challenge (RFC 7636 §4.6). Null with the user and the code's tenant,
    /// or the error. Callers hold the state's lock.
    /// </summary>
    public static (LabUser? User, AuthorizationCodeGrant? Grant, IResult? Error) Redeem(LabContext lab, string clientId, IFormCollection form)
    {
        var state = lab.State;
        if (!state.AuthorizationCodes.TryGetValue(form["code"].ToString(), out var grant) || grant.ClientId != clientId)
        {
            return (null, null, AadError.InvalidGrant(70000, "Provided grant is invalid or malformed."));
        }

        if (grant.Redeemed)
        {
            // Entra ID's answer to a second redemption of the same code.
            return (null, null, AadError.InvalidGrant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."));
        }

        if (state.Now > grant.ExpiresAt)
        {
            return (null, null, AadError.InvalidGrant(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."));
        }

        var redirectUri = form["redirect_uri"].ToString();
        if (redirectUri != grant.RedirectUri)
        {
            // [approx] wording of Entra ID's reply-address mismatch at redemption.
            return (null, null, AadError.InvalidRequest(500112, $"The reply address '{redirectUri}' does not match the reply address '{grant.RedirectUri}' provided when requesting Authorization code."));
        }

        var verifier = form["code_verifier"].ToString();
        if (Jwt.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.CodeChallenge)
        {
            return (null, null, AadError.InvalidGrant(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."));
        }

        grant.Redeemed = true;
        return state.FindUser(grant.UserName) is { } user
            ? (user, grant, null)
            : (null, null, AadError.InvalidGrant(50057, "The user account is disabled or was deleted."));
    }

    /// <summary>http://localhost with any port and path (never https, never another host).</summary>
    private static bool IsLoopbackRedirect(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttp
        && string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Fragment);

    private static IResult Respond(string redirectUri, string responseMode, Dictionary<string, string?> parameters)
    {
        if (responseMode == "fragment")
        {
            return Results.Redirect(redirectUri + "#" + string.Join('&', parameters.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value ?? ""))));
        }

        if (responseMode != "form_post")
        {
            return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, parameters));
        }

        // Entra ID's form_post page: a hidden form with one input per parameter, submitted by script on load.
        // One element per line, so the lab's scripted browser (Browser/xdg-open) can read it without an HTML parser.
        var html = new StringBuilder();
        html.Append("<html><head><title>Working...</title></head><body>\n");
        html.Append("<form method=\"POST\" name=\"hiddenform\" action=\"").Append(WebUtility.HtmlEncode(redirectUri)).Append("\">\n");
        foreach (var (name, value) in parameters)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(WebUtility.HtmlEncode(name)).Append("\" value=\"").Append(WebUtility.HtmlEncode(value ?? "").Replace("\r", "&#13;", StringComparison.Ordinal).Replace("\n", "&#10;", StringComparison.Ordinal)).Append("\" />\n");
        }

        html.Append("<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript>\n");
        html.Append("</form>\n<script language=\"javascript\">document.forms[0].submit();</script>\n</body></html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static IResult ErrorPage(int code, string description)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Az.StackHCI Lab sign-in</title></head><body>");
        html.Append("<h1>Sign in</h1><p>Sorry, but we're having trouble signing you in.</p><p role=\"alert\">")
            .Append(WebUtility.HtmlEncode($"AADSTS{code}: {description}")).Append("</p></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, 400);
    }

    /// <summary>The form a person signs in with when no user is auto-approved; it posts back to this URL.</summary>
    private static IResult SignInPage(LabContext lab, HttpContext context, string? message, string? loginHint)
    {
        var users = lab.State.Users.Values.Select(u => u.SignInName).OrderBy(u => u, StringComparer.Ordinal).ToArray();
        var action = context.Request.Path + context.Request.QueryString;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Az.StackHCI Lab sign-in</title></head><body>");
        html.Append("<h1>Az.StackHCI Lab: sign in</h1>");
        if (message is not null)
        {
            html.Append("<p role=\"status\">").Append(WebUtility.HtmlEncode(message)).Append("</p>");
        }

        html.Append("<form method=\"post\" action=\"").Append(WebUtility.HtmlEncode(action)).Append("\"><p><label>User <select name=\"user\">");
        foreach (var user in users)
        {
            var selected = loginHint is not null && lab.State.FindUser(loginHint)?.SignInName == user ? " selected" : "";
            html.Append("<option").Append(selected).Append('>').Append(WebUtility.HtmlEncode(user)).Append("</option>");
        }

        html.Append("</select></label></p><p><button name=\"action\" value=\"approve\">Sign in</button> ");
        html.Append("<button name=\"action\" value=\"decline\">Cancel</button></p></form></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }
}
