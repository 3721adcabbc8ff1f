using System;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>Where the cluster will live in Azure, once defaults and the node's own registration are applied.</summary>
    internal sealed class RegistrationTarget
    {
        public RegistrationTarget(string subscriptionId, string resourceGroup, string resourceName)
        {
            SubscriptionId = subscriptionId;
            ResourceGroup = resourceGroup;
            ResourceName = resourceName;
        }

        public string SubscriptionId { get; }

        public string ResourceGroup { get; }

        public string ResourceName { get; }

        public string ResourceId => ResourceIds.Cluster(SubscriptionId, ResourceGroup, ResourceName);
    }

    /// <summary>Checks of the request that need nothing but the request: done before any session or sign-in.</summary>
    internal static class RegistrationInput
    {
        public static HciEnvironment Validate(RegistrationRequest request, EnvironmentCatalog environments)
        {
            if (!Guid.TryParse(request.SubscriptionId, out _))
            {
                throw new HciException("InvalidSubscriptionId", HciErrorCategory.InvalidArgument, request.SubscriptionId,
                    $"'{request.SubscriptionId}' is not a subscription id. Give the subscription's GUID, e.g. 12345678-1234-1234-1234-123456789012.");
            }

            if (request.ResourceGroupName is string group && !ResourceIds.IsValidResourceGroupName(group))
            {
                throw new HciException("InvalidResourceGroupName", HciErrorCategory.InvalidArgument, group,
                    $"'{group}' is not a valid resource group name: use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'.");
            }

            if (request.ArcServerResourceGroupName is string arcGroup && !ResourceIds.IsValidResourceGroupName(arcGroup))
            {
                throw new HciException("InvalidResourceGroupName", HciErrorCategory.InvalidArgument, arcGroup,
                    $"'{arcGroup}' is not a valid resource group name for -ArcServerResourceGroupName: use 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'.");
            }

            if (request.ResourceName is string name && (name.Length == 0 || name.Length > 260 || name.IndexOfAny(new[] { '/', '\\', '?', '#', '%', '&' }) >= 0))
            {
                throw new HciException("InvalidResourceName", HciErrorCategory.InvalidArgument, name,
                    $"'{name}' is not a valid resource name: it must be 1-260 characters without / \\ ? # % &.");
            }

            if (request.ThrottleLimit < 1)
            {
                throw new HciException("InvalidThrottleLimit", HciErrorCategory.InvalidArgument, request.ThrottleLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-ThrottleLimit must be at least 1.");
            }

            var environment = environments.Find(request.EnvironmentName)
                ?? throw new HciException("EnvironmentNotFound", HciErrorCategory.ObjectNotFound, request.EnvironmentName,
                    $"There is no environment named '{request.EnvironmentName}'. Run Get-AzStackHCIEnvironment to list them, or add a custom one with Add-AzStackHCIEnvironment.");
            if (request.SignIn.ArmAccessToken is not null)
            {
                if (request.SignIn.GraphAccessToken is null)
                {
                    throw new HciException("GraphAccessTokenRequired", HciErrorCategory.InvalidArgument, "GraphAccessToken",
                        "Registration creates the cluster's Azure AD application through Microsoft Graph: with -ArmAccessToken, also give -GraphAccessToken (a Graph token of the same account).");
                }

                // Expired or misdirected tokens are refused now, before any node or cloud is contacted.
                AzureSignIn.CheckSuppliedTokens(environment, request.SignIn);
            }

            return environment;
        }

        /// <summary>
        /// Applies defaults (resource name = cluster name, group = name-rg) and, when the node is registered already,
        /// insists on the values it was registered with (errors 9125/9127/9128).
        /// </summary>
        public static RegistrationTarget ResolveTarget(RegistrationRequest request, ClusterInfo cluster, NodeRegistration state)
        {
            var registered = state.IsRegistered ? ResourceIds.ParseCluster(state.AzureResourceUri) : null;
            if (registered is null)
            {
                if (request.RepairRegistration)
                {
                    throw new HciException("ClusterNotRegistered", HciErrorCategory.InvalidOperation, cluster.Name, RegistrationMessages.CannotRepair);
                }

                var name = request.ResourceName ?? cluster.Name;
                return new RegistrationTarget(request.SubscriptionId, request.ResourceGroupName ?? name + "-rg", name);
            }

            var (subscription, group, resource) = registered.Value;
            Insist(request.SubscriptionId, subscription, "SubscriptionMismatch", RegistrationMessages.SubscriptionMismatch);
            Insist(request.ResourceGroupName, group, "ResourceGroupMismatch", RegistrationMessages.ResourceGroupMismatch);
            Insist(request.ResourceName, resource, "ResourceNameMismatch", RegistrationMessages.ResourceNameMismatch);
            return new RegistrationTarget(subscription, group, resource);
        }

        private static void Insist(string? given, string registered, string errorId, string message)
        {
            if (given is not null && !string.Equals(given, registered, StringComparison.OrdinalIgnoreCase))
            {
                throw new HciException(errorId, HciErrorCategory.InvalidArgument, given, string.Format(message, registered));
            }
        }
    }
}
