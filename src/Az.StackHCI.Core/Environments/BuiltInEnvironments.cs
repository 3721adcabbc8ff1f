using System;
using System.Collections.Generic;

namespace Az.StackHCI.Core.Environments
{
    /// <summary>
    /// The clouds Microsoft's module knows by name, with the endpoints its 2.x releases use
    /// (behaviour reference §1.6 and wire protocols §5).
    /// </summary>
    public static class BuiltInEnvironments
    {
        public const string AzureCloud = "AzureCloud";
        public const string AzureChinaCloud = "AzureChinaCloud";
        public const string AzureUSGovernment = "AzureUSGovernment";
        public const string AzurePPE = "AzurePPE";
        public const string AzureCanary = "AzureCanary";

        /// <summary>Azure's own clouds (public, canary, China, US Government), whose endpoints chain to Azure's published roots.</summary>
        public static bool IsAzure(string name) =>
            name == AzureCloud || name == AzureCanary || name == AzureChinaCloud || name == AzureUSGovernment;

        public static IReadOnlyList<HciEnvironment> All { get; } = new[]
        {
            Create(AzureCloud, "https://management.azure.com/", "https://management.core.windows.net/",
                "https://login.microsoftonline.com/", "https://graph.microsoft.com/", "https://dp.stackhci.azure.com/",
                "https://azurestackhci-usage.trafficmanager.net/.default", "https://portal.azure.com/", "eastus"),
            Create(AzureChinaCloud, "https://management.chinacloudapi.cn/", "https://management.core.chinacloudapi.cn/",
                "https://login.partner.microsoftonline.cn/", "https://microsoftgraph.chinacloudapi.cn/", "https://dp.stackhci.azure.cn/",
                "1322e676-dee7-41ee-a874-ac923822781c/.default", "https://portal.azure.cn/", "chinaeast2"),
            Create(AzureUSGovernment, "https://management.usgovcloudapi.net/", "https://management.core.usgovcloudapi.net/",
                "https://login.microsoftonline.us/", "https://graph.microsoft.us/", "https://dp.azurestackhci.azure.us/",
                "https://dp.azurestackhci.azure.us/.default", "https://portal.azure.us/", "usgovvirginia"),
            Create(AzurePPE, "https://api-dogfood.resources.windows-int.net/", "https://management.core.windows.net/",
                "https://login.windows-ppe.net/", "https://graph.ppe.windows.net/", "https://azurestackhci-df.azurefd.net/",
                "https://azurestackhci-usage-df.azurewebsites.net/.default", "https://df.onecloud.azure-test.net/", "westus"),
            // Canary is the public cloud reached through the canary region's ARM front door.
            Create(AzureCanary, "https://eastus2euap.management.azure.com/", "https://management.core.windows.net/",
                "https://login.microsoftonline.com/", "https://graph.microsoft.com/", "https://dp.stackhci.azure.com/",
                "https://azurestackhci-usage.trafficmanager.net/.default",
                "https://portal.azure.com/?feature.armendpointprefix=eastus2euap", "eastus2euap"),
        };

        private static HciEnvironment Create(string name, string arm, string armAudience, string authority, string graph,
            string hci, string billingScope, string portal, string region) =>
            new HciEnvironment(name, new Uri(arm), armAudience, new Uri(authority), new Uri(graph), new Uri(hci),
                billingScope, new Uri(portal), region, isBuiltIn: true);
    }
}
