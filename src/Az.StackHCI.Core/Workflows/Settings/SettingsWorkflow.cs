using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;

namespace Az.StackHCI.Core.Workflows.Settings
{
    /// <summary>The steps of Set-AzStackHCI in order; the progress bar follows from them.</summary>
    internal enum SettingsStep
    {
        Registration,
        SignIn,
        Resource,
        Write,
        Sync,
    }

    /// <summary>
    /// Set-AzStackHCI: reads the cluster resource, PATCHes only the desired properties that differ, then has a node
    /// sync so the cluster applies them, and waits until the cluster reports them back. A re-run with the same values
    /// writes nothing; one whose earlier sync did not finish syncs again without writing.
    /// </summary>
    public sealed class SettingsWorkflow
    {
        internal const string Activity = "Changing the Azure Stack HCI cluster's settings...";

        // Microsoft's texts (1.1 and 2.x Set-AzStackHCI).
        internal const string NotRegistered = "The cluster is not registered with Azure. Register the cluster using Register-AzStackHCI and then try again.";
        internal const string NodesOffline = "One or more servers in your cluster are offline. Check that all your servers are up and then try again.";
        internal const string WSSubscriptionDisabledWarning = "Windows Server Subscription will no longer activate your Windows Server VMs. Please check that your VMs are being activated another way.";
        internal const string DiagnosticsOffWarning = "Setting diagnostic level to Off will prevent Microsoft from collecting important diagnostic information that helps improve Azure Stack HCI.";
        internal const string ShouldProcessAction = "Update the resource properties to change Windows Server Subscription or Azure Stack HCI diagnostic level";
        internal const string ResourceMissing = "The Azure resource with ID {0} doesn't exist. Check -ResourceId, or unregister the cluster with Unregister-AzStackHCI and register it again.";

        /// <summary>A sync takes seconds; the wait for the report is bounded at about two minutes of checks.</summary>
        private const int ReportChecks = 14;

        private static readonly LoggedRunNames Names = new LoggedRunNames
        {
            Command = "Set-AzStackHCI", LogPrefix = "SetAzStackHCI", Activity = Activity, Outcome = "Set-AzStackHCI",
        };

        private readonly INodeConnector _connector;
        private readonly IOperationReporter _reporter;
        private readonly EnvironmentCatalog _environments;

        public SettingsWorkflow(INodeConnector connector, IOperationReporter reporter, EnvironmentCatalog? environments = null)
        {
            _connector = connector;
            _reporter = reporter;
            _environments = environments ?? new EnvironmentCatalog();
        }

        public async Task<SettingsResult> RunAsync(SettingsRequest request, CancellationToken cancellationToken)
        {
            var requested = Check(request);
            var environment = CommonInput.Environment(request.EnvironmentName, _environments);
            CommonInput.SignIn(environment, request.SignIn, graphPurpose: null);
            var asked = $"ComputerName: {request.ComputerName} ResourceId: {request.ResourceId} EnvironmentName: {request.EnvironmentName} " +
                $"EnableWSSubscription: {request.EnableWSSubscription} DiagnosticLevel: {request.DiagnosticLevel}";
            return await LoggedRun.RunAsync<SettingsResult, SettingsStep>(Names, request.LogsDirectory, request.DefaultLogsDirectory, _reporter, asked,
                (log, progress) => RunAsync(request, requested, environment, log, progress, cancellationToken),
                result => $"{result.Result}. {result.Details}").ConfigureAwait(false);
        }

        /// <summary>Refuses, before anything is contacted, a request that changes nothing or names no cluster resource.</summary>
        internal static IReadOnlyDictionary<string, string> Check(SettingsRequest request)
        {
            CommonInput.ThrottleLimit(request.ThrottleLimit);
            if (request.EnableWSSubscription is null && request.DiagnosticLevel is null)
            {
                throw new HciException("NoSettingGiven", HciErrorCategory.InvalidArgument, "EnableWSSubscription",
                    "Name a setting to change: -EnableWSSubscription $true|$false, -DiagnosticLevel Off|Basic|Enhanced, or both.");
            }

            if (request.DiagnosticLevel is string level && !ClusterSettings.DiagnosticLevels.Contains(level, StringComparer.OrdinalIgnoreCase))
            {
                throw new HciException("InvalidDiagnosticLevel", HciErrorCategory.InvalidArgument, level,
                    $"'{level}' is not a diagnostic level: use {string.Join(", ", ClusterSettings.DiagnosticLevels)}.");
            }

            if (request.ResourceId is string id && ClusterId(id) is null)
            {
                throw new HciException("InvalidResourceId", HciErrorCategory.InvalidArgument, id,
                    $"'{id}' is not the id of an Azure Stack HCI cluster: give /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.AzureStackHCI/clusters/<name>.");
            }

            return ClusterSettings.Requested(request);
        }

        private async Task<SettingsResult> RunAsync(SettingsRequest request, IReadOnlyDictionary<string, string> requested, HciEnvironment environment,
            IOperationReporter reporter, StepProgress<SettingsStep> progress, CancellationToken cancellationToken)
        {
            var gate = new ChangeGate(reporter);
            INodeSession? node = null;
            try
            {
                string resourceId;
                if (request.ResourceId is string given)
                {
                    resourceId = given;
                }
                else
                {
                    progress.Step(SettingsStep.Registration, $"Reading the registration on {request.ComputerName}");
                    node = await ConnectAsync(request.ComputerName, cancellationToken).ConfigureAwait(false);
                    resourceId = await RegisteredResourceAsync(node, request.ComputerName, cancellationToken).ConfigureAwait(false);
                }

                var subscriptionId = ClusterId(resourceId)!.Value.SubscriptionId;
                progress.Step(SettingsStep.SignIn, "Logging in to Azure");
                var session = await AzureSignIn.SignInAsync(environment, request.SignIn, reporter, cancellationToken, subscriptionId).ConfigureAwait(false);
                var arm = new ArmGateway(session, subscriptionId);
                progress.Step(SettingsStep.Resource, "Reading the cluster resource");
                var cluster = await ReadAsync(arm, resourceId, cancellationToken).ConfigureAwait(false);
                var result = new SettingsResult { ResourceId = resourceId };
                var changes = ClusterSettings.Changes(cluster, requested);
                var pending = node is null ? new List<string>() : ClusterSettings.NotReported(cluster, requested).ToList();
                if (changes.Count == 0 && pending.Count == 0)
                {
                    return Finish(result, cluster, node is null ? (bool?)null : true, "Nothing to change: the cluster has these settings already.");
                }

                if (changes.Count > 0)
                {
                    var description = string.Join("; ", changes);
                    if (!await gate.AllowAsync(resourceId, $"{ShouldProcessAction} ({description})", cancellationToken).ConfigureAwait(false))
                    {
                        result.ChangesSkipped = true;
                        return Finish(result, cluster, null, "No changes were made (-WhatIf or declined confirmation). Would set " + description + ".", SettingsStatus.Cancelled);
                    }

                    progress.Step(SettingsStep.Write, "Writing the settings to the cluster resource");
                    reporter.Verbose($"PATCH {resourceId}: {description}.");
                    cluster = await arm.PatchResourceAsync(resourceId, ApiVersions.Clusters, ClusterSettings.Patch(changes), cancellationToken).ConfigureAwait(false);
                    result.Changes.AddRange(changes);
                    WarnAbout(changes, reporter);
                }

                if (node is null)
                {
                    return Finish(result, cluster, null,
                        Describe(result.Changes, "Azure holds the new settings; the cluster applies them at its next sync (run Sync-AzureStackHCI on a node to apply them now)."));
                }

                if (!await gate.AllowAsync(node.ComputerName, "Sync the cluster with Azure (Sync-AzureStackHCI), so that it applies the settings", cancellationToken).ConfigureAwait(false))
                {
                    return Finish(result, cluster, false, Describe(result.Changes, "Azure holds the new settings; the cluster applies them at its next sync."));
                }

                progress.Step(SettingsStep.Sync, $"Syncing the cluster from {node.ComputerName} and waiting for it to report the settings");
                await NodeCommands.SyncAsync(node, cancellationToken).ConfigureAwait(false);
                cluster = await Polling.RepeatAsync(
                    (_, token) => ReadAsync(arm, resourceId, token),
                    c => ClusterSettings.NotReported(c, requested).Count > 0,
                    (c, wait) => reporter.Verbose($"The cluster does not report {string.Join(", ", ClusterSettings.NotReported(c, requested))} yet; next check in {wait.TotalSeconds:0} s."),
                    TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), ReportChecks, cancellationToken).ConfigureAwait(false);
                var notReported = ClusterSettings.NotReported(cluster, requested);
                if (notReported.Count > 0)
                {
                    reporter.Warning($"The cluster synced but does not report {string.Join(", ", notReported)} yet. It applies them at a later sync; run Get-AzStackHCI or this command again to check.");
                    return Finish(result, cluster, false, Describe(result.Changes, "The cluster has not reported them yet."));
                }

                return Finish(result, cluster, true, Describe(result.Changes, "The cluster synced and reports the new settings."));
            }
            finally
            {
                node?.Dispose();
            }
        }

        private static void WarnAbout(IEnumerable<SettingChange> changes, IOperationReporter reporter)
        {
            foreach (var change in changes)
            {
                if (change.Name == ClusterSettings.WindowsServerSubscription && change.To == "Disabled")
                {
                    reporter.Warning(WSSubscriptionDisabledWarning);
                }
                else if (change.Name == ClusterSettings.DiagnosticLevel && change.To == "Off")
                {
                    reporter.Warning(DiagnosticsOffWarning);
                }
            }
        }

        /// <summary>Microsoft's success strings for what changed, then whether the cluster applied it.</summary>
        private static string Describe(IEnumerable<SettingChange> changes, string state) =>
            string.Join(" ", changes.Select(c => c.Name == ClusterSettings.WindowsServerSubscription
                ? (c.To == "Enabled" ? "Successfully enabled Windows Server Subscription." : "Successfully disabled Windows Server Subscription.")
                : $"Successfully configured the Azure Stack HCI diagnostic level to {c.To}.").Append(state));

        private static SettingsResult Finish(SettingsResult result, JsonObject? cluster, bool? applied, string details, SettingsStatus status = SettingsStatus.Success)
        {
            result.Result = status;
            result.Details = details;
            result.Applied = applied;
            result.WindowsServerSubscription = ClusterSettings.Desired(cluster, ClusterSettings.WindowsServerSubscription);
            result.DiagnosticLevel = ClusterSettings.Desired(cluster, ClusterSettings.DiagnosticLevel);
            result.ReportedAt = ClusterSettings.ReportedAt(cluster);
            return result;
        }

        private async Task<INodeSession> ConnectAsync(string computerName, CancellationToken cancellationToken)
        {
            try
            {
                return new ResilientNodeSession(_connector, await _connector.ConnectAsync(computerName, cancellationToken).ConfigureAwait(false), _reporter.Verbose);
            }
            catch (NodeUnreachableException ex)
            {
                throw new HciException("NodeUnreachable", HciErrorCategory.ConnectionError, computerName, ex.Message + " Check the name, that the node is up, and that PowerShell remoting to it works from this computer.", ex);
            }
        }

        /// <summary>
        /// The resource the node's registration names (Get-AzureStackHCI's AzureResourceUri). Refuses an unregistered
        /// cluster, and one with a node down (its sync would not reach every node), as Microsoft's does.
        /// </summary>
        private static async Task<string> RegisteredResourceAsync(INodeSession node, string computerName, CancellationToken cancellationToken)
        {
            var state = await NodeCommands.GetAzureStackHCIAsync(node, cancellationToken).ConfigureAwait(false);
            if (!state.IsRegistered || ClusterId(state.AzureResourceUri) is null)
            {
                throw new HciException("ClusterNotRegistered", HciErrorCategory.InvalidOperation, computerName, NotRegistered);
            }

            var down = (await NodeCommands.GetClusterNodesAsync(node, cancellationToken).ConfigureAwait(false))
                .Where(n => !string.Equals(n.State, "Up", StringComparison.OrdinalIgnoreCase)).Select(n => n.Name).ToList();
            if (down.Count > 0)
            {
                throw new HciException("ClusterNodeDown", HciErrorCategory.ConnectionError, string.Join(", ", down), $"{NodesOffline} (Not up: {string.Join(", ", down)}.)");
            }

            return state.AzureResourceUri!;
        }

        private static async Task<JsonObject> ReadAsync(IArmResources arm, string resourceId, CancellationToken cancellationToken) =>
            await arm.GetResourceAsync(resourceId, ApiVersions.Clusters, cancellationToken).ConfigureAwait(false)
                ?? throw new HciException("ResourceNotFound", HciErrorCategory.ObjectNotFound, resourceId, string.Format(ResourceMissing, resourceId));

        /// <summary>The cluster id's parts when it names a Microsoft.AzureStackHCI/clusters resource.</summary>
        private static (string SubscriptionId, string ResourceGroup, string Name)? ClusterId(string? id)
        {
            var parts = (id ?? "").Trim('/').Split('/');
            return ResourceIds.ParseCluster(id) is { } parsed && parts.Length == 8
                && parts[5].Equals(ResourceIds.HciNamespace, StringComparison.OrdinalIgnoreCase) && parts[6].Equals("clusters", StringComparison.OrdinalIgnoreCase)
                && Guid.TryParse(parsed.SubscriptionId, out _)
                ? parsed
                : ((string, string, string)?)null;
        }
    }
}
