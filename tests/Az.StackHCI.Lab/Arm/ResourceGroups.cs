using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>Resource groups (wire protocols §2.2) and the resources listed in one.</summary>
internal static class ResourceGroups
{
    public static ArmResult Put(ArmCall call, string name)
    {
        var request = call.Body();
        var location = ArmResources.RequireLocation(call, request, "Microsoft.Resources", "resourceGroups");
        if (call.State.ResourceGroups.TryGetValue(name, out var existing))
        {
            if (existing.Location != location)
            {
                throw new ArmException(409, "InvalidResourceGroupLocation",
                    $"Invalid resource group location '{location}'. The Resource group already exists in location '{existing.Location}'.");
            }

            existing.Tags = ArmJson.Tags(request);
            existing.ManagedBy = ArmJson.String(request["managedBy"]);
            return ArmResult.Ok(Render(call, existing));
        }

        var group = new LabResourceGroup { Name = name, Location = location, Tags = ArmJson.Tags(request), ManagedBy = ArmJson.String(request["managedBy"]) };
        call.State.ResourceGroups[name] = group;
        return ArmResult.Created(Render(call, group));
    }

    public static ArmResult Get(ArmCall call, string name) => ArmResult.Ok(Render(call, ArmResources.RequireResourceGroup(call, name)));

    public static ArmResult Patch(ArmCall call, string name)
    {
        var group = ArmResources.RequireResourceGroup(call, name);
        var request = call.Body();
        if (request["tags"] is JsonObject)
        {
            group.Tags = ArmJson.Tags(request);
        }

        return ArmResult.Ok(Render(call, group));
    }

    /// <summary>Deletes the group with everything in it, synchronously (200).</summary>
    public static ArmResult Delete(ArmCall call, string name)
    {
        var group = ArmResources.RequireResourceGroup(call, name);
        ArmResources.Delete(call, ArmIds.ResourceGroup(call.State, group.Name));
        call.State.ResourceGroups.Remove(group.Name);
        return ArmResult.Deleted();
    }

    public static ArmResult List(ArmCall call) =>
        ArmResult.List(call.State.ResourceGroups.Values.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase).Select(g => (JsonNode)Render(call, g)));

    /// <summary>GET .../resourceGroups/{rg}/resources: the top-level resources in the group.</summary>
    public static ArmResult Resources(ArmCall call, string name)
    {
        var group = ArmResources.RequireResourceGroup(call, name);
        var prefix = ArmIds.ResourceGroup(call.State, group.Name) + "/providers/";
        return ArmResult.List(call.State.Resources.Values
            .Where(r => r.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && r.Id[prefix.Length..].Split('/').Length == 3)
            .OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase)
            .Select(r =>
            {
                var item = new JsonObject();
                ArmJson.CopyPresent(r.Body, item, "id", "name", "type", "kind", "location", "identity", "tags");
                return (JsonNode)item;
            }));
    }

    private static JsonObject Render(ArmCall call, LabResourceGroup group)
    {
        var body = new JsonObject
        {
            ["id"] = ArmIds.ResourceGroup(call.State, group.Name),
            ["name"] = group.Name,
            ["type"] = "Microsoft.Resources/resourceGroups",
            ["location"] = group.Location,
            ["tags"] = group.Tags.DeepClone(),
            ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
        };
        if (group.ManagedBy is not null)
        {
            body["managedBy"] = group.ManagedBy;
        }

        return body;
    }
}
