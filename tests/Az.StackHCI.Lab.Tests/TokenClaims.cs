using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Tests;

/// <summary>Reads a JWT's payload in tests (no validation: the lab's resource servers do that).</summary>
internal static class TokenClaims
{
    public static JsonObject Read(string jwt) => JsonNode.Parse(Base64Url.Decode(jwt.Split('.')[1]))!.AsObject();
}

/// <summary>base64url (RFC 4648 §5, no padding), as JWTs, proofs and PKCE use it.</summary>
internal static class Base64Url
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
