using System.Globalization;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Authority;

/// <summary>
/// Workload identity federation: a JWT-bearer client assertion that is not the application's own (its iss is not the
/// client id) is an external token, matched against the application's federated identity credentials as Entra ID
/// does: issuer (AADSTS700211), then subject, case-sensitive (AADSTS700213), then audience (AADSTS700212), each with
/// Entra ID's text ("No matching federated identity record found for presented assertion …. Check your federated
/// identity credential Subject, Audience and Issuer against the presented assertion."); then the signature with the
/// issuer's published keys (AADSTS7000272 for a key the issuer does not publish, AADSTS50013 for a wrong signature)
/// and the time range (AADSTS700024). The lab's own issuer is the only one whose keys it can fetch.
/// </summary>
internal static class FederatedCredentialValidator
{
    private const string Help = "Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation";
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>True when the assertion is not the application's own certificate assertion (iss != client_id).</summary>
    public static bool IsFederated(string assertion, string clientId) =>
        Jwt.Parse(assertion) is { } jwt && !string.Equals(jwt.Claim("iss"), clientId, StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the external token proves the application; otherwise the AAD error.</summary>
    public static IResult? Validate(LabContext lab, LabApplication app, string assertion, DateTimeOffset now)
    {
        var jwt = Jwt.Parse(assertion)!;
        var issuer = jwt.Claim("iss") ?? "";
        var subject = jwt.Claim("sub") ?? "";
        var audiences = jwt.Payload["aud"] switch
        {
            JsonArray array => array.Select(a => a?.GetValue<string>() ?? "").ToList(),
            JsonValue value when value.TryGetValue<string>(out var one) => new List<string> { one },
            _ => new List<string>(),
        };

        var byIssuer = app.FederatedIdentityCredentials.Where(f => f.Issuer == issuer).ToList();
        if (byIssuer.Count == 0)
        {
            return AadError.InvalidClient(700211, $"No matching federated identity record found for presented assertion issuer '{issuer}'. {Help}");
        }

        var bySubject = byIssuer.Where(f => f.Subject == subject).ToList();
        if (bySubject.Count == 0)
        {
            return AadError.InvalidClient(700213, $"No matching federated identity record found for presented assertion subject '{subject}'. {Help}");
        }

        if (!bySubject.Any(f => f.Audiences.Any(audiences.Contains)))
        {
            return AadError.InvalidClient(700212, $"No matching federated identity record found for presented assertion audience '{string.Join(",", audiences)}'. {Help}");
        }

        // Entra ID fetches the keys from the issuer's OpenID configuration (jwks_uri); the lab knows its own issuer's.
        var signature = issuer == lab.State.FederationIssuer ? lab.Federation.SignatureError(jwt) : false;
        if (signature == false)
        {
            return AadError.InvalidClient(7000272, $"The certificate with identifier {jwt.HeaderString("kid") ?? "(none)"} used to sign the federated credential could not be found in the metadata of identity provider {issuer}. Please validate that your Identity Provider's metadata exposes the key used to sign the incoming token.");
        }

        if (signature == true)
        {
            return AadError.InvalidClient(50013, "Assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value.]");
        }

        var notBefore = Jwt.NumericDate(jwt.Payload, "nbf");
        var expires = Jwt.NumericDate(jwt.Payload, "exp");
        if (expires is null
            || (notBefore is long nbf && now + Skew < DateTimeOffset.FromUnixTimeSeconds(nbf))
            || now - Skew > DateTimeOffset.FromUnixTimeSeconds(expires.Value))
        {
            return AadError.InvalidClient(700024,
                $"Client assertion is not within its valid time range. Current time: {Format(now)}, assertion valid from {Describe(notBefore)}, expiry time of assertion {Describe(expires)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
        }

        return null;
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private static string Describe(long? seconds) => seconds is long s ? Format(DateTimeOffset.FromUnixTimeSeconds(s)) : "(none)";
}
