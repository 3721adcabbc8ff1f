using System.Collections.Generic;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Registration;

namespace Az.StackHCI.Core.Workflows.Unregistration
{
    /// <summary>How an unregistration ended.</summary>
    public enum UnregistrationStatus
    {
        Success,
        Failed,
        Cancelled,
    }

    /// <summary>The outcome of Unregister-AzStackHCI.</summary>
    public sealed class UnregistrationResult : IChangeOutcome
    {
        public UnregistrationStatus Result { get; set; }

        public string? AzureResourceId { get; set; }

        public string? Details { get; set; }

        /// <summary>What failed once changes had begun (Result is Failed); the command also reports it as an error.</summary>
        public HciException? Error { get; set; }

        /// <summary>True when -WhatIf (or a declined -Confirm) left everything as it was.</summary>
        public bool ChangesSkipped { get; set; }

        public List<NodeResult> Nodes { get; } = new List<NodeResult>();
    }
}
