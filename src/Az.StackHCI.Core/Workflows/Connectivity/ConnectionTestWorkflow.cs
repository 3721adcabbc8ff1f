using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows.Connectivity
{
    /// <summary>
    /// From every node at once, reaches each endpoint registration needs (the node's own HTTPS stack and proxy
    /// settings) and compares its clock with UTC. Needs no sign-in and changes nothing.
    /// </summary>
    public sealed class ConnectionTestWorkflow
    {
        internal const string ClockTest = "Node clock within 5 minutes of UTC";

        private readonly INodeConnector _connector;
        private readonly IOperationReporter _reporter;
        private readonly EnvironmentCatalog _environments;

        public ConnectionTestWorkflow(INodeConnector connector, IOperationReporter reporter, EnvironmentCatalog? environments = null)
        {
            _connector = connector;
            _reporter = reporter;
            _environments = environments ?? new EnvironmentCatalog();
        }

        /// <summary>What is tested: (test, URL, required). Graph is called from the management computer only, so a node may do without it.</summary>
        internal static IReadOnlyList<(string Test, Uri Endpoint, bool Required)> Endpoints(HciEnvironment environment, string? region)
        {
            var isPublic = environment.Name == BuiltInEnvironments.AzureCloud || environment.Name == BuiltInEnvironments.AzureCanary;
            var canary = isPublic && ResourceIds.NormalizeRegion(region ?? environment.DefaultRegion) is "eastus2euap" or "centraluseuap";
            var service = canary ? new Uri("https://canary.dp.stackhci.azure.com/") : environment.HciServiceEndpoint;
            return new[]
            {
                ("Connect to Azure Stack HCI Service", new Uri(service.AbsoluteUri.TrimEnd('/') + "/health"), true),
                ("Connect to Microsoft Entra ID", new Uri(environment.ActiveDirectoryAuthority.AbsoluteUri.TrimEnd('/') + "/common/v2.0/.well-known/openid-configuration"), true),
                ("Connect to Azure Resource Manager", new Uri(environment.ResourceManagerEndpoint.AbsoluteUri.TrimEnd('/') + "/metadata/endpoints?api-version=" + ArmMetadataClient.ApiVersion), true),
                ("Connect to Microsoft Graph", new Uri(environment.GraphEndpoint.AbsoluteUri.TrimEnd('/') + "/v1.0/$metadata"), false),
            };
        }

        /// <summary>What -Quiet answers: every required test passed on every node.</summary>
        public static bool AllRequiredPassed(IEnumerable<EndpointTest> results) => results.Where(r => r.IsRequired).All(r => r.Succeeded);

        public async Task<IReadOnlyList<EndpointTest>> RunAsync(ConnectionTestRequest request, CancellationToken cancellationToken)
        {
            CommonInput.ThrottleLimit(request.ThrottleLimit);
            var environment = CommonInput.Environment(request.EnvironmentName, _environments);
            var endpoints = Endpoints(environment, request.Region);
            var progress = new StepProgress(_reporter, 1, "Testing connectivity from every node");
            try
            {
                progress.Step("Opening sessions to every node", 10);
                using var cluster = await ClusterConnection.OpenAsync(_connector, request.ComputerName, request.ThrottleLimit, _reporter, cancellationToken, requireAll: false).ConfigureAwait(false);
                progress.Step($"Testing {endpoints.Count} endpoint(s) and the clock from {cluster.Nodes.Count} node(s)", 30);
                var nodes = cluster.Nodes;
                var outcomes = await NodeFanOut.RunAsync(Enumerable.Range(0, nodes.Count), i => cluster.Members[i], async (i, token) =>
                {
                    progress.Node(i, nodes[i].ComputerName, "Testing endpoints");
                    var probes = new List<NodeProbe>();
                    foreach (var endpoint in endpoints)
                    {
                        var (succeeded, detail, elapsed) = await NodeCommands.ProbeAsync(nodes[i], endpoint.Endpoint, token).ConfigureAwait(false);
                        probes.Add(new NodeProbe(cluster.Members[i], succeeded, detail, elapsed));
                    }

                    var offset = await NodeClock.MeasureOffsetAsync(nodes[i], token).ConfigureAwait(false);
                    progress.Node(i, nodes[i].ComputerName, "Tested", completed: true);
                    return (probes, offset);
                }, request.ThrottleLimit, cancellationToken).ConfigureAwait(false);

                var results = endpoints.Select(e => new EndpointTest(e.Test, e.Endpoint.AbsoluteUri, e.Required)).ToList();
                var clock = new EndpointTest(ClockTest, "UTC (this computer's clock)", true);
                foreach (var outcome in outcomes)
                {
                    for (var e = 0; e < endpoints.Count; e++)
                    {
                        results[e].Nodes.Add(outcome.Succeeded
                            ? outcome.Value.probes[e]
                            : new NodeProbe(outcome.ComputerName, false, outcome.Failure!.Message));
                    }

                    clock.Nodes.Add(outcome.Succeeded
                        ? new NodeProbe(outcome.ComputerName, outcome.Value.offset.Duration() <= NodeClock.Tolerance, "Offset " + NodeClock.Describe(outcome.Value.offset), outcome.Value.offset)
                        : new NodeProbe(outcome.ComputerName, false, outcome.Failure!.Message));
                }

                results.Add(clock);
                foreach (var result in results)
                {
                    result.Nodes.AddRange(cluster.Unreachable.Select(u => new NodeProbe(u.Name, false, "Unreachable: " + u.Reason)));
                    result.FailedNodes.AddRange(result.Nodes.Where(n => !n.Succeeded).Select(n => n.ComputerName));
                }

                foreach (var skewed in clock.Nodes.Where(n => n.Duration is TimeSpan offset && offset.Duration() > NodeClock.Tolerance))
                {
                    _reporter.Warning($"The clock of node {skewed.ComputerName} is {NodeClock.Describe(skewed.Duration!.Value)} off UTC. Azure refuses tokens the node signs with a clock this far off (AADSTS700027): synchronize its time (w32tm /resync) before you register.");
                }

                return results;
            }
            catch (Exception ex) when (NodeFailures.AsHci(ex) is HciException hci && !ReferenceEquals(hci, ex))
            {
                throw hci;
            }
            finally
            {
                progress.Complete();
            }
        }
    }
}
