using System.Text.Json.Nodes;

namespace Az.StackHCI.Lab.Hci;

/// <summary>
/// What a node reports about its cluster (name, id, version, nodes with OS, cores and memory), written into the ARM
/// cluster's reportedProperties in the shape of the 2024-04-01 API.
/// </summary>
internal static class Census
{
    private static readonly string[] NodeFields =
    {
        "name", "id", "windowsServerSubscription", "nodeType", "manufacturer", "model", "osName", "osVersion",
        "osDisplayVersion", "serialNumber", "coreCount", "memoryInGiB",
    };

    public static void Apply(JsonObject properties, JsonObject body, DateTimeOffset now)
    {
        var reported = properties["reportedProperties"] as JsonObject ?? new JsonObject();
        foreach (var field in new[] { "clusterName", "clusterId", "clusterVersion", "diagnosticLevel", "manufacturer" })
        {
            if (body[field] is JsonNode value)
            {
                reported[field] = value.DeepClone();
            }
        }

        if (body["nodes"] is JsonArray nodes)
        {
            reported["nodes"] = new JsonArray(nodes.OfType<JsonObject>().Select(Node).ToArray());
        }

        reported["lastUpdated"] = HciEndpoints.Iso(now);
        properties["reportedProperties"] = reported;
    }

    private static JsonNode Node(JsonObject node)
    {
        var copy = new JsonObject();
        foreach (var field in NodeFields)
        {
            if (node[field] is JsonNode value)
            {
                copy[field] = value.DeepClone();
            }
        }

        return copy;
    }
}
