using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace Az.StackHCI.Core.Workflows.Connectivity
{
    /// <summary>What Test-AzStackHCIConnection was asked.</summary>
    public sealed class ConnectionTestRequest
    {
        public string EnvironmentName { get; set; } = "AzureCloud";

        /// <summary>Only the canary regions change the service endpoint tested.</summary>
        public string? Region { get; set; }

        public string ComputerName { get; set; } = "localhost";

        public int ThrottleLimit { get; set; } = 16;

        /// <summary>Every request from the nodes goes through this proxy instead of the nodes' own settings.</summary>
        public Uri? Proxy { get; set; }

        public NetworkCredential? ProxyCredential { get; set; }

        /// <summary>Test the Azure Arc agent's endpoints even when Arc is not enabled on the cluster.</summary>
        public bool IncludeArc { get; set; }

        /// <summary>Where to write the report: &lt;path&gt;.json and &lt;path&gt;.txt (an extension given is replaced).</summary>
        public string? ReportPath { get; set; }
    }

    /// <summary>One test across the cluster (Microsoft's properties: Test, EndpointTested, IsRequired, Result, FailedNodes).</summary>
    public sealed class EndpointTest
    {
        public EndpointTest(string test, string endpointTested, bool isRequired)
        {
            Test = test;
            EndpointTested = endpointTested;
            IsRequired = isRequired;
        }

        public string Test { get; }

        public string EndpointTested { get; }

        /// <summary>Registration cannot succeed while a required test fails.</summary>
        public bool IsRequired { get; }

        public bool Succeeded => FailedNodes.Count == 0;

        public List<string> FailedNodes { get; } = new List<string>();

        public List<NodeProbe> Nodes { get; } = new List<NodeProbe>();

        /// <summary>What to do, with the docs' page: the failed nodes' remediations, each once; null when the test passed.</summary>
        public string? Remediation => Succeeded ? null : string.Join(" ", Nodes.Where(n => !n.Succeeded && n.Remediation is not null).Select(n => n.Remediation!).Distinct());
    }

    /// <summary>One node's answer to one test.</summary>
    public sealed class NodeProbe
    {
        public NodeProbe(string computerName, bool succeeded, string detail, TimeSpan? duration = null, string? remediation = null)
        {
            ComputerName = computerName;
            Succeeded = succeeded;
            Detail = detail;
            Duration = duration;
            Remediation = succeeded ? null : remediation;
        }

        public string ComputerName { get; }

        public bool Succeeded { get; }

        /// <summary>HTTP status or the error; for the clock test, the offset; for the proxy test, the three settings.</summary>
        public string Detail { get; }

        /// <summary>How long the request took on the node (or the clock offset, for the clock test).</summary>
        public TimeSpan? Duration { get; }

        /// <summary>What to do about this node's failure.</summary>
        public string? Remediation { get; }

        /// <summary>What the node reported, by name: its proxy settings, the addresses a name resolved to, the certificates it was shown.</summary>
        public IDictionary<string, string> Data { get; } = new Dictionary<string, string>();
    }
}
