using System;
using System.Collections.Generic;

namespace Az.StackHCI.Models
{
    /// <summary>Microsoft's ConnectionTestResult values.</summary>
    public enum ConnectionTestResult
    {
        Succeeded,
        Failed,
    }

    /// <summary>One test of Test-AzStackHCIConnection across the cluster, with Microsoft's property names.</summary>
    public sealed class AzStackHCIConnectionTestResult
    {
        public string Test { get; set; } = "";

        public string EndpointTested { get; set; } = "";

        public bool IsRequired { get; set; }

        public ConnectionTestResult Result { get; set; }

        public IReadOnlyList<string> FailedNodes { get; set; } = new List<string>();

        public IReadOnlyList<AzStackHCINodeTestResult> Nodes { get; set; } = new List<AzStackHCINodeTestResult>();

        /// <summary>What to do when the test failed, with the page of Microsoft's docs; empty when it passed.</summary>
        public string? Remediation { get; set; }
    }

    /// <summary>One node's answer to one test.</summary>
    public sealed class AzStackHCINodeTestResult
    {
        public string ComputerName { get; set; } = "";

        public ConnectionTestResult Result { get; set; }

        public string Detail { get; set; } = "";

        /// <summary>The request's time on the node; for the clock test, the node's offset from UTC.</summary>
        public TimeSpan? Duration { get; set; }

        /// <summary>What the node reported, by name: its proxy settings, the addresses a name resolved to, the certificate chain it was shown.</summary>
        public IReadOnlyDictionary<string, string> Data { get; set; } = new Dictionary<string, string>();

        public override string ToString() => $"{ComputerName}: {Result} ({Detail})";
    }
}
