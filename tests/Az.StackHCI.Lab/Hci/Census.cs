using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

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

    /// <summary>
    /// The nodes' own Arc state from the census (arcNodes: name, arcStatus), kept on the cluster: arcSettings'
    /// perNodeDetails show a node only once it reported itself Arc-enabled this way, as the service patches them
    /// after the nodes sync (real-world-evidence.md), never the moment a machine resource appears.
    /// </summary>
    public static void ApplyArc(LabResource cluster, JsonObject body)
    {
        if (body["arcNodes"] is not JsonArray nodes)
        {
            return;
        }

        var reported = new JsonObject();
        foreach (var node in nodes.OfType<JsonObject>())
        {
            if (node["name"]?.GetValue<string>() is string name)
            {
                reported[name.ToLowerInvariant()] = node["arcStatus"]?.GetValue<string>() ?? "Disabled";
            }
        }

        cluster.Hidden["arcNodes"] = reported;
    }

    /// <summary>Whether the cluster's nodes reported <paramref name="node"/> Arc-enabled at their last sync.</summary>
    public static bool ReportedArcEnabled(LabResource? cluster, string? node) =>
        node is not null && cluster?.Hidden["arcNodes"]?[node.ToLowerInvariant()]?.GetValue<string>() == "Enabled";

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
