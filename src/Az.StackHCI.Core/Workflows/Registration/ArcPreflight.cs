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
    /// <summary>What Arc integration will find and need, known before any change.</summary>
    internal sealed class ArcPlan
    {
        public string ResourceGroup { get; set; } = "";
        public bool CreateResourceGroup { get; set; }
        public JsonObject? ArcSettings { get; set; }

        /// <summary>The account may not assign roles on the Arc group: registration goes on, Arc does not.</summary>
        public bool PermissionsMissing { get; set; }

        /// <summary>Microsoft.HybridCompute was registered in the subscription at pre-flight.</summary>
        public bool HybridComputeRegistered { get; set; }
    }

    /// <summary>
    /// Arc checks run with the registration's pre-flight: every node has the Arc commands (9112), arcSettings is not
    /// being disabled (9113) and keeps its resource group (9129), no node is an Arc machine of another cluster, and
    /// whether the account may assign the two Connected Machine roles on the Arc resource group.
    /// </summary>
    internal static class ArcPreflight
    {
        public static async Task<ArcPlan> CheckAsync(RegistrationContext context, RegistrationPlan plan, CancellationToken cancellationToken)
        {
            var target = context.Target;
            var missingCommands = (await NodeFanOut.RunAsync(context.Cluster.Nodes, n => n.ComputerName,
                    NodeCommands.GetArcIntegrationAsync, context.Request.ThrottleLimit, cancellationToken).ConfigureAwait(false))
                .Where(o => !o.Succeeded || o.Value is null)
                .Select(o => o.ComputerName)
                .ToList();
            if (missingCommands.Count > 0)
            {
                throw new HciException("ArcCmdletsNotAvailable", HciErrorCategory.NotSpecified, string.Join(", ", missingCommands),
                    $"Azure Arc integration isn't available for the version of Azure Stack HCI installed on node(s) {string.Join(", ", missingCommands)} yet. Check the documentation for details. You may need to install an update or join the Preview channel. Or register without Arc: -EnableAzureArcServer:$false.");
            }

            var arcSettings = plan.ExistingCluster is null
                ? null
                : await context.Arm.GetResourceAsync(target.ResourceId + "/arcSettings/default", ApiVersions.ArcSettings, cancellationToken).ConfigureAwait(false);
            var current = arcSettings?["properties"]?["arcInstanceResourceGroup"]?.GetValue<string>();
            var requested = context.Request.ArcServerResourceGroupName;
            if (current is not null && requested is not null && !string.Equals(current, requested, StringComparison.OrdinalIgnoreCase))
            {
                throw new HciException("ArcResourceGroupMismatch", HciErrorCategory.InvalidArgument, requested,
                    $"Arc servers are already registered in Resource Group: {current}. To change resource groups, please unregister and register again");
            }

            if (string.Equals(arcSettings?["properties"]?["aggregateState"]?.GetValue<string>(), "DisableInProgress", StringComparison.OrdinalIgnoreCase))
            {
                throw new HciException("ArcDisableInProgress", HciErrorCategory.InvalidOperation, target.ResourceId,
                    "Unregister of Azure Arc integration is in progress. Try Unregister-AzStackHCI to finish unregistration and then try Register-AzStackHCI again.");
            }

            var group = requested ?? current ?? target.ResourceGroup;
            var isClusterGroup = string.Equals(group, target.ResourceGroup, StringComparison.OrdinalIgnoreCase);
            var groupExists = isClusterGroup
                ? !plan.CreateResourceGroup
                : await context.Arm.GetResourceGroupAsync(target.SubscriptionId, group, cancellationToken).ConfigureAwait(false) is not null;
            var hybridCompute = await context.Arm.GetProviderAsync(target.SubscriptionId, "Microsoft.HybridCompute", cancellationToken).ConfigureAwait(false);
            if (groupExists && hybridCompute.IsRegistered)
            {
                await RefuseForeignMachinesAsync(context, group, cancellationToken).ConfigureAwait(false);
            }

            var scope = groupExists ? ResourceIds.ResourceGroup(target.SubscriptionId, group) : ResourceIds.Subscription(target.SubscriptionId);
            var permissions = await context.Arm.GetPermissionsAsync(scope, cancellationToken).ConfigureAwait(false);
            return new ArcPlan
            {
                ResourceGroup = group,
                CreateResourceGroup = !groupExists && !isClusterGroup,   // the cluster's own group is made by registration
                ArcSettings = arcSettings,
                PermissionsMissing = !Permissions.Allows(permissions, "Microsoft.Authorization/roleAssignments/write"),
                HybridComputeRegistered = hybridCompute.IsRegistered,
            };
        }

        /// <summary>Nodes that are Arc machines of another cluster already are listed, every one of them.</summary>
        private static async Task RefuseForeignMachinesAsync(RegistrationContext context, string group, CancellationToken cancellationToken)
        {
            var target = context.Target;
            var foreign = new List<string>();
            foreach (var name in context.Cluster.Members)
            {
                var machineId = $"{ResourceIds.ResourceGroup(target.SubscriptionId, group)}/providers/Microsoft.HybridCompute/machines/{name}";
                var machine = await context.Arm.GetResourceAsync(machineId, ApiVersions.HybridComputeMachines, cancellationToken).ConfigureAwait(false);
                var parent = machine?["properties"]?["parentClusterResourceId"]?.GetValue<string>();
                if (!string.IsNullOrEmpty(parent) && !string.Equals(parent, target.ResourceId, StringComparison.OrdinalIgnoreCase))
                {
                    foreign.Add($"{name}:  Subscription Id: {target.SubscriptionId}, Resource Group: {group}, Parent: {parent}");
                }
            }

            if (foreign.Count > 0)
            {
                throw new HciException("ArcAlreadyEnabledInADifferentResource", HciErrorCategory.ResourceExists, string.Join(", ", context.Cluster.Members),
                    "Below mentioned cluster node(s) are already Arc enabled with a different ARM Resource Id:" + Environment.NewLine
                    + string.Join(Environment.NewLine, foreign) + Environment.NewLine + "Disconnect Arc agent on these nodes and run Register-AzStackHCI again.");
            }
        }
    }
}
