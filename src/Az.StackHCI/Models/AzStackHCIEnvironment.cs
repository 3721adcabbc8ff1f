using System;

namespace Az.StackHCI.Models
{
    /// <summary>A cloud the module can register with, as Get-AzStackHCIEnvironment shows it.</summary>
    public sealed class AzStackHCIEnvironment
    {
        public string Name { get; set; } = "";

        /// <summary>BuiltIn or Custom.</summary>
        public string Type { get; set; } = "";

        public Uri? ResourceManagerEndpoint { get; set; }

        public string? ResourceManagerAudience { get; set; }

        public Uri? ActiveDirectoryAuthority { get; set; }

        public Uri? GraphEndpoint { get; set; }

        public string? GraphScope { get; set; }

        /// <summary>The Azure Stack HCI service (data plane) endpoint, Microsoft's ServiceEndpoint.</summary>
        public Uri? HciServiceEndpoint { get; set; }

        public string? BillingServiceApiScope { get; set; }

        public Uri? PortalUrl { get; set; }

        public string? DefaultRegion { get; set; }

        public Uri? MetadataEndpoint { get; set; }

        public override string ToString() => Name;
    }
}
