using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Tokens;

/// <summary>Just enough JWT: base64url, split, and the header and payload as JSON.</summary>
internal static class Jwt
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    public static string Sign(JsonObject header, JsonObject payload, RSA key)
    {
        var signingInput = Encode(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Encode(signature);
    }

    /// <summary>Splits a compact JWT; null when it is not one.</summary>
    public static ParsedJwt? Parse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var header = JsonNode.Parse(Decode(parts[0])) as JsonObject;
            var payload = JsonNode.Parse(Decode(parts[1])) as JsonObject;
            return header is null || payload is null
                ? null
                : new ParsedJwt(header, payload, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Decode(parts[2]));
        }
        catch (Exception ex) when (ex is FormatException || ex is JsonException)
        {
            return null;
        }
    }

    /// <summary>A numeric date claim, which MSAL writes as a string and everyone else as a number.</summary>
    public static long? NumericDate(JsonObject payload, string name) => payload[name] switch
    {
        JsonValue v when v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.TryGetValue<double>(out var d) => (long)d,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, out var n) => n,
        _ => null,
    };
}

internal sealed record ParsedJwt(JsonObject Header, JsonObject Payload, byte[] SigningInput, byte[] Signature)
{
    public string? HeaderString(string name) => Header[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public string? Claim(string name) => Payload[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
