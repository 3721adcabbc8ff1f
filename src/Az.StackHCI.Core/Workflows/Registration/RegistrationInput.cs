using System;
using Az.StackHCI.Core.Environments;
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
            if (string.IsNullOrEmpty(request.SubscriptionId))
            {
                throw new HciException("InvalidSubscriptionId", HciErrorCategory.InvalidArgument, "SubscriptionId", "Give -SubscriptionId, the subscription's GUID.");
            }

            CommonInput.SubscriptionId(request.SubscriptionId);
            CommonInput.ResourceGroupName(request.ResourceGroupName);
            CommonInput.ResourceGroupName(request.ArcServerResourceGroupName, "ArcServerResourceGroupName");
            CommonInput.ResourceName(request.ResourceName);
            CommonInput.ThrottleLimit(request.ThrottleLimit);
            var environment = CommonInput.Environment(request.EnvironmentName, environments);
            CommonInput.SignIn(environment, request.SignIn, "Registration creates the cluster's Azure AD application through Microsoft Graph");
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
