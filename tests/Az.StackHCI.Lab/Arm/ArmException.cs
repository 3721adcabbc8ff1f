using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Arm;

/// <summary>An ARM error answer: thrown by handlers, written by the pipeline as the common-types ErrorResponse.</summary>
internal sealed class ArmException(int status, string code, string message, JsonArray? details = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public JsonArray? Details { get; } = details;

    /// <summary>Headers the error answer carries (e.g. WWW-Authenticate on 401).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public JsonObject ToBody()
    {
        var error = new JsonObject { ["code"] = Code, ["message"] = Message };
        if (Details is not null)
        {
            error["details"] = Details.DeepClone();
        }

        return new JsonObject { ["error"] = error };
    }
}
