using System;
using System.Collections.Generic;
using System.Linq;
using Az.StackHCI.Core.Environments;

namespace Az.StackHCI.Core.Workflows.Connectivity
{
    /// <summary>One endpoint the nodes must reach, and what counts as reaching it.</summary>
    internal sealed class ConnectivityTarget
    {
        public ConnectivityTarget(string test, Uri endpoint, bool required, bool anyAnswer, bool checkTls, string remediation)
        {
            Test = test;
            Endpoint = endpoint;
            Required = required;
            AnyAnswer = anyAnswer;
            CheckTls = checkTls;
            Remediation = remediation;
        }

        public string Test { get; }

        public Uri Endpoint { get; }

        /// <summary>Registration cannot succeed while a required endpoint is out of reach.</summary>
        public bool Required { get; }

        /// <summary>Any HTTP answer counts (an endpoint with no health path); otherwise only 200.</summary>
        public bool AnyAnswer { get; }

        /// <summary>The node's certificate chain for this endpoint is checked for TLS inspection.</summary>
        public bool CheckTls { get; }

        /// <summary>What to do when the endpoint is out of reach, with the docs' page.</summary>
        public string Remediation { get; }
    }

    /// <summary>
    /// The endpoints the docs name for registering a cluster (Azure Stack HCI firewall requirements: the HCI service,
    /// also its older front-door host for clusters registered with it, Entra ID, Resource Manager, Graph) and, when Arc
    /// is on or asked for, the Connected Machine agent's (Arc network requirements).
    /// </summary>
    internal static class ConnectivityTargets
    {
        public static IReadOnlyList<ConnectivityTarget> For(HciEnvironment environment, string? region, bool includeArc)
        {
            var isPublic = environment.Name == BuiltInEnvironments.AzureCloud || environment.Name == BuiltInEnvironments.AzureCanary;
            var canary = isPublic && ResourceIds.NormalizeRegion(region ?? environment.DefaultRegion) is "eastus2euap" or "centraluseuap";
            var service = canary ? new Uri("https://canary.dp.stackhci.azure.com/") : environment.HciServiceEndpoint;
            var targets = new List<ConnectivityTarget>
            {
                new ConnectivityTarget("Connect to Azure Stack HCI Service", Path(service, "health"), true, false, true, Remediations.Firewall(service)),
                new ConnectivityTarget("Connect to Microsoft Entra ID", Path(environment.ActiveDirectoryAuthority, "common/v2.0/.well-known/openid-configuration"), true, false, true,
                    Remediations.Firewall(environment.ActiveDirectoryAuthority)),
                new ConnectivityTarget("Connect to Azure Resource Manager", Path(environment.ResourceManagerEndpoint, "metadata/endpoints?api-version=" + ArmMetadataClient.ApiVersion), true, false, true,
                    Remediations.Firewall(environment.ResourceManagerEndpoint)),
                // Graph is called from the management computer only, so a node may do without it.
                new ConnectivityTarget("Connect to Microsoft Graph", Path(environment.GraphEndpoint, "v1.0/$metadata"), false, false, false, Remediations.Firewall(environment.GraphEndpoint)),
            };
            if (environment.Name == BuiltInEnvironments.AzureCloud && !canary)
            {
                // The firewall requirements: the service's URL was azurestackhci.azurefd.net before, and clusters
                // registered with the old URL must allow it as well.
                var legacy = new Uri("https://azurestackhci.azurefd.net/");
                targets.Add(new ConnectivityTarget("Connect to Azure Stack HCI Service (older endpoint)", Path(legacy, "health"), false, false, false, Remediations.Firewall(legacy)));
            }

            if (includeArc)
            {
                targets.AddRange(ArcEndpoints(environment).Select(a => new ConnectivityTarget($"Connect to Azure Arc ({a.Purpose})", a.Endpoint, true, true, false, Remediations.Arc(a.Endpoint))));
            }

            return targets;
        }

        /// <summary>
        /// The Connected Machine agent's endpoints per cloud (Arc network requirements: *.his.arc.azure.*,
        /// *.guestconfiguration.azure.*; the installer Microsoft's module downloads); none for custom clouds.
        /// </summary>
        internal static IReadOnlyList<(string Purpose, Uri Endpoint)> ArcEndpoints(HciEnvironment environment)
        {
            var (identity, extensions) = environment.Name switch
            {
                BuiltInEnvironments.AzureCloud or BuiltInEnvironments.AzureCanary => ("https://gbl.his.arc.azure.com/", "https://agentserviceapi.guestconfiguration.azure.com/"),
                BuiltInEnvironments.AzureUSGovernment => ("https://gbl.his.arc.azure.us/", "https://agentserviceapi.guestconfiguration.azure.us/"),
                BuiltInEnvironments.AzureChinaCloud => ("https://gbl.his.arc.azure.cn/", "https://agentserviceapi.guestconfiguration.azure.cn/"),
                _ => ((string?)null, (string?)null),
            };
            return identity is null
                ? Array.Empty<(string, Uri)>()
                : new[]
                {
                    ("metadata and hybrid identity", new Uri(identity)),
                    ("extensions and guest configuration", new Uri(extensions!)),
                    ("agent download", new Uri(Nodes.ArcAgentPaths.InstallerWebLink)),
                };
        }

        private static Uri Path(Uri root, string path) => new Uri(root.AbsoluteUri.TrimEnd('/') + "/" + path);
    }
}
