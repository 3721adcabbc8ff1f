using System;
using System.Collections.Generic;

namespace Az.StackHCI.Models
{
    /// <summary>
    /// What Get-AzStackHCI returns: a cluster's registration as its nodes and (signed in) Azure see it. ComputerName,
    /// SubscriptionId, ResourceGroupName and ResourceName bind to Unregister-AzStackHCI's parameters by name.
    /// </summary>
    public sealed class AzStackHCIClusterStatus
    {
        public string ComputerName { get; set; } = "";

        public string ClusterName { get; set; } = "";

        public string RegistrationStatus { get; set; } = "";

        public string? ConnectionStatus { get; set; }

        public string? AzureResourceId { get; set; }

        public string? SubscriptionId { get; set; }

        public string? ResourceGroupName { get; set; }

        public string? ResourceName { get; set; }

        public string? Region { get; set; }

        public DateTime? RegistrationDate { get; set; }

        public DateTime? LastConnected { get; set; }

        public DateTime? NextSync { get; set; }

        /// <summary>Days before 30 days without a sync block new VMs; 0 when out of policy.</summary>
        public int? DaysUntilOutOfPolicy { get; set; }

        public string? ArcStatus { get; set; }

        /// <summary>The Azure resource's status (only when signed in).</summary>
        public string? CloudStatus { get; set; }

        public DateTime? LastSyncTimestamp { get; set; }

        public IReadOnlyList<AzStackHCINodeStatus> Nodes { get; set; } = new List<AzStackHCINodeStatus>();
    }

    /// <summary>One node of the cluster, read on the node itself.</summary>
    public sealed class AzStackHCINodeStatus
    {
        public string ComputerName { get; set; } = "";

        public string? RegistrationStatus { get; set; }

        public string? ConnectionStatus { get; set; }

        public DateTime? LastConnected { get; set; }

        public string? CertificateThumbprint { get; set; }

        public DateTime? CertificateExpiry { get; set; }

        public string? ArcStatus { get; set; }

        /// <summary>The node's clock minus this computer's UTC.</summary>
        public TimeSpan? ClockOffset { get; set; }

        /// <summary>Why the node could not be read.</summary>
        public string? Error { get; set; }

        public override string ToString() => $"{ComputerName}: {Error ?? RegistrationStatus}";
    }
}
