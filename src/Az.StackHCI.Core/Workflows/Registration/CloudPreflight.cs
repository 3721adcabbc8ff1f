using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>What the cloud already holds, and so which changes registration will make.</summary>
    internal sealed class RegistrationPlan
    {
        public string Region { get; set; } = "";
        public bool RegisterProvider { get; set; }
        public bool CreateResourceGroup { get; set; }
        public JsonObject? ExistingCluster { get; set; }

        /// <summary>Who owns the cluster's applications: the existing cluster's way, else the chosen one.</summary>
        public IdentityFlow Flow { get; set; }

        /// <summary>The node is registered to this very resource and nothing needs repair.</summary>
        public bool AlreadyRegistered { get; set; }
    }

    /// <summary>
    /// Cloud checks before any change: subscription, provider and region, resource group, an existing resource and
    /// its region, and whether the signed-in account may do what the plan needs (named action by action).
    /// </summary>
    internal static class CloudPreflight
    {
        public static async Task<RegistrationPlan> CheckAsync(RegistrationContext context, NodeRegistration nodeState, CancellationToken cancellationToken)
        {
            var arm = context.Arm;
            var target = context.Target;
            await arm.GetSubscriptionAsync(target.SubscriptionId, cancellationToken).ConfigureAwait(false);
            var provider = await arm.GetProviderAsync(target.SubscriptionId, ResourceIds.HciNamespace, cancellationToken).ConfigureAwait(false);
            var group = await arm.GetResourceGroupAsync(target.SubscriptionId, target.ResourceGroup, cancellationToken).ConfigureAwait(false);
            var existing = group is null || !provider.IsRegistered
                ? null
                : await arm.GetResourceAsync(target.ResourceId, ApiVersions.Clusters, cancellationToken).ConfigureAwait(false);
            var existingRegion = existing?["location"]?.GetValue<string>();

            // Without -Region a re-run keeps the resource where it is; a new one goes to the environment's default.
            var region = CheckRegion(context, provider, context.Request.Region ?? existingRegion ?? context.Environment.DefaultRegion);
            if (existingRegion is not null && ResourceIds.NormalizeRegion(existingRegion) != region)
            {
                throw new HciException("ResourceExistsInDifferentRegion", HciErrorCategory.InvalidArgument, target.ResourceId,
                    string.Format(RegistrationMessages.RegionMismatch, existingRegion, context.Request.Region ?? region));
            }

            if (nodeState.IsRegistered && existing is null)
            {
                throw new HciException("CloudResourceDoesNotExist", HciErrorCategory.ObjectNotFound, target.ResourceId, string.Format(RegistrationMessages.ResourceMissing, target.ResourceId));
            }

            var flow = await IdentityFlows.DetectAsync(context.Graph, existing, cancellationToken).ConfigureAwait(false) is IdentityFlow detected
                ? detected
                : await IdentityFlows.ChooseAsync(arm, context.Request.UseOwnApplication, cancellationToken).ConfigureAwait(false);
            if (flow == IdentityFlow.ServiceManaged && context.Request.UseOwnApplication)
            {
                context.Reporter.Warning($"{target.ResourceId} was registered with the resource provider's identity; it stays so (-UseOwnApplication applies to new registrations).");
            }

            context.Reporter.Verbose(flow == IdentityFlow.ServiceManaged
                ? "The cluster's and Arc's identities are created and owned by the Azure Stack HCI resource provider (service-managed)."
                : "The cluster's and Arc's identities are the user's own Azure AD applications (created through Microsoft Graph, admin consent needed).");
            var plan = new RegistrationPlan
            {
                Flow = flow,
                Region = region,
                RegisterProvider = !provider.IsRegistered,
                CreateResourceGroup = group is null,
                ExistingCluster = existing,
                AlreadyRegistered = nodeState.IsRegistered && !context.Request.RepairRegistration,
            };
            await CheckPermissionsAsync(context, plan, cancellationToken).ConfigureAwait(false);
            return plan;
        }

        private static string CheckRegion(RegistrationContext context, ProviderInfo provider, string given)
        {
            var region = ResourceIds.NormalizeRegion(given);
            var available = provider.LocationsByType.TryGetValue("clusters", out var locations) ? locations : new List<string>();
            if (!available.Any(l => ResourceIds.NormalizeRegion(l) == region))
            {
                throw new HciException("RegionNotSupported", HciErrorCategory.InvalidArgument, given,
                    string.Format(RegistrationMessages.RegionNotAvailable, given, string.Join(",", available)));
            }

            return region;
        }

        private static async Task CheckPermissionsAsync(RegistrationContext context, RegistrationPlan plan, CancellationToken cancellationToken)
        {
            var target = context.Target;
            var subscription = ResourceIds.Subscription(target.SubscriptionId);
            var groupScope = plan.CreateResourceGroup ? subscription : ResourceIds.ResourceGroup(target.SubscriptionId, target.ResourceGroup);
            var needed = new List<(string Action, string Scope)>();
            if (plan.RegisterProvider)
            {
                needed.Add(("Microsoft.AzureStackHCI/register/action", subscription));
            }

            if (plan.CreateResourceGroup)
            {
                needed.Add(("Microsoft.Resources/subscriptions/resourceGroups/write", subscription));
            }

            if (!plan.AlreadyRegistered)
            {
                needed.Add(("Microsoft.AzureStackHCI/clusters/write", groupScope));
                if (plan.Flow == IdentityFlow.ServiceManaged)
                {
                    needed.Add(("Microsoft.AzureStackHCI/clusters/createClusterIdentity/action", groupScope));
                    needed.Add(("Microsoft.AzureStackHCI/clusters/uploadCertificate/action", groupScope));
                }
            }

            var byScope = new Dictionary<string, IReadOnlyList<(IReadOnlyList<string>, IReadOnlyList<string>)>>(StringComparer.OrdinalIgnoreCase);
            var missing = new List<(string Action, string Scope)>();
            foreach (var (action, scope) in needed)
            {
                if (!byScope.TryGetValue(scope, out var permissions))
                {
                    permissions = byScope[scope] = await context.Arm.GetPermissionsAsync(scope, cancellationToken).ConfigureAwait(false);
                }

                if (!Permissions.Allows(permissions, action))
                {
                    missing.Add((action, scope));
                }
            }

            if (missing.Count > 0)
            {
                throw new HciException("InsufficientAzurePermissions", HciErrorCategory.PermissionDenied, missing[0].Action,
                    $"The account {context.Session.Account} may not perform {string.Join(", ", missing.Select(m => $"'{m.Action}' over scope '{m.Scope}'"))}, which this registration needs. Nothing was changed. Ask an owner of the subscription for a role that allows it (for example Owner, or Contributor with User Access Administrator), or use an existing resource group.");
            }
        }
    }
}
