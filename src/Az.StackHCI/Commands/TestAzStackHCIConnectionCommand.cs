using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Workflows.Connectivity;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>
    /// The environment check, from every node at once: DNS, the endpoints registration needs, the three proxy settings,
    /// TLS inspection and the clocks. No sign-in, no changes.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "AzStackHCIConnection")]
    [OutputType(typeof(AzStackHCIConnectionTestResult), typeof(bool))]
    public sealed class TestAzStackHCIConnectionCommand : AzStackHCINodeCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string EnvironmentName { get; set; } = "AzureCloud";

        /// <summary>Only the canary regions (eastus2euap, centraluseuap) change the service endpoint tested.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        [Parameter(Position = 2, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Cluster", "ClusterName", "Node")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = "localhost";

        /// <summary>Credential for the PowerShell sessions to the nodes (WinRM).</summary>
        [Parameter(Position = 3)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Returns only $true (every required test passed on every node) or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary>Every request from the nodes goes through this proxy (an http address with host and port) instead of their own settings.</summary>
        [Parameter]
        [ValidateNotNull]
        public System.Uri? Proxy { get; set; }

        /// <summary>The credential for -Proxy (Basic).</summary>
        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Tests the Azure Arc agent's endpoints too, also when Arc is not enabled on the cluster.</summary>
        [Parameter]
        public SwitchParameter IncludeArc { get; set; }

        /// <summary>Writes the results to &lt;ReportPath&gt;.json and &lt;ReportPath&gt;.txt.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ReportPath { get; set; }

        protected override void ProcessRecord()
        {
            CheckRemotingParameters(Credential);
            var request = new ConnectionTestRequest
            {
                EnvironmentName = EnvironmentName,
                Region = Region,
                ComputerName = ComputerName,
                ThrottleLimit = ThrottleLimit,
                Proxy = Proxy,
                ProxyCredential = ProxyCredential?.GetNetworkCredential(),
                IncludeArc = IncludeArc,
                ReportPath = ReportPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ReportPath),
            };
            if (!TryRunWorkflow(Credential, (connector, reporter, token) => new ConnectionTestWorkflow(connector, reporter).RunAsync(request, token), out var results))
            {
                if (Quiet)
                {
                    WriteObject(false);
                }

                return;
            }

            if (Quiet)
            {
                WriteObject(ConnectionTestWorkflow.AllRequiredPassed(results));
                return;
            }

            foreach (var result in results)
            {
                WriteObject(new AzStackHCIConnectionTestResult
                {
                    Test = result.Test,
                    EndpointTested = result.EndpointTested,
                    IsRequired = result.IsRequired,
                    Result = result.Succeeded ? ConnectionTestResult.Succeeded : ConnectionTestResult.Failed,
                    FailedNodes = result.FailedNodes.ToList(),
                    Remediation = result.Remediation,
                    Nodes = result.Nodes.Select(n => new AzStackHCINodeTestResult
                    {
                        ComputerName = n.ComputerName,
                        Result = n.Succeeded ? ConnectionTestResult.Succeeded : ConnectionTestResult.Failed,
                        Detail = n.Detail,
                        Duration = n.Duration,
                        Data = new System.Collections.Generic.Dictionary<string, string>(n.Data),
                    }).ToList(),
                });
            }
        }
    }
}
