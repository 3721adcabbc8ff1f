using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Tokens;

/// <summary>
/// An RS256 signing key kept in a PEM file under the lab root, so tokens stay valid across restarts of one lab, and
/// published as a JSON Web Key Set the way Entra ID and OIDC issuers publish theirs.
/// </summary>
internal sealed class SigningKey
{
    public SigningKey(string path)
    {
        Key = RSA.Create();
        if (File.Exists(path))
        {
            Key.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            Key.KeySize = 2048;
            File.WriteAllText(path, Key.ExportPkcs8PrivateKeyPem());
        }

        KeyId = Jwt.Encode(SHA256.HashData(Key.ExportSubjectPublicKeyInfo())).Substring(0, 16);
    }

    public RSA Key { get; }

    public string KeyId { get; }

    /// <summary>The public key as a JWKS; <paramref name="withAlgorithm"/> adds <c>alg</c>, as OIDC issuers such as GitHub's do.</summary>
    public JsonObject PublicJwks(bool withAlgorithm)
    {
        var parameters = Key.ExportParameters(false);
        var key = new JsonObject { ["kty"] = "RSA", ["use"] = "sig" };
        if (withAlgorithm)
        {
            key["alg"] = "RS256";
        }

        key["kid"] = KeyId;
        key["n"] = Jwt.Encode(parameters.Modulus!);
        key["e"] = Jwt.Encode(parameters.Exponent!);
        return new JsonObject { ["keys"] = new JsonArray(key) };
    }
}
