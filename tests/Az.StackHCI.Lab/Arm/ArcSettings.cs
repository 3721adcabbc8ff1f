using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// clusters/{c}/arcSettings/default (wire protocols §1.6). aggregateState and perNodeDetails are not stored: they
/// are read from the Microsoft.HybridCompute machines whose parentClusterResourceId is the cluster, for the nodes
/// that reported themselves Arc-enabled at the cluster's last sync (Census.ApplyArc). From initializeDisableProcess
/// until the arc setting is deleted, aggregateState reads DisableInProgress (Microsoft's module then refuses to
/// register: "Unregister of Azure Arc integration is in progress"). Extensions: <see cref="ArcExtensions"/>.
/// </summary>
internal static class ArcSettings
{
    public const string Type = "Microsoft.AzureStackHCI/clusters/arcSettings";

    private static readonly string[] Writable =
    {
        "arcInstanceResourceGroup", "arcApplicationClientId", "arcApplicationTenantId", "arcServicePrincipalObjectId", "arcApplicationObjectId",
        "connectivityProperties",
    };

    public static ArmResult Put(ArmCall call, string resourceGroup, string cluster, string name)
    {
        var request = call.BodyOrEmpty();
        var clusterId = Clusters.Require(call, resourceGroup, cluster).Id;
        RequireDefault(name);
        var id = clusterId + "/arcSettings/default";
        var resource = ArmResources.Find(call, id);
        if (resource is null)
        {
            resource = new LabResource
            {
                Id = id,
                Body = new JsonObject
                {
                    ["id"] = id, ["name"] = "default", ["type"] = Type, ["systemData"] = ArmJson.SystemData(call),
                    ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
                },
            };
            call.State.Resources[id] = resource;
        }

        ArmJson.CopyPresent(request["properties"] as JsonObject, (JsonObject)resource.Body["properties"]!, Writable);
        ArmJson.Touch(resource.Body, call);
        return ArmResult.Ok(Render(call, resource));
    }

    public static ArmResult Patch(ArmCall call, string resourceGroup, string cluster, string name)
    {
        var resource = Require(call, resourceGroup, cluster, name);
        var request = call.Body();
        if (request["tags"] is JsonObject)
        {
            resource.Body["tags"] = ArmJson.Tags(request);
        }

        ArmJson.CopyPresent(request["properties"] as JsonObject, (JsonObject)resource.Body["properties"]!, "connectivityProperties");
        ArmJson.Touch(resource.Body, call);
        return ArmResult.Ok(Render(call, resource));
    }

    public static ArmResult Get(ArmCall call, string resourceGroup, string cluster, string name) =>
        ArmResult.Ok(Render(call, Require(call, resourceGroup, cluster, name)));

    public static ArmResult Delete(ArmCall call, string resourceGroup, string cluster, string name)
    {
        var clusterId = Clusters.Require(call, resourceGroup, cluster).Id;
        var id = clusterId + "/arcSettings/" + name;
        if (ArmResources.Find(call, id) is null)
        {
            return ArmResult.NoContent();
        }

        var appId = ArmJson.String(ArmResources.Find(call, id)!.Body["properties"]?["arcApplicationClientId"]);
        ArmResources.Delete(call, id);
        DirectoryObjects.DeleteIfProviderOwned(call.State, appId);
        return ArmResult.Deleted();
    }

    public static ArmResult List(ArmCall call, string resourceGroup, string cluster)
    {
        var clusterId = Clusters.Require(call, resourceGroup, cluster).Id;
        return ArmResult.List(ArmResources.OfType(call, Type)
            .Where(r => r.Id.StartsWith(clusterId + "/", StringComparison.OrdinalIgnoreCase))
            .Select(r => (JsonNode)Render(call, r)));
    }

    /// <summary>The arc setting, with a finished disable process applied (<see cref="ArcExtensions.Settle"/>).</summary>
    public static LabResource Require(ArmCall call, string resourceGroup, string cluster, string name)
    {
        var clusterId = Clusters.Require(call, resourceGroup, cluster).Id;
        var resource = ArmResources.Find(call, clusterId + "/arcSettings/" + name)
            ?? throw ArmErrors.ResourceNotFound($"{Type}/{cluster}/{name}", resourceGroup);
        ArcExtensions.Settle(call, resource);
        return resource;
    }

    public static JsonObject Render(ArmCall call, LabResource resource)
    {
        ArcExtensions.Settle(call, resource);
        var body = (JsonObject)resource.Body.DeepClone();
        var properties = (JsonObject)body["properties"]!;
        var clusterId = resource.Id[..resource.Id.LastIndexOf("/arcSettings/", StringComparison.OrdinalIgnoreCase)];
        var cluster = ArmResources.Find(call, clusterId);
        var nodes = ArmResources.OfType(call, Machines.Type)
            .Where(m => ArmIds.SameId(ArmJson.String(m.Body["properties"]?["parentClusterResourceId"]), clusterId)
                && Hci.Census.ReportedArcEnabled(cluster, ArmJson.String(m.Body["name"])))
            .OrderBy(m => ArmJson.String(m.Body["name"]), StringComparer.OrdinalIgnoreCase)
            .Select(m =>
            {
                var node = new JsonObject
                {
                    ["name"] = ArmJson.String(m.Body["name"]),
                    ["arcInstance"] = m.Id,
                    ["state"] = NodeState(ArmJson.String(m.Body["properties"]?["status"])),
                };
                if (ArmJson.String(m.Body["identity"]?["principalId"]) is string principal)
                {
                    node["arcNodeServicePrincipalObjectId"] = principal;
                }

                return node;
            })
            .ToList();
        properties["perNodeDetails"] = new JsonArray(nodes.Select(n => (JsonNode)n).ToArray());
        properties["aggregateState"] = resource.Hidden["disabling"] is not null ? "DisableInProgress" : Aggregate(nodes.Select(n => ArmJson.String(n["state"])!).ToList());
        return body;
    }

    private static void RequireDefault(string name)
    {
        if (!string.Equals(name, "default", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmException(400, "InvalidArcSettingName", $"The arc setting name '{name}' is not valid. The only supported name is 'default'.");
        }
    }

    private static string NodeState(string? machineStatus) => machineStatus switch
    {
        "Connected" => "Connected",
        "Disconnected" or "Expired" => "Disconnected",
        "Error" => "Error",
        _ => "NotSpecified",
    };

    private static string Aggregate(IReadOnlyList<string> states) => states switch
    {
        { Count: 0 } => "NotSpecified",
        _ when states.All(s => s == "Connected") => "Connected",
        _ when states.Any(s => s == "Connected") => "PartiallyConnected",
        _ when states.Any(s => s == "Error") => "Error",
        _ => "Disconnected",
    };
}
