using System;
using System.Collections.Generic;

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
    }

    /// <summary>One node's answer to one test.</summary>
    public sealed class NodeProbe
    {
        public NodeProbe(string computerName, bool succeeded, string detail, TimeSpan? duration = null)
        {
            ComputerName = computerName;
            Succeeded = succeeded;
            Detail = detail;
            Duration = duration;
        }

        public string ComputerName { get; }

        public bool Succeeded { get; }

        /// <summary>HTTP status or the error; for the clock test, the offset.</summary>
        public string Detail { get; }

        /// <summary>How long the request took on the node (or the clock offset, for the clock test).</summary>
        public TimeSpan? Duration { get; }
    }
}
