using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Registration;

namespace Az.StackHCI.Core.Workflows.Unregistration
{
    /// <summary>
    /// The removals, in Microsoft's order (MS 1.1 and 2.x; the troubleshooting docs warn that deleting the resource
    /// first leaves a bad cluster state): Arc first (nodes, arcSettings, roles, the Arc app), then the nodes'
    /// registration and every node's certificate, then the cloud resource, then the cluster's app and the resource
    /// groups this module made once they are empty. Something already gone counts as removed, so a re-run after a
    /// failure anywhere converges.
    /// </summary>
    internal sealed class UnregistrationSteps
    {
        private readonly UnregistrationContext _context;
        private readonly UnregistrationSurvey _survey;

        public UnregistrationSteps(UnregistrationContext context, UnregistrationSurvey survey)
        {
            _context = context;
            _survey = survey;
        }

        private RegistrationTarget Target => _context.Target;

        private IOperationReporter Reporter => _context.Reporter;

        /// <summary>Arc clean-up; returns the nodes whose Arc could not be disabled (only with -Force, else it throws).</summary>
        public async Task<IReadOnlyList<string>> RemoveArcAsync(CancellationToken cancellationToken)
        {
            if (!_survey.HasArc)
            {
                Reporter.Verbose("Azure Arc integration is not in place; nothing to clean up for Arc.");
                return Array.Empty<string>();
            }

            var arm = _context.Arm;
            var settingsId = Target.ResourceId + "/arcSettings/default";
            if (_survey.ArcSettings is not null)
            {
                _context.Progress.Step(UnregistrationStep.ArcExtensions, "Disabling Azure Arc for servers extensions");
                // A long-running operation (spec: 200/202, azure-async-operation), followed to its end; it asks the
                // nodes to remove the extensions, so without nodes (-CloudOnly) the extensions are deleted directly.
                if (_context.Cluster is not null)
                {
                    await arm.InvokeActionAsync(settingsId, "initializeDisableProcess", ApiVersions.ArcSettings, null, Reporter, cancellationToken).ConfigureAwait(false);
                }

                await RemoveExtensionsAsync(settingsId, cancellationToken).ConfigureAwait(false);
            }

            var entry = _context.Cluster?.Entry;
            if (entry is not null && _survey.Arc is { ClusterArcStatus: var status } && string.Equals(status, "Enabled", StringComparison.OrdinalIgnoreCase))
            {
                await NodeCommands.ClearArcIntegrationAsync(entry, setDisableInProgress: true, cancellationToken).ConfigureAwait(false);
            }

            _context.Progress.Step(UnregistrationStep.ArcNodes, "Disabling Azure Arc integration on every clustered node");
            var failed = await DisableOnNodesAsync(cancellationToken).ConfigureAwait(false);
            await RemoveStaleMachinesAsync(failed, cancellationToken).ConfigureAwait(false);

            _context.Progress.Step(UnregistrationStep.ArcCleanup, "Cleaning up Azure Arc integration");
            if (_survey.ArcSettings is not null)
            {
                await arm.DeleteProviderResourceAsync(settingsId, cancellationToken).ConfigureAwait(false);
            }

            foreach (var assignment in _survey.ArcRoleAssignments)
            {
                await arm.DeleteAsync(assignment, ApiVersions.Authorization, cancellationToken).ConfigureAwait(false);
            }

            await RemoveProviderRoleAsync(cancellationToken).ConfigureAwait(false);
            if (_survey.ArcApp is { } arcApp)
            {
                await DeleteApplicationAsync(arcApp, cancellationToken).ConfigureAwait(false);
            }

            if (entry is not null && _survey.Arc is not null && !string.Equals(_survey.Arc.ClusterArcStatus, "Disabled", StringComparison.OrdinalIgnoreCase))
            {
                await NodeCommands.ClearArcIntegrationAsync(entry, setDisableInProgress: false, cancellationToken).ConfigureAwait(false);
            }

            await DeleteGroupIfEmptyAsync(_survey.ArcGroup, cancellationToken).ConfigureAwait(false);
            return failed;
        }

        /// <summary>The nodes' registration and certificates, then the cloud resource, then the app and the group.</summary>
        public async Task<IReadOnlyList<NodeResult>> RemoveRegistrationAsync(CancellationToken cancellationToken)
        {
            _context.Progress.Step(UnregistrationStep.NodeRegistration, "Unregistering Azure Stack HCI cluster and cleaning up registration state on the on-premises cluster");
            if (_context.Cluster is { Entry: var entry } && _survey.NodeState.IsRegistered)
            {
                try
                {
                    await NodeCommands.RemoveRegistrationAsync(entry, cancellationToken).ConfigureAwait(false);
                }
                catch (NodeCommandException ex)
                {
                    throw new HciException("RemoveRegistrationFailed", HciErrorCategory.InvalidOperation, entry.ComputerName,
                        $"Removing the registration on {entry.ComputerName} failed: {string.Join(" ", ex.Errors.Select(e => e.Message))}", ex);
                }
            }

            var nodes = await RemoveCertificatesAsync(cancellationToken).ConfigureAwait(false);

            if (_survey.ClusterResource is not null)
            {
                _context.Progress.Step(UnregistrationStep.Resource, $"Deleting Azure resource with ID {Target.ResourceId} representing the Azure Stack HCI cluster");
                await _context.Arm.DeleteProviderResourceAsync(Target.ResourceId, cancellationToken).ConfigureAwait(false);
            }

            _context.Progress.Step(UnregistrationStep.Application, "Deleting the cluster's Azure AD application");
            foreach (var application in _survey.ClusterApps)
            {
                await DeleteApplicationAsync(application, cancellationToken).ConfigureAwait(false);
            }

            foreach (var application in _survey.ProviderApps)
            {
                Reporter.Verbose($"The application {application.DisplayName} ({application.AppId}) is the resource provider's; it goes with the resource.");
            }

            await DeleteGroupIfEmptyAsync(_survey.ClusterGroup, cancellationToken).ConfigureAwait(false);
            return nodes;
        }

        /// <summary>
        /// The user's own application; one the account may not delete (another admin's, e.g. registered by Microsoft's
        /// 1.1 module) is a warning, as in Microsoft's module (9010/9011): the registration is gone either way.
        /// </summary>
        private async Task DeleteApplicationAsync(DirectoryApplication application, CancellationToken cancellationToken)
        {
            try
            {
                await _context.Graph.DeleteApplicationAsync(application.ObjectId, cancellationToken).ConfigureAwait(false);
            }
            catch (HciException ex) when (ex.Category == HciErrorCategory.PermissionDenied)
            {
                Reporter.Warning($"Couldn't delete the Azure AD application {application.DisplayName} ({application.AppId}): the account is not one of its owners or an application administrator. Ask one of them to delete it. ({ex.Message})");
            }
        }

        /// <summary>
        /// The provider's Connected Machine Resource Manager role on the Arc group goes once no cluster's machine is
        /// left there (the group may serve other clusters; MS 2.x Remove-ArcRoleAssignments).
        /// </summary>
        private async Task RemoveProviderRoleAsync(CancellationToken cancellationToken)
        {
            if (_survey.ProviderRoleAssignments.Count == 0 || _survey.ArcResourceGroup is not string group)
            {
                return;
            }

            var machines = await _context.Arm.ListAsync($"{ResourceIds.ResourceGroup(Target.SubscriptionId, group)}/providers/Microsoft.HybridCompute/machines", ApiVersions.HybridComputeMachines, cancellationToken).ConfigureAwait(false);
            var others = machines.Where(m => m["properties"]?["parentClusterResourceId"]?.GetValue<string>() is { Length: > 0 } parent
                && !string.Equals(parent, Target.ResourceId, StringComparison.OrdinalIgnoreCase)).ToList();
            if (others.Count > 0)
            {
                Reporter.Verbose($"The resource provider keeps its role on {group}: {others.Count} Arc machine(s) of other clusters are there.");
                return;
            }

            foreach (var assignment in _survey.ProviderRoleAssignments)
            {
                await _context.Arm.DeleteAsync(assignment, ApiVersions.Authorization, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Extensions the user installed are deleted; the ones Azure manages go with arcSettings.</summary>
        private async Task RemoveExtensionsAsync(string settingsId, CancellationToken cancellationToken)
        {
            var extensions = await _context.Arm.ListAsync(settingsId + "/extensions", ApiVersions.ArcSettings, cancellationToken).ConfigureAwait(false);
            foreach (var extension in extensions.Where(e => !string.Equals(e["properties"]?["managedBy"]?.GetValue<string>(), "Azure", StringComparison.OrdinalIgnoreCase)))
            {
                var name = extension["name"]?.GetValue<string>() ?? "";
                _context.Progress.Step(UnregistrationStep.ArcExtensions, $"Deleting extension {name} on cluster {Target.ResourceName}");
                try
                {
                    await _context.Arm.DeleteProviderResourceAsync(settingsId + "/extensions/" + name, cancellationToken).ConfigureAwait(false);
                }
                catch (HciException ex) when (_context.Request.Force)
                {
                    Reporter.Warning($"Couldn't delete Arc extension {name} on cluster nodes. Extension may continue to run even after unregistration. ({ex.Message})");
                }
                catch (HciException ex)
                {
                    throw new HciException("ArcExtensionCleanupFailed", HciErrorCategory.InvalidOperation, name,
                        $"Couldn't delete Arc extension {name} on cluster nodes: {ex.Message} You can try the extension uninstallation steps listed at https://docs.microsoft.com/en-us/azure/azure-arc/servers/manage-agent and run Unregister-AzStackHCI again, or run it with -Force to go on without.", ex);
                }
            }
        }

        /// <summary>
        /// Disable on the nodes whose Arc is not Disabled, none when the cluster's Arc is Disabled (MS 2.x); on a cluster
        /// whose Arc uses the managed identity (no ApplicationId) with the token each node's metadata endpoint gives.
        /// </summary>
        private async Task<IReadOnlyList<string>> DisableOnNodesAsync(CancellationToken cancellationToken)
        {
            if (_context.Cluster is null)
            {
                return Array.Empty<string>();
            }

            var enabled = new HashSet<string>(_survey.NodesToDisable, StringComparer.OrdinalIgnoreCase);
            var managedIdentity = _survey.Arc is not null && string.IsNullOrEmpty(_survey.Arc.ApplicationId);
            var members = _context.Cluster.Members;
            var indexes = Enumerable.Range(0, members.Count).Where(i => enabled.Contains(members[i])).ToList();
            var outcomes = await NodeFanOut.RunAsync(indexes, i => members[i], async (i, token) =>
            {
                var node = _context.Cluster!.Nodes[i];
                _context.Progress.Node(i, node.ComputerName, "Disabling Azure Arc integration");
                var accessToken = managedIdentity
                    ? await NodeCommands.GetNodeIdentityTokenAsync(node, _context.ResourceManager, token).ConfigureAwait(false)
                    : null;
                await NodeCommands.DisableArcIntegrationAsync(node, accessToken, token).ConfigureAwait(false);
                _context.Progress.Node(i, node.ComputerName, "Arc disabled", completed: true);
                return true;
            }, _context.Request.ThrottleLimit, cancellationToken).ConfigureAwait(false);
            var failed = outcomes.Where(o => !o.Succeeded).ToList();
            foreach (var failure in failed)
            {
                Reporter.Warning($"Couldn't disable Azure Arc integration on Node {failure.ComputerName}: {failure.Failure!.Message}");
            }

            if (failed.Count > 0 && !_context.Request.Force)
            {
                var names = string.Join(", ", failed.Select(f => f.ComputerName));
                throw new HciException("ArcDisableFailed", HciErrorCategory.InvalidOperation, names,
                    $"Couldn't disable Azure Arc integration on node(s) {names}. Bring the node(s) back and run Unregister-AzStackHCI again, or run Disable-AzureStackHCIArcIntegration on them; " +
                    "if a node can no longer run it, remove it from the cluster or run Unregister-AzStackHCI with -Force. The Arc settings, the Arc identity, the cluster resource and the registration are untouched.");
            }

            return failed.Select(f => f.ComputerName).ToList();
        }

        /// <summary>
        /// Arc machines still linked to this cluster (an agent that could not disconnect, or every machine when the
        /// nodes are gone) are deleted from Azure; machines of other clusters in the group stay.
        /// </summary>
        private async Task RemoveStaleMachinesAsync(IReadOnlyList<string> failed, CancellationToken cancellationToken)
        {
            if (_survey.ArcResourceGroup is not string group)
            {
                return;
            }

            var machines = await _context.Arm.ListAsync($"{ResourceIds.ResourceGroup(Target.SubscriptionId, group)}/providers/Microsoft.HybridCompute/machines", ApiVersions.HybridComputeMachines, cancellationToken).ConfigureAwait(false);
            foreach (var machine in machines.Where(m => string.Equals(m["properties"]?["parentClusterResourceId"]?.GetValue<string>(), Target.ResourceId, StringComparison.OrdinalIgnoreCase)))
            {
                var name = machine["name"]?.GetValue<string>() ?? "";
                if (failed.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    Reporter.Warning($"Deleting the Arc machine of {name} from Azure (-Force); its agent may still run on the node.");
                }

                await _context.Arm.DeleteProviderResourceAsync(machine["id"]!.GetValue<string>(), cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Every node at once; a node that cannot be cleaned is a warning, as its certificate no longer opens anything.</summary>
        private async Task<IReadOnlyList<NodeResult>> RemoveCertificatesAsync(CancellationToken cancellationToken)
        {
            if (_context.Cluster is not { } cluster)
            {
                return Array.Empty<NodeResult>();
            }

            var nodes = cluster.Nodes;
            var outcomes = await NodeFanOut.RunAsync(Enumerable.Range(0, nodes.Count), i => cluster.Members[i], async (i, token) =>
            {
                _context.Progress.Node(i, nodes[i].ComputerName, "Removing the registration certificate");
                await NodeCommands.RemoveRegistrationCertificateAsync(nodes[i], token).ConfigureAwait(false);
                var state = await NodeCommands.GetAzureStackHCIAsync(nodes[i], token).ConfigureAwait(false);
                _context.Progress.Node(i, nodes[i].ComputerName, "Unregistered", completed: true);
                return state;
            }, _context.Request.ThrottleLimit, cancellationToken).ConfigureAwait(false);
            var failed = outcomes.Where(o => !o.Succeeded).Select(o => o.ComputerName).ToList();
            if (failed.Count > 0)
            {
                Reporter.Warning($"Couldn't clean up Azure Stack HCI registration certificate from node(s) {string.Join(", ", failed)}. You can ignore this message or clean up the certificate yourself (optional).");
            }

            return outcomes.Select(o => new NodeResult(o.ComputerName, o.Succeeded ? "Unregistered" : "Failed", o.Failure?.Message ?? o.Value.RegistrationStatus)).ToList();
        }

        private async Task DeleteGroupIfEmptyAsync(ResourceGroupInfo? group, CancellationToken cancellationToken)
        {
            if (!UnregistrationSurvey.IsOurs(group))
            {
                return;
            }

            var count = await _context.Arm.CountResourcesAsync(Target.SubscriptionId, group!.Name, cancellationToken).ConfigureAwait(false);
            if (count > 0)
            {
                Reporter.Verbose($"The resource group {group.Name} still holds {count} resource(s); it stays.");
                return;
            }

            _context.Progress.Step(UnregistrationStep.ResourceGroup, $"Deleting the resource group {group.Name}");
            await _context.Arm.DeleteResourceGroupAsync(Target.SubscriptionId, group.Name, cancellationToken).ConfigureAwait(false);
        }
    }
}
