using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Resilience;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>
    /// Arc on the nodes as it really happens (real-world-evidence.md, MS 2.x): Enable installs and connects the agent
    /// on every node at once, which takes minutes and may fail for a while; its success is in the agent's text. The
    /// service learns about it only when the nodes sync, so each check of arcSettings' perNodeDetails is preceded by
    /// Sync-AzureStackHCI, for a bounded time. No fixed sleeps: waits grow and end as soon as Azure shows the nodes.
    /// </summary>
    internal sealed class ArcNodeEnablement
    {
        /// <summary>What the agent writes when a node is onboarded (MS 2.x matches on it).</summary>
        internal const string SuccessText = "Arc agent process succeeded to onboard machine";

        /// <summary>Enable attempts per node within ArcTimeout; Microsoft's module tries 70 times 10 s apart, here the waits grow (2 s … 60 s).</summary>
        internal const int EnableAttempts = 7;

        private readonly RegistrationContext _context;
        private readonly StepProgress<RegistrationStep> _progress;
        private readonly DateTimeOffset _deadline;

        /// <summary>From now on, the request's ArcTimeout bounds the retries of Enable and the checks together.</summary>
        public ArcNodeEnablement(RegistrationContext context, StepProgress<RegistrationStep> progress)
        {
            _context = context;
            _progress = progress;
            _deadline = DateTimeOffset.UtcNow + context.Request.ArcTimeout;
        }

        private ClusterConnection Cluster => _context.Cluster;

        /// <summary>Whether Enable's result says the node is onboarded: the agent's success text, or a run without errors.</summary>
        internal static bool Onboarded(NodeCommandResult result) =>
            result.OutputJson.Any(o => o.Contains(SuccessText, StringComparison.OrdinalIgnoreCase)) || result.Succeeded;

        /// <summary>Enable on every node at once, each retried with growing waits; returns the nodes that never succeeded.</summary>
        public async Task<IReadOnlyList<string>> EnableAsync(CancellationToken cancellationToken)
        {
            var nodes = Cluster.Nodes;
            var outcomes = await NodeFanOut.RunAsync(Enumerable.Range(0, nodes.Count), i => Cluster.Members[i], async (i, token) =>
            {
                var node = nodes[i];
                var result = await Polling.RepeatAsync(
                    async (attempt, t) =>
                    {
                        _progress.Node(i, node.ComputerName, "Installing and connecting the Azure Connected Machine agent" + (attempt > 1 ? $" (attempt {attempt} of {EnableAttempts})" : ""));
                        return await NodeCommands.EnableArcIntegrationAsync(node, null, t).ConfigureAwait(false);
                    },
                    r => !Onboarded(r) && DateTimeOffset.UtcNow < _deadline,
                    (r, wait) =>
                    {
                        _context.Reporter.Verbose($"{node.ComputerName}: enabling Azure Arc failed ({string.Join(" ", r.Errors.Select(e => e.Message))}); trying again in {wait.TotalSeconds:0} s.");
                        _progress.Node(i, node.ComputerName, $"Arc agent not connected yet; trying again in {wait.TotalSeconds:0} s");
                    },
                    TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), EnableAttempts, token).ConfigureAwait(false);
                if (!Onboarded(result))
                {
                    _progress.Node(i, node.ComputerName, "Arc failed", completed: true);
                    throw new NodeCommandException(node.ComputerName, "Enable-AzureStackHCIArcIntegration", result.Errors);
                }

                _progress.Node(i, node.ComputerName, "Arc agent connected; waiting for Azure to show it");
                return true;
            }, _context.Request.ThrottleLimit, cancellationToken).ConfigureAwait(false);
            foreach (var failure in outcomes.Where(o => !o.Succeeded))
            {
                _context.Reporter.Warning($"{failure.ComputerName}: {failure.Failure!.Message}");
            }

            return outcomes.Where(o => !o.Succeeded).Select(o => o.ComputerName).ToList();
        }

        /// <summary>
        /// Sync, then check perNodeDetails until every enabled node shows Connected or the request's timeout passes,
        /// syncing before each later check; returns the enabled nodes Azure does not show Connected.
        /// </summary>
        public Task<List<string>> VerifyAsync(IReadOnlyList<string> enabled, CancellationToken cancellationToken)
        {
            var settingsId = _context.Target.ResourceId + "/arcSettings/default";
            return Polling.RepeatAsync(
                async (check, token) =>
                {
                    await SyncAsync(token).ConfigureAwait(false);
                    var connected = ConnectedNodes(await _context.Arm.GetResourceAsync(settingsId, ApiVersions.ArcSettings, token).ConfigureAwait(false));
                    foreach (var member in enabled)
                    {
                        var index = IndexOf(member);
                        _progress.Node(index, Cluster.Nodes[index].ComputerName,
                            connected.Contains(member) ? "Arc Connected in Azure" : $"Waiting for Azure to show the node Arc Connected after a sync (check {check})",
                            completed: connected.Contains(member));
                    }

                    return enabled.Where(m => !connected.Contains(m)).ToList();
                },
                missing => missing.Count > 0 && DateTimeOffset.UtcNow < _deadline,
                (missing, wait) => _context.Reporter.Verbose($"Azure does not show {string.Join(", ", missing)} Arc Connected yet; syncing and checking again in {wait.TotalSeconds:0} s."),
                TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15), int.MaxValue, cancellationToken);
        }

        /// <summary>Sync-AzureStackHCI on the entry node, which sends the nodes' Arc state to the service; a failure only delays the check.</summary>
        private async Task SyncAsync(CancellationToken cancellationToken)
        {
            try
            {
                await NodeCommands.SyncAsync(Cluster.Entry, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NodeCommandException || ex is NodeUnreachableException)
            {
                _context.Reporter.Verbose($"{Cluster.Entry.ComputerName}: Sync-AzureStackHCI failed ({ex.Message}); Azure may show Arc later.");
            }
        }

        private int IndexOf(string member)
        {
            for (var i = 0; i < Cluster.Members.Count; i++)
            {
                if (string.Equals(Cluster.Members[i], member, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            return 0;
        }

        internal static HashSet<string> ConnectedNodes(JsonObject? settings) =>
            new HashSet<string>(
                (settings?["properties"]?["perNodeDetails"] as JsonArray ?? new JsonArray())
                    .Where(d => string.Equals(d?["state"]?.GetValue<string>(), "Connected", StringComparison.OrdinalIgnoreCase))
                    .Select(d => d?["name"]?.GetValue<string>() ?? ""),
                StringComparer.OrdinalIgnoreCase);
    }
}
