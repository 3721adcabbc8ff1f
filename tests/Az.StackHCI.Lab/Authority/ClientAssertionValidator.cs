using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Authority;

/// <summary>
/// Checks a JWT-bearer client assertion as Entra ID does (wire protocols §3.4): the key by x5t#S256, then x5t,
/// then kid among the application's certificate credentials; PS256 or RS256; iss == sub == client_id; aud = this
/// token endpoint; nbf/exp within five minutes of skew; and the key credential valid now.
/// </summary>
internal static class ClientAssertionValidator
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>Null when the assertion proves the client; otherwise the AAD error to answer with.</summary>
    public static IResult? Validate(LabApplication app, string assertion, IReadOnlyCollection<string> tokenEndpoints, DateTimeOffset now)
    {
        var jwt = Jwt.Parse(assertion);
        if (jwt is null)
        {
            return AadError.InvalidClient(700027, "Client assertion failed signature validation. [Reason - The client assertion is not a JSON web token.]");
        }

        var (credential, certificate) = FindKey(app, jwt, now);
        if (credential is null || certificate is null)
        {
            return AadError.InvalidClient(700027,
                $"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{Thumbprint(jwt)}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{app.AppId}'.]");
        }

        var found = $"Found key 'Start={Format(credential.StartDateTime)}, End={Format(credential.EndDateTime)}'";
        if (now < credential.StartDateTime || now > credential.EndDateTime)
        {
            return AadError.InvalidClient(700027,
                $"Client assertion contains an invalid signature. [Reason - The key used is expired. Thumbprint of key used by client: '{certificate.Thumbprint}', {found}]");
        }

        using var key = certificate.GetRSAPublicKey();
        var padding = jwt.HeaderString("alg") switch
        {
            "PS256" => RSASignaturePadding.Pss,
            "RS256" => RSASignaturePadding.Pkcs1,
            _ => null,
        };
        if (key is null || padding is null || !key.VerifyData(jwt.SigningInput, jwt.Signature, HashAlgorithmName.SHA256, padding))
        {
            return AadError.InvalidClient(700027,
                $"Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '{certificate.Thumbprint}', {found}]");
        }

        if (!string.Equals(jwt.Claim("iss"), app.AppId, StringComparison.OrdinalIgnoreCase) || !string.Equals(jwt.Claim("sub"), app.AppId, StringComparison.OrdinalIgnoreCase))
        {
            return AadError.InvalidClient(700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .");
        }

        var audience = jwt.Claim("aud") ?? "";
        if (!tokenEndpoints.Any(e => string.Equals(e.TrimEnd('/'), audience.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
        {
            return AadError.InvalidClient(700022, $"Client assertion audience claim does not match Realm issuer. The audience '{audience}' is not this token endpoint.");
        }

        var notBefore = Jwt.NumericDate(jwt.Payload, "nbf");
        var expires = Jwt.NumericDate(jwt.Payload, "exp");
        if (expires is null
            || (notBefore is long nbf && now + Skew < DateTimeOffset.FromUnixTimeSeconds(nbf))
            || now - Skew > DateTimeOffset.FromUnixTimeSeconds(expires.Value))
        {
            return AadError.InvalidClient(700024,
                $"Client assertion is not within its valid time range. Current time: {now.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffffZ}, assertion valid from {Describe(notBefore)}, expiry time of assertion {Describe(expires)}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .");
        }

        return null;
    }

    private static (LabKeyCredential? Credential, X509Certificate2? Certificate) FindKey(LabApplication app, ParsedJwt jwt, DateTimeOffset now)
    {
        // A key added moments ago is not found until it has replicated, as in Entra ID.
        var candidates = app.KeyCredentials
            .Where(k => k.Type == "AsymmetricX509Cert" && k.Usage == "Verify" && k.ReplicatedAt <= now)
            .Select(k => (Credential: k, Certificate: X509CertificateLoader.LoadCertificate(Convert.FromBase64String(k.Key))))
            .ToList();
        bool Matches(X509Certificate2 c, string header, Func<X509Certificate2, string> digest) =>
            jwt.HeaderString(header) is string value && string.Equals(value, digest(c), StringComparison.OrdinalIgnoreCase);
        foreach (var (header, digest) in new (string, Func<X509Certificate2, string>)[]
        {
            ("x5t#S256", c => Jwt.Encode(SHA256.HashData(c.RawData))),
            ("x5t", c => Jwt.Encode(c.GetCertHash())),
            ("kid", c => c.Thumbprint),
        })
        {
            // Several credentials can hold the same certificate (re-uploaded with new dates): take the newest.
            var match = candidates.Where(c => Matches(c.Certificate, header, digest)).OrderByDescending(c => c.Credential.EndDateTime).ToList();
            if (match.Count > 0)
            {
                return match[0];
            }
        }

        return (null, null);
    }

    private static string Thumbprint(ParsedJwt jwt) =>
        jwt.HeaderString("x5t") is string x5t ? Convert.ToHexString(Jwt.Decode(x5t))
        : jwt.HeaderString("kid") ?? jwt.HeaderString("x5t#S256") ?? "";

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Describe(long? seconds) =>
        seconds is long s ? DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) : "(none)";
}
