using System.Globalization;
using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Arm;

/// <summary>JSON pieces every ARM resource carries.</summary>
internal static class ArmJson
{
    /// <summary>ARM's timestamp form: UTC, seven fraction digits, 'Z'.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static JsonObject SystemData(ArmCall call) => new()
    {
        ["createdBy"] = call.ClientName,
        ["createdByType"] = call.ClientType,
        ["createdAt"] = Time(call.Now),
        ["lastModifiedBy"] = call.ClientName,
        ["lastModifiedByType"] = call.ClientType,
        ["lastModifiedAt"] = Time(call.Now),
    };

    /// <summary>Records the caller as the last modifier.</summary>
    public static void Touch(JsonObject resource, ArmCall call)
    {
        var systemData = resource["systemData"] as JsonObject ?? SystemData(call);
        systemData["lastModifiedBy"] = call.ClientName;
        systemData["lastModifiedByType"] = call.ClientType;
        systemData["lastModifiedAt"] = Time(call.Now);
        resource["systemData"] = systemData;
    }

    public static string? String(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The "tags" of a request: an object of strings, or empty.</summary>
    public static JsonObject Tags(JsonObject request) => request["tags"] is JsonObject tags ? (JsonObject)tags.DeepClone() : new JsonObject();

    /// <summary>Copies the named properties that the request carries onto the target.</summary>
    public static void CopyPresent(JsonObject? from, JsonObject to, params string[] names)
    {
        if (from is null)
        {
            return;
        }

        foreach (var name in names)
        {
            if (from.TryGetPropertyValue(name, out var value))
            {
                to[name] = value?.DeepClone();
            }
        }
    }
}
