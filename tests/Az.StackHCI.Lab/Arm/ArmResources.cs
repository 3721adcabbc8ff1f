using System.Text.Json.Nodes;
using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>Checks and storage shared by the resource types below resource groups.</summary>
internal static class ArmResources
{
    public static LabResourceGroup RequireResourceGroup(ArmCall call, string resourceGroup) =>
        call.State.ResourceGroups.TryGetValue(resourceGroup, out var group) ? group : throw ArmErrors.ResourceGroupNotFound(resourceGroup);

    public static LabResource? Find(ArmCall call, string id) => call.State.Resources.TryGetValue(id, out var resource) ? resource : null;

    /// <summary>The resource, after checking its group, or ARM's 404s.</summary>
    public static LabResource Require(ArmCall call, string resourceGroup, string id, string typeAndName)
    {
        RequireResourceGroup(call, resourceGroup);
        return Find(call, id) ?? throw ArmErrors.ResourceNotFound(typeAndName, resourceGroup);
    }

    public static void RequireRegistered(ArmCall call, string ns)
    {
        if (!call.State.Providers.TryGetValue(ns, out var provider) || Providers.Current(provider, call.Now) != "Registered")
        {
            throw ArmErrors.MissingSubscriptionRegistration(provider?.Namespace ?? ns);
        }
    }

    /// <summary>The request's location, normalised, after checking the type is offered there.</summary>
    public static string RequireLocation(ArmCall call, JsonObject request, string ns, string type)
    {
        var location = ArmJson.String(request["location"]);
        if (string.IsNullOrWhiteSpace(location))
        {
            throw ArmErrors.LocationRequired();
        }

        var available = call.State.Providers.TryGetValue(ns, out var provider)
            ? provider.ResourceTypes.FirstOrDefault(t => string.Equals(t.ResourceType, type, StringComparison.OrdinalIgnoreCase))?.Locations ?? new List<string>()
            : new List<string>();
        var normalized = ArmIds.NormalizeLocation(location);
        if (available.Count > 0 && !available.Any(a => ArmIds.NormalizeLocation(a) == normalized))
        {
            throw ArmErrors.LocationNotAvailable(location, $"{provider!.Namespace}/{type}", available.Select(ArmIds.NormalizeLocation));
        }

        return normalized;
    }

    /// <summary>A tracked resource keeps its region: ARM refuses to "move" it by a PUT elsewhere.</summary>
    public static void RequireSameLocation(LabResource existing, string location, string resourceGroup)
    {
        var current = ArmJson.String(existing.Body["location"]);
        if (current is not null && current != location)
        {
            throw new ArmException(409, "InvalidResourceLocation",
                $"The resource '{existing.Body["name"]}' already exists in location '{current}' in resource group '{resourceGroup}'. A resource with the same name cannot be created in location '{location}'. Please select a new resource name.");
        }
    }

    public static IEnumerable<LabResource> OfType(ArmCall call, string type, string? resourceGroup = null) =>
        call.State.Resources.Values.Where(r => string.Equals(ArmJson.String(r.Body["type"]), type, StringComparison.OrdinalIgnoreCase)
            && (resourceGroup is null || string.Equals(ArmIds.ResourceGroupOf(r.Id), resourceGroup, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Removes a resource, its child resources and the role assignments at or below it.</summary>
    /// <summary>DELETE of a tracked resource in a group: 200 when it was there, 204 when it was not.</summary>
    public static ArmResult DeleteInGroup(ArmCall call, string resourceGroup, string id)
    {
        RequireResourceGroup(call, resourceGroup);
        if (Find(call, id) is null)
        {
            return ArmResult.NoContent();
        }

        Delete(call, id);
        return ArmResult.Deleted();
    }

    /// <summary>The resources of a type in a group, or in the subscription when no group is given.</summary>
    public static ArmResult ListOfType(ArmCall call, string type, string? resourceGroup)
    {
        if (resourceGroup is not null)
        {
            RequireResourceGroup(call, resourceGroup);
        }

        return ArmResult.List(OfType(call, type, resourceGroup).OrderBy(r => r.Id, StringComparer.OrdinalIgnoreCase).Select(r => r.Body.DeepClone()));
    }

    public static void Delete(ArmCall call, string id)
    {
        foreach (var key in call.State.Resources.Keys.Where(k => Rbac.Covers(id, k)).ToList())
        {
            ManagedIdentities.Remove(call.State, call.State.Resources[key].Body);
            call.State.Resources.Remove(key);
        }

        call.State.RoleAssignments.RemoveAll(a => Rbac.Covers(id, a.Scope));
    }
}
