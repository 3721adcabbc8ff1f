using System;
using System.Collections.Generic;
using Az.StackHCI.Core.Identity;

namespace Az.StackHCI.Core.Workflows.Status
{
    /// <summary>What Get-AzStackHCI was asked: the cluster, and a sign-in when the cloud side is wanted too.</summary>
    public sealed class ClusterStatusRequest
    {
        public string ComputerName { get; set; } = "localhost";

        public string EnvironmentName { get; set; } = "AzureCloud";

        /// <summary>Null: the nodes' side only, no sign-in.</summary>
        public SignInRequest? SignIn { get; set; }

        public int ThrottleLimit { get; set; } = 16;
    }

    /// <summary>A cluster's registration as its nodes (and, signed in, Azure) see it.</summary>
    public sealed class ClusterStatus
    {
        /// <summary>The node or cluster name it was asked through.</summary>
        public string ComputerName { get; set; } = "";

        public string ClusterName { get; set; } = "";

        /// <summary>Registered, NotYet or OutOfPolicy (the node's word).</summary>
        public string RegistrationStatus { get; set; } = "";

        public string? ConnectionStatus { get; set; }

        public string? AzureResourceId { get; set; }

        public string? SubscriptionId { get; set; }

        public string? ResourceGroupName { get; set; }

        public string? ResourceName { get; set; }

        public string? Region { get; set; }

        public DateTimeOffset? RegistrationDate { get; set; }

        public DateTimeOffset? LastConnected { get; set; }

        public DateTimeOffset? NextSync { get; set; }

        /// <summary>Days left before 30 days without a sync block new VMs (0 when out of policy; null when not registered).</summary>
        public int? DaysUntilOutOfPolicy { get; set; }

        /// <summary>The cluster's Arc integration on its nodes: Enabled, Disabled, DisableInProgress, Unknown (null without Arc commands).</summary>
        public string? ArcStatus { get; set; }

        /// <summary>The cloud resource's status (signed in only; NotFound when the resource is gone).</summary>
        public string? CloudStatus { get; set; }

        public DateTimeOffset? LastSyncTimestamp { get; set; }

        public List<NodeStatus> Nodes { get; } = new List<NodeStatus>();
    }

    /// <summary>One node's part.</summary>
    public sealed class NodeStatus
    {
        public NodeStatus(string computerName)
        {
            ComputerName = computerName;
        }

        public string ComputerName { get; }

        public string? RegistrationStatus { get; set; }

        public string? ConnectionStatus { get; set; }

        public DateTimeOffset? LastConnected { get; set; }

        /// <summary>The node's registration certificate: the one it holds that is a credential of the cluster's app (signed in only).</summary>
        public string? CertificateThumbprint { get; set; }

        public DateTimeOffset? CertificateExpiry { get; set; }

        public string? ArcStatus { get; set; }

        /// <summary>The node's clock minus this computer's UTC.</summary>
        public TimeSpan? ClockOffset { get; set; }

        /// <summary>Why the node could not be read, when it could not.</summary>
        public string? Error { get; set; }
    }
}
