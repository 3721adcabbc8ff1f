using Az.StackHCI.Core.Environments;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    internal static class EnvironmentMapping
    {
        public static AzStackHCIEnvironment ToModel(this HciEnvironment e) => new AzStackHCIEnvironment
        {
            Name = e.Name,
            Type = e.IsBuiltIn ? "BuiltIn" : "Custom",
            ResourceManagerEndpoint = e.ResourceManagerEndpoint,
            ResourceManagerAudience = e.ResourceManagerAudience,
            ActiveDirectoryAuthority = e.ActiveDirectoryAuthority,
            GraphEndpoint = e.GraphEndpoint,
            GraphScope = e.GraphScope,
            HciServiceEndpoint = e.HciServiceEndpoint,
            BillingServiceApiScope = e.BillingServiceApiScope,
            PortalUrl = e.PortalUrl,
            DefaultRegion = e.DefaultRegion,
            MetadataEndpoint = e.MetadataEndpoint,
        };
    }
}
