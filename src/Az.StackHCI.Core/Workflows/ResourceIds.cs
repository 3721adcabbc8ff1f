using System;
using System.Text.RegularExpressions;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>Resource ids, names and regions as ARM spells and checks them.</summary>
    internal static class ResourceIds
    {
        public const string HciNamespace = "Microsoft.AzureStackHCI";

        /// <summary>The tag the module puts on resource groups it creates, and only deletes groups that carry it.</summary>
        public const string CreatedByTag = "CreatedBy";
        public const string CreatedByValue = "4C02703C-F5D0-44B0-ADC3-4ED5C2839E61";

        private static readonly Regex ResourceGroupName = new Regex(@"^[-\w\._\(\)]{1,90}$", RegexOptions.CultureInvariant);

        public static string Subscription(string subscriptionId) => $"/subscriptions/{subscriptionId}";

        public static string ResourceGroup(string subscriptionId, string resourceGroup) => $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}";

        public static string Cluster(string subscriptionId, string resourceGroup, string name) =>
            $"{ResourceGroup(subscriptionId, resourceGroup)}/providers/{HciNamespace}/clusters/{name}";

        public static bool IsValidResourceGroupName(string name) => ResourceGroupName.IsMatch(name) && !name.EndsWith(".", StringComparison.Ordinal);

        /// <summary>"East US 2" → "eastus2", as ARM compares locations.</summary>
        public static string NormalizeRegion(string region) => Regex.Replace(region, @"\s", "").ToLowerInvariant();

        /// <summary>The segments of /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/clusters/{name}, or null.</summary>
        public static (string SubscriptionId, string ResourceGroup, string Name)? ParseCluster(string? id)
        {
            var parts = (id ?? "").Trim('/').Split('/');
            return parts.Length >= 8 && parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
                && parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)
                ? (parts[1], parts[3], parts[7])
                : ((string, string, string)?)null;
        }
    }
}
