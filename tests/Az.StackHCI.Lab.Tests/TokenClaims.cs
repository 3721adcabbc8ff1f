using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Tests;

/// <summary>Reads a JWT's payload in tests (no validation: the lab's resource servers do that).</summary>
internal static class TokenClaims
{
    public static JsonObject Read(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonNode.Parse(Convert.FromBase64String(payload))!.AsObject();
    }
}
