using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>Who owns the cluster's and Arc's Entra applications.</summary>
    public enum IdentityFlow
    {
        /// <summary>
        /// The resource provider creates and owns them (createClusterIdentity, uploadCertificate, createArcIdentity,
        /// generatePassword): Microsoft's module since 1.2; the user needs no directory role and no admin consent.
        /// </summary>
        ServiceManaged,

        /// <summary>The user's own applications, created through Microsoft Graph with admin consent (Microsoft's 1.1, the seed).</summary>
        OwnApplication,
    }

    /// <summary>The cluster's application as the nodes and the HCI service know it, whoever owns it.</summary>
    internal sealed class ClusterIdentity
    {
        public ClusterIdentity(IdentityFlow flow, string appId, string applicationObjectId, string servicePrincipalObjectId)
        {
            Flow = flow;
            AppId = appId;
            ApplicationObjectId = applicationObjectId;
            ServicePrincipalObjectId = servicePrincipalObjectId;
        }

        public IdentityFlow Flow { get; }

        public string AppId { get; }

        public string ApplicationObjectId { get; }

        public string ServicePrincipalObjectId { get; }
    }

    /// <summary>Which flow a registration takes, and which one an existing cluster used.</summary>
    internal static class IdentityFlows
    {
        /// <summary>The provider operation the service-managed flow starts with (ARM operation names, "{type}/{action}/action").</summary>
        public const string CreateClusterIdentityOperation = ResourceIds.HciNamespace + "/clusters/createClusterIdentity/action";

        /// <summary>
        /// The flow for a new registration: the user's choice, else service-managed where the provider lists
        /// createClusterIdentity among its operations (custom clouds may run a provider without it).
        /// </summary>
        public static async Task<IdentityFlow> ChooseAsync(IArmResources arm, bool useOwnApplication, CancellationToken cancellationToken)
        {
            if (useOwnApplication)
            {
                return IdentityFlow.OwnApplication;
            }

            var operations = await arm.ListProviderOperationsAsync(ResourceIds.HciNamespace, ApiVersions.Clusters, cancellationToken).ConfigureAwait(false);
            return operations.Contains(CreateClusterIdentityOperation, StringComparer.OrdinalIgnoreCase) ? IdentityFlow.ServiceManaged : IdentityFlow.OwnApplication;
        }

        /// <summary>
        /// The flow an existing cluster used, whoever registered it: service-managed when its application is owned by
        /// the provider's service principal (resourceProviderObjectId); null when the resource names no application
        /// yet (or it is gone), so the chosen flow applies.
        /// </summary>
        public static async Task<IdentityFlow?> DetectAsync(IDirectory graph, JsonObject? cluster, CancellationToken cancellationToken)
        {
            var properties = cluster?["properties"];
            if (properties?["aadClientId"]?.GetValue<string>() is not { Length: > 0 } appId)
            {
                return null;
            }

            try
            {
                var application = await graph.FindApplicationByAppIdAsync(appId, cancellationToken).ConfigureAwait(false);
                if (application is null)
                {
                    return null;
                }

                return await IsProviderOwnedAsync(graph, application.ObjectId, cluster, cancellationToken).ConfigureAwait(false) ? IdentityFlow.ServiceManaged : IdentityFlow.OwnApplication;
            }
            catch (HciException ex) when (ex.Category == HciErrorCategory.PermissionDenied)
            {
                // An account that may not read the directory (a service principal without Application.Read.All): a
                // resource naming the provider's principal is taken as the provider's, as every cluster since 1.2 is.
                return ProviderPrincipal(cluster) is null ? IdentityFlow.OwnApplication : IdentityFlow.ServiceManaged;
            }
        }

        /// <summary>True when the provider's service principal owns the application: then it is the provider's to change and delete.</summary>
        public static async Task<bool> IsProviderOwnedAsync(IDirectory graph, string applicationObjectId, JsonObject? cluster, CancellationToken cancellationToken)
        {
            if (ProviderPrincipal(cluster) is not string provider)
            {
                return false;
            }

            var owners = await graph.GetOwnerIdsAsync(applicationObjectId, cancellationToken).ConfigureAwait(false);
            return owners.Contains(provider, StringComparer.OrdinalIgnoreCase);
        }

        /// <summary>The provider's service principal in the tenant, as the cluster resource names it.</summary>
        public static string? ProviderPrincipal(JsonObject? cluster) =>
            cluster?["properties"]?["resourceProviderObjectId"]?.GetValue<string>() is { Length: > 0 } id ? id : null;
    }
}
