using System.Text.Json.Nodes;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Tests;

/// <summary>
/// Resource Manager as the workflows see it (<see cref="IArmResources"/>), in memory: providers, resource groups,
/// resources, their deletion and the provider's createClusterIdentity action. Every write is recorded; what a test does not need
/// throws, so a workflow that calls more than a test expects fails loudly.
/// </summary>
internal sealed class FakeArm : IArmResources
{
    public Dictionary<string, string> Providers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, ResourceGroupInfo> Groups { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, JsonObject> Resources { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Writes { get; } = new();

    /// <summary>What createClusterIdentity leaves in the cluster's properties (the provider's application), or nothing.</summary>
    public JsonObject? ProviderIdentity { get; set; } = new()
    {
        ["aadClientId"] = "a1b2c3d4-0000-4000-8000-000000000001",
        ["aadApplicationObjectId"] = "a1b2c3d4-0000-4000-8000-000000000002",
        ["aadServicePrincipalObjectId"] = "a1b2c3d4-0000-4000-8000-000000000003",
    };

    public Task<ProviderInfo> GetProviderAsync(string subscriptionId, string providerNamespace, CancellationToken cancellationToken) =>
        Task.FromResult(Provider(providerNamespace));

    public Task<ProviderInfo> RegisterProviderAsync(string subscriptionId, string providerNamespace, CancellationToken cancellationToken)
    {
        Writes.Add($"register {providerNamespace}");
        Providers[providerNamespace] = "Registered";
        return Task.FromResult(Provider(providerNamespace));
    }

    public Task<ResourceGroupInfo?> GetResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Groups.TryGetValue(name, out var group) ? group : null);

    public Task<ResourceGroupInfo> CreateResourceGroupAsync(string subscriptionId, string name, string location, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        Writes.Add($"create group {name}");
        return Task.FromResult(Groups[name] = new ResourceGroupInfo($"/subscriptions/{subscriptionId}/resourceGroups/{name}", name, location, tags));
    }

    public Task<JsonObject?> GetResourceAsync(string resourceId, string apiVersion, CancellationToken cancellationToken) =>
        Task.FromResult(Resources.TryGetValue(resourceId, out var resource) ? (JsonObject?)resource.DeepClone().AsObject() : null);

    public Task<JsonObject> PutResourceAsync(string resourceId, string apiVersion, JsonObject body, CancellationToken cancellationToken)
    {
        Writes.Add($"put {resourceId}");
        var resource = body.DeepClone().AsObject();
        resource["id"] = resourceId;
        return Task.FromResult(Resources[resourceId] = resource);
    }

    public Task<JsonObject?> InvokeActionAsync(string resourceId, string action, string apiVersion, JsonObject? body, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        Writes.Add($"{action} {resourceId}");
        if (action == "createClusterIdentity" && ProviderIdentity is not null)
        {
            var properties = Resources[resourceId]["properties"]!.AsObject();
            foreach (var (name, value) in ProviderIdentity)
            {
                properties[name] = value?.DeepClone();
            }
        }

        return Task.FromResult<JsonObject?>(null);
    }

    public Task<bool> DeleteProviderResourceAsync(string resourceId, CancellationToken cancellationToken)
    {
        Writes.Add($"delete {resourceId}");
        return Task.FromResult(Resources.Remove(resourceId));
    }

    public Task<int> CountResourcesAsync(string subscriptionId, string resourceGroup, CancellationToken cancellationToken) =>
        Task.FromResult(Resources.Keys.Count(id => id.Contains($"/resourceGroups/{resourceGroup}/", StringComparison.OrdinalIgnoreCase)));

    public Task<bool> DeleteResourceGroupAsync(string subscriptionId, string resourceGroup, CancellationToken cancellationToken)
    {
        Writes.Add($"delete group {resourceGroup}");
        return Task.FromResult(Groups.Remove(resourceGroup));
    }

    /// <summary>No role assignments: the clusters of these tests have no Arc.</summary>
    public Task<IReadOnlyList<(string Id, string Scope, string RoleDefinition)>> ListRoleAssignmentsAsync(string subscriptionId, string principalId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(string Id, string Scope, string RoleDefinition)>>(Array.Empty<(string, string, string)>());

    private ProviderInfo Provider(string name) =>
        new(name, Providers.TryGetValue(name, out var state) ? state : "NotRegistered", new Dictionary<string, IReadOnlyList<string>>());

    public Task<SubscriptionInfo> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken) => throw Unexpected();

    public Task<JsonObject> PatchResourceAsync(string resourceId, string apiVersion, JsonObject body, CancellationToken cancellationToken) => throw Unexpected();

    public Task AssignRoleAsync(string scope, string roleDefinitionGuid, string principalId, string principalType, CancellationToken cancellationToken) => throw Unexpected();

    public Task DeleteAsync(string resourceId, string apiVersion, CancellationToken cancellationToken) => throw Unexpected();

    public Task<IReadOnlyList<string>> ListProviderOperationsAsync(string providerNamespace, string apiVersion, CancellationToken cancellationToken) => throw Unexpected();

    public Task<IReadOnlyList<JsonObject>> ListAsync(string path, string apiVersion, CancellationToken cancellationToken) => throw Unexpected();

    public Task<IReadOnlyList<(IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions)>> GetPermissionsAsync(string scope, CancellationToken cancellationToken) => throw Unexpected();

    private static NotSupportedException Unexpected([System.Runtime.CompilerServices.CallerMemberName] string name = "") =>
        new($"The fake ARM was not expecting {name}.");
}
