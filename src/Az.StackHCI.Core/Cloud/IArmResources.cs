using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Cloud
{
    /// <summary>
    /// What the workflows need of Azure Resource Manager: subscriptions, providers, resource groups, resources at
    /// pinned api-versions, their actions (the provider's identity actions among them), role assignments and the
    /// caller's permissions. <see cref="ArmGateway"/> is the SDK's; unit tests give the workflows a fake.
    /// </summary>
    internal interface IArmResources
    {
        Task<SubscriptionInfo> GetSubscriptionAsync(string subscriptionId, CancellationToken cancellationToken);

        Task<ProviderInfo> GetProviderAsync(string subscriptionId, string providerNamespace, CancellationToken cancellationToken);

        Task<ProviderInfo> RegisterProviderAsync(string subscriptionId, string providerNamespace, CancellationToken cancellationToken);

        Task<ResourceGroupInfo?> GetResourceGroupAsync(string subscriptionId, string name, CancellationToken cancellationToken);

        Task<ResourceGroupInfo> CreateResourceGroupAsync(string subscriptionId, string name, string location, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

        /// <summary>A resource's JSON (id, name, type, location, tags, properties …), or null when it does not exist.</summary>
        Task<JsonObject?> GetResourceAsync(string resourceId, string apiVersion, CancellationToken cancellationToken);

        Task<JsonObject> PutResourceAsync(string resourceId, string apiVersion, JsonObject body, CancellationToken cancellationToken);

        /// <summary>PATCHes the given properties only (ARM's merge semantics), returning the resource as it is now.</summary>
        Task<JsonObject> PatchResourceAsync(string resourceId, string apiVersion, JsonObject body, CancellationToken cancellationToken);

        /// <summary>
        /// Assigns a role at a scope under a name derived from (scope, role, principal), so a re-run lands on the same
        /// assignment; one that exists under another name (409 RoleAssignmentExists) is accepted as done.
        /// </summary>
        Task AssignRoleAsync(string scope, string roleDefinitionGuid, string principalId, string principalType, CancellationToken cancellationToken);

        /// <summary>The principal's role assignments anywhere in the subscription: (id, scope, role definition guid).</summary>
        Task<IReadOnlyList<(string Id, string Scope, string RoleDefinition)>> ListRoleAssignmentsAsync(string subscriptionId, string principalId, CancellationToken cancellationToken);

        /// <summary>Deletes a resource by id (ARM ids of any kind, role assignments included); one already gone is fine.</summary>
        Task DeleteAsync(string resourceId, string apiVersion, CancellationToken cancellationToken);

        /// <summary>
        /// Deletes a provider resource through the SDK, which follows the long-running operation to its end (the
        /// api-version comes from the pinned ones); one already gone is fine.
        /// </summary>
        Task<bool> DeleteProviderResourceAsync(string resourceId, CancellationToken cancellationToken);

        /// <summary>
        /// POSTs a resource action and, when the provider runs it long (202), follows it to its end as ARM's RPC asks:
        /// the Azure-AsyncOperation status, else the Location, on the ARM host only. Returns the synchronous answer's
        /// body (null for 202/204: the caller reads the resource again, as Microsoft's module does).
        /// </summary>
        Task<JsonObject?> InvokeActionAsync(string resourceId, string action, string apiVersion, JsonObject? body, IOperationReporter reporter, CancellationToken cancellationToken);

        /// <summary>The names of the operations a provider offers (GET /providers/{ns}/operations); empty where it lists none.</summary>
        Task<IReadOnlyList<string>> ListProviderOperationsAsync(string providerNamespace, string apiVersion, CancellationToken cancellationToken);

        /// <summary>The "value" list of a collection GET (e.g. arcSettings/default/extensions).</summary>
        Task<IReadOnlyList<JsonObject>> ListAsync(string path, string apiVersion, CancellationToken cancellationToken);

        /// <summary>How many resources the group holds (0 when the group is gone).</summary>
        Task<int> CountResourcesAsync(string subscriptionId, string resourceGroup, CancellationToken cancellationToken);

        /// <summary>Deletes a resource group and waits until it is gone; one already gone is fine.</summary>
        Task<bool> DeleteResourceGroupAsync(string subscriptionId, string resourceGroup, CancellationToken cancellationToken);

        /// <summary>The caller's effective actions at a scope (Microsoft.Authorization/permissions), read once per scope and run.</summary>
        Task<IReadOnlyList<(IReadOnlyList<string> Actions, IReadOnlyList<string> NotActions)>> GetPermissionsAsync(string scope, CancellationToken cancellationToken);
    }
}
