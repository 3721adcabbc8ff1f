using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Workflows.Registration;

namespace Az.StackHCI.Core.Workflows.Unregistration
{
    /// <summary>
    /// What there is to remove, read before anything is removed: the nodes' Arc state, arcSettings, the cluster
    /// resource, the applications and role assignments this module made. Each part may already be gone (an earlier
    /// run stopped midway), and then it is simply not in the plan.
    /// </summary>
    internal sealed class UnregistrationSurvey
    {
        public NodeRegistration NodeState { get; private set; } = new NodeRegistration();

        /// <summary>Null when the nodes have no Arc commands.</summary>
        public ArcIntegrationState? Arc { get; private set; }

        public JsonObject? ArcSettings { get; private set; }

        public JsonObject? ClusterResource { get; private set; }

        /// <summary>The cluster's application(s): the one the resource names and the one tagged as this cluster's.</summary>
        public IReadOnlyList<DirectoryApplication> ClusterApps { get; private set; } = Array.Empty<DirectoryApplication>();

        /// <summary>The cluster's applications the resource provider owns (service-managed): its to delete, never ours.</summary>
        public IReadOnlyList<DirectoryApplication> ProviderApps { get; private set; } = Array.Empty<DirectoryApplication>();

        public DirectoryApplication? ArcApp { get; private set; }

        /// <summary>The provider's Connected Machine Resource Manager assignments on the Arc group.</summary>
        public IReadOnlyList<string> ProviderRoleAssignments { get; private set; } = Array.Empty<string>();

        /// <summary>Ids of the Arc role assignments this module made (named after scope, role and principal).</summary>
        public IReadOnlyList<string> ArcRoleAssignments { get; private set; } = Array.Empty<string>();

        /// <summary>The Arc machines' group, when it is known (arcSettings, else the role assignments' scope).</summary>
        public string? ArcResourceGroup { get; private set; }

        public ResourceGroupInfo? ClusterGroup { get; private set; }

        public ResourceGroupInfo? ArcGroup { get; private set; }

        public IReadOnlyList<string> ArcEnabledNodes =>
            Arc is null ? Array.Empty<string>() : Arc.NodesArcStatus.Where(n => !string.Equals(n.Value, "Disabled", StringComparison.OrdinalIgnoreCase)).Select(n => n.Key).ToList();

        /// <summary>The nodes Arc is disabled on: those not Disabled, none when the cluster's Arc is Disabled (MS 2.x).</summary>
        public IReadOnlyList<string> NodesToDisable =>
            Arc is not null && string.Equals(Arc.ClusterArcStatus, "Disabled", StringComparison.OrdinalIgnoreCase) ? Array.Empty<string>() : ArcEnabledNodes;

        public bool HasArc => ArcSettings is not null || ArcApp is not null || ArcRoleAssignments.Count > 0 || ProviderRoleAssignments.Count > 0 || ArcEnabledNodes.Count > 0
            || (Arc is not null && !string.Equals(Arc.ClusterArcStatus, "Disabled", StringComparison.OrdinalIgnoreCase));

        public static async Task<UnregistrationSurvey> ReadAsync(UnregistrationContext context, NodeRegistration nodeState, CancellationToken cancellationToken)
        {
            var target = context.Target;
            var survey = new UnregistrationSurvey { NodeState = nodeState };
            survey.Arc = context.Cluster is null ? null : await NodeCommands.GetArcIntegrationAsync(context.Cluster.Entry, cancellationToken).ConfigureAwait(false);

            survey.ClusterResource = await context.Arm.GetResourceAsync(target.ResourceId, ApiVersions.Clusters, cancellationToken).ConfigureAwait(false);
            survey.ArcSettings = survey.ClusterResource is null ? null
                : await context.Arm.GetResourceAsync(target.ResourceId + "/arcSettings/default", ApiVersions.ArcSettings, cancellationToken).ConfigureAwait(false);

            var apps = new List<DirectoryApplication>();
            if (survey.ClusterResource?["properties"]?["aadClientId"]?.GetValue<string>() is { Length: > 0 } appId
                && await context.Graph.FindApplicationByAppIdAsync(appId, cancellationToken).ConfigureAwait(false) is { } named)
            {
                apps.Add(named);
            }

            if (await context.Graph.FindApplicationByNameAsync(target.ResourceName, ClusterIdentities.ClusterAppTag(target.ResourceId), cancellationToken).ConfigureAwait(false) is { } tagged
                && !apps.Any(a => a.ObjectId == tagged.ObjectId))
            {
                apps.Add(tagged);
            }

            var providerApps = new List<DirectoryApplication>();
            foreach (var application in apps)
            {
                if (await IdentityFlows.IsProviderOwnedAsync(context.Graph, application.ObjectId, survey.ClusterResource, cancellationToken).ConfigureAwait(false))
                {
                    providerApps.Add(application);
                }
            }

            survey.ClusterApps = apps.Except(providerApps).ToList();
            survey.ProviderApps = providerApps;
            survey.ArcApp = await context.Graph.FindApplicationByNameAsync(ClusterIdentities.ArcAppName(target.ResourceName), ClusterIdentities.ArcAppTag(target.ResourceId), cancellationToken).ConfigureAwait(false);
            // The Arc identity's role assignments: of the cluster's own Arc identity (our application, or the provider's
            // that arcSettings names) every Connected Machine assignment, whoever made it (Microsoft's module names them
            // at random); of a user's -ArcSpnCredential, whose application stays, only those named as this module names them.
            var providerArcAppId = survey.ArcSettings?["properties"]?["arcApplicationClientId"]?.GetValue<string>();
            var arcAppId = survey.ArcApp?.AppId ?? providerArcAppId ?? survey.Arc?.ApplicationId;
            var clustersOwn = survey.ArcApp is not null || (arcAppId is not null && string.Equals(arcAppId, providerArcAppId, StringComparison.OrdinalIgnoreCase));
            var arcPrincipal = arcAppId is { Length: > 0 } ? await context.Graph.FindServicePrincipalIdAsync(arcAppId, cancellationToken).ConfigureAwait(false) : null;
            if (arcPrincipal is not null)
            {
                var assignments = await context.Arm.ListRoleAssignmentsAsync(target.SubscriptionId, arcPrincipal, cancellationToken).ConfigureAwait(false);
                var ours = assignments.Where(a => ClusterIdentities.ArcRoles.Contains(a.RoleDefinition, StringComparer.OrdinalIgnoreCase)
                    && (clustersOwn || string.Equals(a.Id, ArmGateway.RoleAssignmentId(a.Scope, a.RoleDefinition, arcPrincipal), StringComparison.OrdinalIgnoreCase))).ToList();
                survey.ArcRoleAssignments = ours.Select(a => a.Id).ToList();
                survey.ArcResourceGroup = ours.Select(a => a.Scope.Trim('/').Split('/')).Where(p => p.Length == 4).Select(p => p[3]).FirstOrDefault();
            }

            survey.ArcResourceGroup = survey.ArcSettings?["properties"]?["arcInstanceResourceGroup"]?.GetValue<string>() ?? survey.ArcResourceGroup;
            if (survey.ArcResourceGroup is string arcGroupName && IdentityFlows.ProviderPrincipal(survey.ClusterResource) is string provider)
            {
                // Whoever made it (this module, or Microsoft's under a random name): the provider's role on that group.
                var groupScope = ResourceIds.ResourceGroup(target.SubscriptionId, arcGroupName);
                survey.ProviderRoleAssignments = (await context.Arm.ListRoleAssignmentsAsync(target.SubscriptionId, provider, cancellationToken).ConfigureAwait(false))
                    .Where(a => string.Equals(a.RoleDefinition, ClusterIdentities.ArcResourceManagerRole, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(a.Scope.TrimEnd('/'), groupScope, StringComparison.OrdinalIgnoreCase))
                    .Select(a => a.Id).ToList();
            }

            survey.ClusterGroup = await context.Arm.GetResourceGroupAsync(target.SubscriptionId, target.ResourceGroup, cancellationToken).ConfigureAwait(false);
            if (survey.ArcResourceGroup is string arcGroup && !string.Equals(arcGroup, target.ResourceGroup, StringComparison.OrdinalIgnoreCase))
            {
                survey.ArcGroup = await context.Arm.GetResourceGroupAsync(target.SubscriptionId, arcGroup, cancellationToken).ConfigureAwait(false);
            }

            return survey;
        }

        /// <summary>Every removal, in the order it will be made: what -WhatIf shows and -Confirm asks about.</summary>
        public IReadOnlyList<string> Plan(UnregistrationContext context)
        {
            var target = context.Target;
            var plan = new List<string>();
            if (HasArc)
            {
                if (context.Cluster is null && ArcResourceGroup is not null)
                {
                    plan.Add($"Delete the Arc machines in {ArcResourceGroup} that belong to the cluster (their nodes are gone)");
                }

                if (NodesToDisable.Count > 0)
                {
                    plan.Add($"Disable Azure Arc integration on node(s) {string.Join(", ", NodesToDisable)} (and delete Arc machines still linked to the cluster)");
                }

                if (ArcSettings is not null)
                {
                    plan.Add($"Delete the Arc settings {target.ResourceId}/arcSettings/default and the extensions installed through them");
                }

                plan.AddRange(ArcRoleAssignments.Select(a => $"Remove the Arc onboarding role assignment {a}"));
                plan.AddRange(ProviderRoleAssignments.Select(a => $"Remove the resource provider's role assignment {a} if no other cluster's Arc machines are in {ArcResourceGroup}"));

                if (ArcApp is not null)
                {
                    plan.Add($"Delete the Azure AD application {ArcApp.DisplayName} ({ArcApp.AppId})");
                }

                if (IsOurs(ArcGroup))
                {
                    plan.Add($"Delete the resource group {ArcGroup!.Name} if it is empty then (Az.StackHCI created it)");
                }
            }

            if (context.Request.DisableOnlyAzureArcServer)
            {
                return plan;
            }

            if (NodeState.IsRegistered)
            {
                plan.Add($"Remove the registration from cluster {context.Cluster!.Cluster.Name}");
            }

            if (context.Cluster is not null)
            {
                plan.Add($"Remove the registration certificates from node(s) {string.Join(", ", context.Cluster.Members)}");
            }

            if (ClusterResource is not null)
            {
                plan.Add($"Delete the Azure Stack HCI resource {target.ResourceId}");
            }

            plan.AddRange(ClusterApps.Select(a => $"Delete the Azure AD application {a.DisplayName} ({a.AppId})"));
            if (IsOurs(ClusterGroup))
            {
                plan.Add($"Delete the resource group {ClusterGroup!.Name} if it is empty then (Az.StackHCI created it)");
            }

            return plan;
        }

        public static bool IsOurs(ResourceGroupInfo? group) =>
            group is not null && group.Tags.TryGetValue(ResourceIds.CreatedByTag, out var value) && string.Equals(value, ResourceIds.CreatedByValue, StringComparison.OrdinalIgnoreCase);
    }
}
