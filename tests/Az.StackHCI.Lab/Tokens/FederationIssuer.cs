using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Tokens;

/// <summary>
/// The lab's external OIDC issuer for workload identity federation, standing in for GitHub Actions' (or a Kubernetes
/// cluster's) token service: an OpenID configuration with <c>issuer</c> and <c>jwks_uri</c>, its keys, and RS256 ID
/// tokens shaped like GitHub's (iss, sub, aud, iat, nbf, exp, jti). Signed with its own key (federation-signing-key.pem
/// in the lab root), never the authority's: Entra ID does not take its own tokens as federated credentials.
/// </summary>
internal sealed class FederationIssuer
{
    public const string PathPrefix = "/federation";
    private readonly SigningKey _signing;

    public FederationIssuer(string root)
    {
        _signing = new SigningKey(Path.Combine(root, "federation-signing-key.pem"));
    }

    public string KeyId => _signing.KeyId;

    /// <summary>The issuer URL (no trailing slash, as GitHub's https://token.actions.githubusercontent.com).</summary>
    public static string IssuerFor(Uri authority) => authority.AbsoluteUri.TrimEnd('/') + PathPrefix;

    public static JsonObject OpenIdConfiguration(string issuer) => new()
    {
        ["issuer"] = issuer,
        ["jwks_uri"] = issuer + "/.well-known/jwks",
        ["subject_types_supported"] = new JsonArray("public"),
        ["response_types_supported"] = new JsonArray("id_token"),
        ["claims_supported"] = new JsonArray("sub", "aud", "exp", "iat", "iss", "jti", "nbf"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["scopes_supported"] = new JsonArray("openid"),
    };

    public JsonObject PublicJwks() => _signing.PublicJwks(withAlgorithm: true);

    public string Issue(string issuer, string subject, string audience, DateTimeOffset now, int lifetimeSeconds, int notBeforeOffsetSeconds)
    {
        var notBefore = now.AddSeconds(notBeforeOffsetSeconds);
        var payload = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString(),
            ["sub"] = subject,
            ["aud"] = audience,
            ["iss"] = issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = notBefore.ToUnixTimeSeconds(),
            ["exp"] = notBefore.AddSeconds(lifetimeSeconds).ToUnixTimeSeconds(),
        };
        return Jwt.Sign(new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = KeyId }, payload, _signing.Key);
    }

    /// <summary>
    /// Checks the token's signature against this issuer's JWKS, as Entra ID does with the keys at the issuer's
    /// jwks_uri: null when valid; otherwise whether the key was unknown (false) or the signature wrong (true).
    /// </summary>
    public bool? SignatureError(ParsedJwt jwt)
    {
        if (jwt.HeaderString("kid") is string kid && kid != KeyId)
        {
            return false;
        }

        return jwt.HeaderString("alg") == "RS256" && _signing.Key.VerifyData(jwt.SigningInput, jwt.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? null
            : true;
    }
}
