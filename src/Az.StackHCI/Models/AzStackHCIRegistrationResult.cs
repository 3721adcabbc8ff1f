using System.Collections.Generic;

namespace Az.StackHCI.Models
{
    /// <summary>How an operation ended: Microsoft's OperationStatus values.</summary>
    public enum OperationStatus
    {
        Unused,
        Failed,
        Success,
        PendingForAdminConsent,
        Cancelled,
        RegisterSucceededButArcFailed,
    }

    /// <summary>Who owns the cluster's and Arc's Entra applications.</summary>
    public enum ClusterIdentityFlow
    {
        /// <summary>The Azure Stack HCI resource provider creates and owns them (the default where it offers it).</summary>
        ServiceManaged,

        /// <summary>The user's own applications, created through Microsoft Graph with admin consent (-UseOwnApplication).</summary>
        OwnApplication,
    }

    /// <summary>
    /// What Register-AzStackHCI returns: Microsoft's 1.x/2.x property names (the 0.x names ResourceId,
    /// PortalResourceURL and PortalAADAppPermissionsURL are aliases, see Az.StackHCI.Types.ps1xml), plus each node.
    /// </summary>
    public sealed class AzStackHCIRegistrationResult
    {
        public OperationStatus Result { get; set; }

        public string? AzureResourceId { get; set; }

        public string? AzurePortalResourceURL { get; set; }

        public string? AzurePortalAADAppPermissionsURL { get; set; }

        /// <summary>Entra ID's admin-consent URL for the tenant and the cluster's application (PendingForAdminConsent).</summary>
        public string? AdminConsentURL { get; set; }

        /// <summary>Who owns the cluster's applications: the resource provider, or the user.</summary>
        public ClusterIdentityFlow? IdentityFlow { get; set; }

        public string? Details { get; set; }

        public string? ErrorDetail { get; set; }

        public IReadOnlyList<AzStackHCINodeResult> Nodes { get; set; } = new List<AzStackHCINodeResult>();
    }

    /// <summary>One node's part in an operation.</summary>
    public sealed class AzStackHCINodeResult
    {
        public string ComputerName { get; set; } = "";

        public string Status { get; set; } = "";

        public string? Detail { get; set; }

        public string? CertificateThumbprint { get; set; }

        public override string ToString() => $"{ComputerName}: {Status}";
    }
}
