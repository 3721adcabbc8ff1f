using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// Microsoft.HybridCompute/machines: what Arc onboarding of a node creates. The agent reports the machine's
/// properties (status, parentClusterResourceId …), so the lab keeps what the client sends and fills the rest.
/// </summary>
internal static class Machines
{
    public const string Namespace = "Microsoft.HybridCompute";
    public const string Type = "Microsoft.HybridCompute/machines";

    public static string Id(ArmCall call, string resourceGroup, string name) => ArmIds.Resource(call.State, resourceGroup, Namespace, "machines", name);

    public static ArmResult Put(ArmCall call, string resourceGroup, string name)
    {
        var request = call.Body();
        var location = ArmResources.RequireLocation(call, request, Namespace, "machines");
        ArmResources.RequireResourceGroup(call, resourceGroup);
        ManagedIdentities.Validate(request["identity"]);
        var id = Id(call, resourceGroup, name);
        var resource = ArmResources.Find(call, id);
        if (resource is null)
        {
            resource = new LabResource
            {
                Id = id,
                Body = new JsonObject
                {
                    ["id"] = id, ["name"] = name, ["type"] = Type, ["location"] = location, ["systemData"] = ArmJson.SystemData(call),
                    ["properties"] = new JsonObject { ["vmId"] = call.State.NewId() },
                },
            };
            call.State.Resources[id] = resource;
        }
        else
        {
            ArmResources.RequireSameLocation(resource, location, resourceGroup);
        }

        var body = resource.Body;
        body["tags"] = ArmJson.Tags(request);
        ArmJson.CopyPresent(request, body, "kind");
        Merge(call, (JsonObject)body["properties"]!, request["properties"] as JsonObject);
        ManagedIdentities.Apply(call, body, request["identity"] as JsonObject, name);
        ArmJson.Touch(body, call);
        return ArmResult.Ok(body.DeepClone());
    }

    public static ArmResult Patch(ArmCall call, string resourceGroup, string name)
    {
        var body = Require(call, resourceGroup, name).Body;
        var request = call.Body();
        if (request["tags"] is JsonObject)
        {
            body["tags"] = ArmJson.Tags(request);
        }

        Merge(call, (JsonObject)body["properties"]!, request["properties"] as JsonObject);
        ManagedIdentities.Apply(call, body, request["identity"] as JsonObject, name);
        ArmJson.Touch(body, call);
        return ArmResult.Ok(body.DeepClone());
    }

    public static ArmResult Get(ArmCall call, string resourceGroup, string name) => ArmResult.Ok(Require(call, resourceGroup, name).Body.DeepClone());

    public static ArmResult Delete(ArmCall call, string resourceGroup, string name) =>
        ArmResources.DeleteInGroup(call, resourceGroup, Id(call, resourceGroup, name));

    public static ArmResult List(ArmCall call, string? resourceGroup) => ArmResources.ListOfType(call, Type, resourceGroup);

    private static LabResource Require(ArmCall call, string resourceGroup, string name) =>
        ArmResources.Require(call, resourceGroup, Id(call, resourceGroup, name), $"{Type}/{name}");

    private static void Merge(ArmCall call, JsonObject properties, JsonObject? requested)
    {
        var previousStatus = ArmJson.String(properties["status"]);
        foreach (var (key, value) in requested ?? new JsonObject())
        {
            if (key is not ("provisioningState" or "vmId" or "lastStatusChange"))
            {
                properties[key] = value?.DeepClone();
            }
        }

        properties["provisioningState"] = "Succeeded";
        properties["status"] ??= "Connected";
        if (properties["lastStatusChange"] is null || previousStatus != ArmJson.String(properties["status"]))
        {
            properties["lastStatusChange"] = ArmJson.Time(call.Now);
        }
    }
}
