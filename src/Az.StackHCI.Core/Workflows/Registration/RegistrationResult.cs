using System.Collections.Generic;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>How a registration ended (Microsoft's OperationStatus values).</summary>
    public enum RegistrationStatus
    {
        Success,
        Failed,
        PendingForAdminConsent,
        Cancelled,
        RegisterSucceededButArcFailed,
    }

    /// <summary>The outcome of Register-AzStackHCI, with Microsoft's 1.x/2.x property names.</summary>
    public sealed class RegistrationResult : IChangeOutcome
    {
        public RegistrationStatus Result { get; set; }

        public string? AzureResourceId { get; set; }

        public string? AzurePortalResourceURL { get; set; }

        public string? AzurePortalAADAppPermissionsURL { get; set; }

        /// <summary>The tenant's admin-consent URL for the cluster's application (seed flow, PendingForAdminConsent).</summary>
        public string? AdminConsentURL { get; set; }

        /// <summary>Who owns the cluster's applications: the resource provider, or the user (the seed's flow).</summary>
        public IdentityFlow? IdentityFlow { get; set; }

        public string? Details { get; set; }

        public string? ErrorDetail { get; set; }

        /// <summary>True when -WhatIf (or a declined -Confirm) left the changes undone.</summary>
        public bool ChangesSkipped { get; set; }

        public List<NodeResult> Nodes { get; } = new List<NodeResult>();
    }

    /// <summary>One node's part in the registration.</summary>
    public sealed class NodeResult
    {
        public NodeResult(string computerName, string status, string? detail = null)
        {
            ComputerName = computerName;
            Status = status;
            Detail = detail;
        }

        public string ComputerName { get; }

        /// <summary>Registered, Failed, Unchanged …</summary>
        public string Status { get; }

        public string? Detail { get; }

        /// <summary>SHA-1 thumbprint of the node's registration certificate.</summary>
        public string? CertificateThumbprint { get; set; }
    }
}
