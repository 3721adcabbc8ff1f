using System;

namespace Az.StackHCI.Core.Environments
{
    /// <summary>A cloud the module can register with: where each service lives and which scopes it uses.</summary>
    public sealed class HciEnvironment
    {
        public HciEnvironment(
            string name,
            Uri resourceManagerEndpoint,
            string resourceManagerAudience,
            Uri activeDirectoryAuthority,
            Uri graphEndpoint,
            Uri hciServiceEndpoint,
            string billingServiceApiScope,
            Uri portalUrl,
            string defaultRegion,
            bool isBuiltIn,
            Uri? metadataEndpoint = null)
        {
            Name = name;
            ResourceManagerEndpoint = resourceManagerEndpoint;
            ResourceManagerAudience = resourceManagerAudience;
            ActiveDirectoryAuthority = activeDirectoryAuthority;
            GraphEndpoint = graphEndpoint;
            HciServiceEndpoint = hciServiceEndpoint;
            BillingServiceApiScope = billingServiceApiScope;
            PortalUrl = portalUrl;
            DefaultRegion = defaultRegion;
            IsBuiltIn = isBuiltIn;
            MetadataEndpoint = metadataEndpoint;
        }

        public string Name { get; }

        public Uri ResourceManagerEndpoint { get; }

        /// <summary>The token audience of ARM; the scope asked for is this plus <c>/.default</c>.</summary>
        public string ResourceManagerAudience { get; }

        public Uri ActiveDirectoryAuthority { get; }

        public Uri GraphEndpoint { get; }

        public string GraphScope => Combine(GraphEndpoint.AbsoluteUri, ".default");

        public string ResourceManagerScope => Combine(ResourceManagerAudience, ".default");

        /// <summary>The Azure Stack HCI service (data plane) nodes sync with; <c>/health</c> answers probes.</summary>
        public Uri HciServiceEndpoint { get; }

        public string BillingServiceApiScope { get; }

        public Uri PortalUrl { get; }

        public string DefaultRegion { get; }

        public bool IsBuiltIn { get; }

        /// <summary>For custom environments: the ARM metadata document they were read from.</summary>
        public Uri? MetadataEndpoint { get; }

        private static string Combine(string baseUri, string leaf) => baseUri.TrimEnd('/') + "/" + leaf;
    }
}
