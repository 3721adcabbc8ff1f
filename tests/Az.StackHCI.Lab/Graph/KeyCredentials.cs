using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// Key credentials as Graph accepts them: <c>key</c> is a base64 DER certificate; start and end default to, and
/// must lie within, the certificate's validity; keyIds are unique. A patch replaces the collection; an entry naming an
/// existing keyId without <c>key</c> keeps that key (clients echo back what they read, where <c>key</c> is null).
/// </summary>
internal static class KeyCredentials
{
    /// <summary>The proof-of-possession audience of addKey/removeKey (Azure AD Graph's application id).</summary>
    public const string ProofAudience = "00000002-0000-0000-c000-000000000000";

    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    public static List<LabKeyCredential> Replace(LabState state, IReadOnlyList<LabKeyCredential> existing, JsonArray input)
    {
        var result = new List<LabKeyCredential>();
        foreach (var item in GraphInput.Objects(input, "keyCredentials"))
        {
            var keyId = GraphInput.Guid(item, "keyId") ?? state.NewId();
            if (result.Any(k => string.Equals(k.KeyId, keyId, StringComparison.OrdinalIgnoreCase)))
            {
                throw GraphException.BadRequest($"Duplicate keyId '{keyId}' in keyCredentials: every key credential needs its own keyId.");
            }

            var prior = existing.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.OrdinalIgnoreCase));
            result.Add(Build(state, item, keyId, prior));
        }

        return result;
    }

    /// <summary>One new credential (addKey): like a patch entry, and its keyId must be new on the application.</summary>
    public static LabKeyCredential Add(LabState state, LabApplication app, JsonObject input)
    {
        var keyId = GraphInput.Guid(input, "keyId") ?? state.NewId();
        if (app.KeyCredentials.Any(k => string.Equals(k.KeyId, keyId, StringComparison.OrdinalIgnoreCase)))
        {
            throw GraphException.BadRequest($"Duplicate keyId '{keyId}': the application already has a key credential with this keyId.");
        }

        if (GraphInput.String(input, "key") is null)
        {
            throw GraphException.BadRequest("The key credential's 'key' is required.");
        }

        return Build(state, input, keyId, null);
    }

    /// <summary>
    /// Checks the proof JWT of addKey/removeKey (wire protocols §4.2): signed (RS256 or PS256) by one of the
    /// application's currently valid certificates, aud Azure AD Graph, iss the application's object id, within its
    /// nbf/exp, which may span at most ten minutes.
    /// </summary>
    public static void RequireProof(LabApplication app, string? proof, DateTimeOffset now)
    {
        const string Prefix = "The proof of possession is invalid: ";
        var jwt = proof is null ? null : Jwt.Parse(proof);
        if (jwt is null)
        {
            throw GraphException.BadRequest(Prefix + "'proof' must be a JWT signed with one of the application's current certificates.");
        }

        var valid = app.KeyCredentials
            .Where(k => k.Type == "AsymmetricX509Cert" && k.StartDateTime <= now && now <= k.EndDateTime)
            .ToList();
        if (valid.Count == 0)
        {
            throw GraphException.BadRequest(Prefix + "the application has no valid certificate to sign it. Add the first certificate with an update of the application (PATCH keyCredentials).");
        }

        var padding = jwt.HeaderString("alg") switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => null,
        };
        var signed = padding is not null && valid.Any(k =>
        {
            using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(k.Key));
            using var key = certificate.GetRSAPublicKey();
            return key is not null && key.VerifyData(jwt.SigningInput, jwt.Signature, HashAlgorithmName.SHA256, padding);
        });
        if (!signed)
        {
            throw GraphException.BadRequest(Prefix + "it is not signed (RS256 or PS256) by a currently valid certificate of the application.");
        }

        if (jwt.Claim("aud") != ProofAudience)
        {
            throw GraphException.BadRequest(Prefix + $"its audience must be '{ProofAudience}'.");
        }

        if (!string.Equals(jwt.Claim("iss"), app.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw GraphException.BadRequest(Prefix + "its issuer must be the application's object id.");
        }

        var notBefore = Jwt.NumericDate(jwt.Payload, "nbf");
        var expires = Jwt.NumericDate(jwt.Payload, "exp");
        if (notBefore is null || expires is null || expires - notBefore > 600
            || now + Skew < DateTimeOffset.FromUnixTimeSeconds(notBefore.Value) || now - Skew > DateTimeOffset.FromUnixTimeSeconds(expires.Value))
        {
            throw GraphException.BadRequest(Prefix + "it must carry nbf and exp no more than 10 minutes apart, and be valid now.");
        }
    }

    private static LabKeyCredential Build(LabState state, JsonObject item, string keyId, LabKeyCredential? prior)
    {
        var keyText = GraphInput.String(item, "key");
        if (keyText is null && prior is null)
        {
            throw GraphException.BadRequest($"The key credential '{keyId}' needs its 'key': a base64 DER certificate.");
        }

        var type = GraphInput.String(item, "type") ?? prior?.Type ?? "AsymmetricX509Cert";
        if (type is not ("AsymmetricX509Cert" or "X509CertAndPassword"))
        {
            throw GraphException.BadRequest($"Invalid value specified for property 'type' of resource 'KeyCredential': '{type}'.");
        }

        var usage = GraphInput.String(item, "usage") ?? prior?.Usage ?? "Verify";
        if (usage is not ("Verify" or "Sign"))
        {
            throw GraphException.BadRequest($"Invalid value specified for property 'usage' of resource 'KeyCredential': '{usage}'.");
        }

        using var certificate = LoadCertificate(keyText ?? prior!.Key);
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var start = GraphInput.Date(item, "startDateTime") ?? prior?.StartDateTime ?? notBefore;
        var end = GraphInput.Date(item, "endDateTime") ?? prior?.EndDateTime ?? notAfter;
        if (start < notBefore)
        {
            throw GraphException.BadRequest($"Key credential start date is invalid: {GraphJson.Date(start)} is before the certificate's NotBefore {GraphJson.Date(notBefore)}.");
        }

        if (end > notAfter || end <= start)
        {
            throw GraphException.BadRequest($"Key credential end date is invalid: {GraphJson.Date(end)} must follow the start and not pass the certificate's NotAfter {GraphJson.Date(notAfter)}.");
        }

        var key = keyText ?? prior!.Key;
        var customKeyIdentifier = GraphInput.String(item, "customKeyIdentifier") ?? prior?.CustomKeyIdentifier ?? Convert.ToBase64String(certificate.GetCertHash());
        return new LabKeyCredential
        {
            KeyId = keyId,
            Type = type,
            Usage = usage,
            DisplayName = GraphInput.String(item, "displayName") ?? prior?.DisplayName ?? certificate.Subject,
            Key = key,
            CustomKeyIdentifier = customKeyIdentifier,
            StartDateTime = start,
            EndDateTime = end,
            // An unchanged key keeps its replication time; a new one replicates from now.
            ReplicatedAt = prior is not null && prior.Key == key ? prior.ReplicatedAt : state.ReplicatedAtForNewObject(),
        };
    }

    private static X509Certificate2 LoadCertificate(string base64)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(base64));
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw GraphException.BadRequest("Invalid value specified for property 'key' of resource 'KeyCredential': it must be a base64-encoded DER X.509 certificate.");
        }
    }
}
