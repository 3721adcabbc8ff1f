using System;
using System.Collections.Generic;

namespace Az.StackHCI.Models
{
    /// <summary>Microsoft's DiagnosticLevel values (Set-AzStackHCI -DiagnosticLevel; ClusterDesiredProperties.diagnosticLevel).</summary>
    public enum DiagnosticLevel
    {
        Off,
        Basic,
        Enhanced,
    }

    /// <summary>What Set-AzStackHCI returns: Microsoft's Result, Details and ErrorDetail, the settings now in Azure, and whether the cluster applied them.</summary>
    public sealed class AzStackHCISettingsResult
    {
        /// <summary>Success, Failed or Cancelled (-WhatIf or a declined confirmation).</summary>
        public OperationStatus Result { get; set; }

        public string? Details { get; set; }

        /// <summary>The stable error id when Result is Failed.</summary>
        public string? ErrorDetail { get; set; }

        public string? ResourceId { get; set; }

        /// <summary>The desired values in Azure now (Enabled or Disabled).</summary>
        public string? WindowsServerSubscription { get; set; }

        public string? DiagnosticLevel { get; set; }

        /// <summary>What this run wrote, as "setting: old -> new"; empty when Azure held the values already.</summary>
        public IReadOnlyList<string> Changes { get; set; } = new List<string>();

        /// <summary>True once the cluster reported the values after its sync; false when not yet; empty with -ResourceId (no node syncs).</summary>
        public bool? Applied { get; set; }

        /// <summary>When the cluster last reported to Azure (UTC).</summary>
        public DateTime? ReportedAt { get; set; }
    }
}
