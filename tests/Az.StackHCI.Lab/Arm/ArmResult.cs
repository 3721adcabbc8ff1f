using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Arm;

/// <summary>What a handler answers: a status, an optional JSON body and extra headers.</summary>
internal sealed class ArmResult(int status, JsonNode? body = null)
{
    public int Status { get; } = status;

    public JsonNode? Body { get; } = body;

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ArmResult Ok(JsonNode body) => new(200, body);

    public static ArmResult Created(JsonNode body) => new(201, body);

    /// <summary>200 without a body: ARM's synchronous delete.</summary>
    public static ArmResult Deleted() => new(200);

    public static ArmResult NoContent() => new(204);

    public static ArmResult List(IEnumerable<JsonNode> items) => new(200, new JsonObject { ["value"] = new JsonArray(items.ToArray()) });
}
