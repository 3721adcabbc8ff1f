using System.Collections.Generic;
using Az.StackHCI.Core.Identity;

namespace Az.StackHCI.Core.Workflows.Settings
{
    /// <summary>What Set-AzStackHCI was asked: the cluster (a node, or its resource id) and the settings to have.</summary>
    public sealed class SettingsRequest
    {
        public string EnvironmentName { get; set; } = "AzureCloud";

        /// <summary>A node of the cluster: its registration names the resource, and it syncs the change.</summary>
        public string ComputerName { get; set; } = "localhost";

        /// <summary>The cluster resource itself: no node is asked and none syncs (as Microsoft's -ResourceId).</summary>
        public string? ResourceId { get; set; }

        /// <summary>Windows Server subscription (guest licensing billed through Azure) on or off; null leaves it.</summary>
        public bool? EnableWSSubscription { get; set; }

        /// <summary>Off, Basic or Enhanced; null leaves it.</summary>
        public string? DiagnosticLevel { get; set; }

        public int ThrottleLimit { get; set; } = 16;

        public string? LogsDirectory { get; set; }

        public string DefaultLogsDirectory { get; set; } = ".";

        public SignInRequest SignIn { get; set; } = new SignInRequest();
    }

    /// <summary>One setting that differs: its desiredProperties name, the value Azure holds and the one asked for.</summary>
    public sealed class SettingChange
    {
        public SettingChange(string name, string? from, string to)
        {
            Name = name;
            From = from;
            To = to;
        }

        public string Name { get; }

        public string? From { get; }

        public string To { get; }

        public override string ToString() => $"{Name}: {From ?? "(not set)"} -> {To}";
    }

    public enum SettingsStatus
    {
        Success,
        Failed,
        Cancelled,
    }

    /// <summary>What Set-AzStackHCI did and what the cluster reports now.</summary>
    public sealed class SettingsResult : IChangeOutcome
    {
        public SettingsStatus Result { get; set; }

        public string Details { get; set; } = "";

        public string ResourceId { get; set; } = "";

        /// <summary>What was written to the resource's desiredProperties (empty when Azure held the values already).</summary>
        public List<SettingChange> Changes { get; } = new List<SettingChange>();

        /// <summary>The desired values now in Azure.</summary>
        public string? WindowsServerSubscription { get; set; }

        public string? DiagnosticLevel { get; set; }

        /// <summary>True once the cluster reported the values back after a sync; false when not yet; null when no node was asked to sync.</summary>
        public bool? Applied { get; set; }

        /// <summary>When the cluster last reported (reportedProperties.lastUpdated).</summary>
        public System.DateTimeOffset? ReportedAt { get; set; }

        /// <summary>True when -WhatIf (or a declined -Confirm) left everything as it was.</summary>
        public bool ChangesSkipped { get; set; }
    }
}
