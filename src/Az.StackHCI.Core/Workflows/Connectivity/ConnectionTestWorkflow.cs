using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows.Connectivity
{
    /// <summary>The steps of Test-AzStackHCIConnection in order; the progress bar follows from them.</summary>
    internal enum ConnectionTestStep
    {
        Sessions,
        Tests,
    }

    /// <summary>
    /// The environment check, from every node at once: DNS for each endpoint, each endpoint reached over the node's own
    /// HTTPS stack and proxy (or the one given), the node's three proxy settings side by side, TLS inspection found by
    /// the certificate chain the node is shown, and the node's clock against UTC. Needs no sign-in and changes nothing.
    /// </summary>
    public sealed class ConnectionTestWorkflow
    {
        internal const string ClockTest = "Node clock within 5 minutes of UTC";
        internal const string ProxyTest = "Proxy settings agree (WinINet, WinHTTP, HTTPS_PROXY)";

        private readonly INodeConnector _connector;
        private readonly IOperationReporter _reporter;
        private readonly EnvironmentCatalog _environments;
        private readonly Func<Uri, CancellationToken, Task<CertificateChain?>> _readHere;

        public ConnectionTestWorkflow(INodeConnector connector, IOperationReporter reporter, EnvironmentCatalog? environments = null)
            : this(connector, reporter, environments, TlsInspection.ReadHereAsync)
        {
        }

        /// <param name="readHere">How this computer reads an endpoint's chain (unit tests replace the network).</param>
        internal ConnectionTestWorkflow(INodeConnector connector, IOperationReporter reporter, EnvironmentCatalog? environments, Func<Uri, CancellationToken, Task<CertificateChain?>> readHere)
        {
            _connector = connector;
            _reporter = reporter;
            _environments = environments ?? new EnvironmentCatalog();
            _readHere = readHere;
        }

        /// <summary>What -Quiet answers: every required test passed on every node.</summary>
        public static bool AllRequiredPassed(IEnumerable<EndpointTest> results) => results.Where(r => r.IsRequired).All(r => r.Succeeded);

        /// <summary>Refuses, before any node is contacted, a proxy that is no http(s) URL, or a proxy credential without a proxy.</summary>
        internal static void Check(ConnectionTestRequest request)
        {
            CommonInput.ThrottleLimit(request.ThrottleLimit);
            if (request.Proxy is Uri proxy && (!proxy.IsAbsoluteUri || (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps) || proxy.AbsolutePath != "/"))
            {
                throw new HciException("InvalidProxy", HciErrorCategory.InvalidArgument, proxy.OriginalString,
                    $"'{proxy.OriginalString}' is not a proxy address: give it as http://<host>:<port>, as the nodes' proxy settings name it.");
            }

            if (request.ProxyCredential is not null && request.Proxy is null)
            {
                throw new HciException("ProxyCredentialWithoutProxy", HciErrorCategory.InvalidArgument, "ProxyCredential",
                    "-ProxyCredential is for the proxy named by -Proxy: give -Proxy too.");
            }

            ConnectionReport.CheckPath(request.ReportPath);
        }

        public async Task<IReadOnlyList<EndpointTest>> RunAsync(ConnectionTestRequest request, CancellationToken cancellationToken)
        {
            Check(request);
            var environment = CommonInput.Environment(request.EnvironmentName, _environments);
            var progress = new StepProgress<ConnectionTestStep>(_reporter, 1, "Testing connectivity from every node");
            try
            {
                progress.Step(ConnectionTestStep.Sessions, "Opening sessions to every node");
                using var cluster = await ClusterConnection.OpenAsync(_connector, request.ComputerName, request.ThrottleLimit, _reporter, cancellationToken, requireAll: false).ConfigureAwait(false);
                var includeArc = request.IncludeArc || await ArcEnabledAsync(cluster.Entry, cancellationToken).ConfigureAwait(false);
                if (includeArc && ConnectivityTargets.ArcEndpoints(environment).Count == 0)
                {
                    _reporter.Warning($"No Azure Arc agent endpoints are known for environment {environment.Name}; they are not tested.");
                }

                var targets = ConnectivityTargets.For(environment, request.Region, includeArc);

                var hosts = targets.Select(t => t.Endpoint.Host).Concat(request.Proxy is null ? Array.Empty<string>() : new[] { request.Proxy.Host })
                    .Where(IsName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var tlsTargets = targets.Where(t => t.CheckTls).GroupBy(t => t.Endpoint.Authority, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
                var expectedRoots = BuiltInEnvironments.IsAzure(environment.Name) ? TlsInspection.AzureRoots : null;
                progress.Step(ConnectionTestStep.Tests, $"Testing {targets.Count} endpoint(s), DNS, proxy settings, TLS and the clock from {cluster.Nodes.Count} node(s)");
                var here = Task.WhenAll(tlsTargets.Select(t => _readHere(t.Endpoint, cancellationToken)));
                var nodes = cluster.Nodes;
                var outcomes = await NodeFanOut.RunAsync(Enumerable.Range(0, nodes.Count), i => cluster.Members[i], async (i, token) =>
                {
                    progress.Node(i, nodes[i].ComputerName, "Testing");
                    var findings = await ExamineAsync(nodes[i], request, targets, hosts, tlsTargets, token).ConfigureAwait(false);
                    progress.Node(i, nodes[i].ComputerName, "Tested", completed: true);
                    return findings;
                }, request.ThrottleLimit, cancellationToken).ConfigureAwait(false);
                var seenHere = await here.ConfigureAwait(false);

                var results = new List<EndpointTest>();
                for (var t = 0; t < targets.Count; t++)
                {
                    results.Add(Row(new EndpointTest(targets[t].Test, targets[t].Endpoint.AbsoluteUri, targets[t].Required), outcomes, f =>
                    {
                        var (succeeded, detail, elapsed) = f.Probes[t];
                        return (succeeded, detail, elapsed, targets[t].Remediation);
                    }));
                }

                foreach (var host in hosts)
                {
                    var required = targets.Any(t => t.Required && string.Equals(t.Endpoint.Host, host, StringComparison.OrdinalIgnoreCase))
                        || string.Equals(request.Proxy?.Host, host, StringComparison.OrdinalIgnoreCase);
                    results.Add(Row(new EndpointTest($"Resolve {host} (DNS)", host, required), outcomes, f => f.Dns[host]));
                }

                for (var t = 0; t < tlsTargets.Count; t++)
                {
                    var target = tlsTargets[t];
                    var mine = seenHere[t];
                    results.Add(Row(new EndpointTest($"No TLS inspection of {target.Endpoint.Authority}", target.Endpoint.GetLeftPart(UriPartial.Authority), true), outcomes, f =>
                    {
                        if (f.Chains[target.Endpoint.Authority] is not CertificateChain chain)
                        {
                            return (false, "Not checked: " + f.ChainErrors[target.Endpoint.Authority], null, Remediations.NotChecked);
                        }

                        var (inspected, detail) = TlsInspection.Judge(chain, mine, expectedRoots);
                        return (!inspected, detail, null, Remediations.TlsInspection);
                    }, (probe, f) =>
                    {
                        if (f.Chains[target.Endpoint.Authority] is CertificateChain chain)
                        {
                            probe.Data["Chain"] = string.Join(" <- ", chain.Elements.Select(e => TlsInspection.Name(e.Subject)));
                            probe.Data["Top"] = TlsInspection.Name(chain.Top);
                        }
                    }));
                }

                results.Add(ProxyRow(outcomes));
                results.Add(ClockRow(outcomes));
                foreach (var result in results)
                {
                    result.Nodes.AddRange(cluster.Unreachable.Select(u => new NodeProbe(u.Name, false, "Unreachable: " + u.Reason, null, "Bring the node up and make PowerShell remoting to it work, then test again.")));
                    result.FailedNodes.AddRange(result.Nodes.Where(n => !n.Succeeded).Select(n => n.ComputerName));
                }

                foreach (var skewed in outcomes.Where(o => o.Succeeded && o.Value.Offset.Duration() > NodeClock.Tolerance))
                {
                    _reporter.Warning($"The clock of node {skewed.ComputerName} is {NodeClock.Describe(skewed.Value.Offset)} off UTC. Azure refuses tokens the node signs with a clock this far off (AADSTS700027): synchronize its time (w32tm /resync) before you register.");
                }

                if (request.ReportPath is string reportPath)
                {
                    foreach (var written in ConnectionReport.Write(reportPath, environment.Name, request.ComputerName, request.Proxy, results, DateTimeOffset.UtcNow))
                    {
                        _reporter.Verbose($"Report written to {written}.");
                    }
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

        /// <summary>What one node found, in the order of the targets and names asked for.</summary>
        private sealed class Findings
        {
            public List<(bool Succeeded, string Detail, TimeSpan Elapsed)> Probes { get; } = new List<(bool, string, TimeSpan)>();

            public Dictionary<string, (bool, string, TimeSpan?, string?)> Dns { get; } = new Dictionary<string, (bool, string, TimeSpan?, string?)>(StringComparer.OrdinalIgnoreCase);

            public Dictionary<string, CertificateChain?> Chains { get; } = new Dictionary<string, CertificateChain?>(StringComparer.OrdinalIgnoreCase);

            public Dictionary<string, string> ChainErrors { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

            public ProxySettings? Proxy { get; set; }

            public string? ProxyError { get; set; }

            /// <summary>Proxy hosts of the node's own settings that the node cannot resolve, with the error.</summary>
            public List<string> UnresolvedProxies { get; } = new List<string>();

            public TimeSpan Offset { get; set; }
        }

        private static async Task<Findings> ExamineAsync(INodeSession node, ConnectionTestRequest request, IReadOnlyList<ConnectivityTarget> targets,
            IReadOnlyList<string> hosts, IReadOnlyList<ConnectivityTarget> tlsTargets, CancellationToken cancellationToken)
        {
            var findings = new Findings();
            try
            {
                findings.Proxy = await ProxySettings.ReadAsync(node, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeCommandException ex)
            {
                findings.ProxyError = ex.Message;
            }

            foreach (var proxyHost in (findings.Proxy?.Servers.Values ?? Enumerable.Empty<string>()).Where(s => s != "direct")
                .Select(s => Uri.TryCreate("http://" + s, UriKind.Absolute, out var uri) ? uri.Host : null).Where(h => h is not null && IsName(h)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var (_, error) = await NodeNetworkCommands.ResolveAsync(node, proxyHost!, cancellationToken).ConfigureAwait(false);
                if (error is not null)
                {
                    findings.UnresolvedProxies.Add($"{proxyHost} ({error})");
                }
            }

            foreach (var host in hosts)
            {
                var (addresses, error) = await NodeNetworkCommands.ResolveAsync(node, host, cancellationToken).ConfigureAwait(false);
                var proxied = !string.Equals(host, request.Proxy?.Host, StringComparison.OrdinalIgnoreCase)
                    && (request.Proxy is not null || findings.Proxy?.WinInetProxyFor(new Uri("https://" + host)) is not null);
                findings.Dns[host] = error is null
                    ? (true, string.Join(", ", addresses), null, null)
                    : proxied
                        ? (true, $"Not resolved by the node ({error}); its proxy resolves it.", null, null)
                        : (false, error, null, Remediations.Dns(host));
            }

            foreach (var target in targets)
            {
                findings.Probes.Add(await NodeNetworkCommands.ProbeAsync(node, target.Endpoint, request.Proxy, request.ProxyCredential, target.AnyAnswer, cancellationToken).ConfigureAwait(false));
            }

            foreach (var target in tlsTargets)
            {
                var proxy = request.Proxy ?? findings.Proxy?.WinInetProxyFor(target.Endpoint);
                try
                {
                    findings.Chains[target.Endpoint.Authority] = await NodeNetworkCommands.GetCertificateChainAsync(node, target.Endpoint, proxy, request.ProxyCredential, cancellationToken).ConfigureAwait(false);
                }
                catch (NodeCommandException ex)
                {
                    findings.Chains[target.Endpoint.Authority] = null;
                    findings.ChainErrors[target.Endpoint.Authority] = ex.Message;
                }
            }

            findings.Offset = await NodeClock.MeasureOffsetAsync(node, cancellationToken).ConfigureAwait(false);
            return findings;
        }

        /// <summary>A row with each reachable node's answer; a node that could not be examined shows why.</summary>
        private static EndpointTest Row(EndpointTest row, IReadOnlyList<NodeOutcome<Findings>> outcomes,
            Func<Findings, (bool Succeeded, string Detail, TimeSpan? Duration, string? Remediation)> answer, Action<NodeProbe, Findings>? data = null)
        {
            foreach (var outcome in outcomes)
            {
                if (!outcome.Succeeded)
                {
                    row.Nodes.Add(new NodeProbe(outcome.ComputerName, false, outcome.Failure!.Message, null, Remediations.NotChecked));
                    continue;
                }

                var (succeeded, detail, duration, remediation) = answer(outcome.Value);
                var probe = new NodeProbe(outcome.ComputerName, succeeded, detail, duration, remediation);
                data?.Invoke(probe, outcome.Value);
                row.Nodes.Add(probe);
            }

            return row;
        }

        /// <summary>
        /// Each node's three proxy settings side by side: a node whose settings disagree with one another, differ from
        /// most nodes', or name a proxy the node cannot resolve fails.
        /// </summary>
        private static EndpointTest ProxyRow(IReadOnlyList<NodeOutcome<Findings>> outcomes)
        {
            static string Signature(ProxySettings settings) => string.Join("|", settings.Servers.Values);
            var usual = outcomes.Where(o => o.Succeeded && o.Value.Proxy is not null).GroupBy(o => Signature(o.Value.Proxy!))
                .OrderByDescending(g => g.Count()).Select(g => g.First().Value.Proxy!).FirstOrDefault();
            return Row(new EndpointTest(ProxyTest, "WinINet, WinHTTP, environment (HTTPS_PROXY, NO_PROXY)", false), outcomes, f =>
            {
                if (f.Proxy is not ProxySettings settings)
                {
                    return (false, "Could not read the proxy settings: " + f.ProxyError, null, Remediations.NotChecked);
                }

                var problems = new List<string>();
                if (settings.Disagreement() is string disagreement)
                {
                    problems.Add(disagreement);
                }

                if (usual is not null && Signature(settings) != Signature(usual))
                {
                    problems.Add("They differ from the other nodes' (" + string.Join(", ", usual.Servers.Select(s => $"{s.Key} {s.Value}")) + ").");
                }

                problems.AddRange(f.UnresolvedProxies.Select(p => $"The proxy host {p} does not resolve on this node."));
                return (problems.Count == 0, settings.Describe() + (problems.Count == 0 ? "" : ". " + string.Join(" ", problems)), null, Remediations.ProxySettings);
            }, (probe, f) =>
            {
                foreach (var entry in f.Proxy?.ToData() ?? new Dictionary<string, string>())
                {
                    probe.Data[entry.Key] = entry.Value;
                }
            });
        }

        private static EndpointTest ClockRow(IReadOnlyList<NodeOutcome<Findings>> outcomes) =>
            Row(new EndpointTest(ClockTest, "UTC (this computer's clock)", true), outcomes, f =>
                (f.Offset.Duration() <= NodeClock.Tolerance, "Offset " + NodeClock.Describe(f.Offset), f.Offset, Remediations.Clock));

        /// <summary>Whether Arc is enabled on the cluster (its endpoints are then tested); false where the node cannot say.</summary>
        private static async Task<bool> ArcEnabledAsync(INodeSession entry, CancellationToken cancellationToken)
        {
            try
            {
                return string.Equals((await NodeCommands.GetArcIntegrationAsync(entry, cancellationToken).ConfigureAwait(false))?.ClusterArcStatus, "Enabled", StringComparison.OrdinalIgnoreCase);
            }
            catch (NodeCommandException)
            {
                return false;
            }
        }

        private static bool IsName(string host) => Uri.CheckHostName(host) == UriHostNameType.Dns;
    }
}
