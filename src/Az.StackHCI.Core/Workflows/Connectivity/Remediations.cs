using System;

namespace Az.StackHCI.Core.Workflows.Connectivity
{
    /// <summary>What to do about each kind of failed check, with the page of Microsoft's docs that explains it.</summary>
    internal static class Remediations
    {
        internal const string FirewallPage = "https://learn.microsoft.com/azure-stack/hci/concepts/firewall-requirements";
        internal const string ProxyPage = "https://learn.microsoft.com/azure-stack/hci/manage/configure-proxy-settings";
        internal const string ProxyInspectionPage = "https://learn.microsoft.com/azure-stack/hci/manage/configure-proxy-settings-23h2";
        internal const string ArcPage = "https://learn.microsoft.com/azure/azure-arc/servers/network-requirements";

        public static string Firewall(Uri endpoint) =>
            $"Allow outbound HTTPS (port 443) from the node to {endpoint.Host} in the firewall and in the proxy, and check the node's proxy settings (see the proxy row): {FirewallPage}";

        public static string Arc(Uri endpoint) =>
            $"Allow outbound HTTPS from the node to {endpoint.Host}, which the Azure Connected Machine agent needs, in the firewall and in the proxy (the agent uses HTTPS_PROXY): {ArcPage}";

        public static string Dns(string host) =>
            $"Make the node's DNS servers resolve {host} (Get-DnsClientServerAddress lists them; a split-horizon or private zone may hide the name): {FirewallPage}";

        public const string ProxySettings =
            "Configure one proxy for all three on every node: WinINet (Set-WinInetProxy -ProxySettingsPerUser 0 -ProxyServer … -ProxyBypass …), " +
            "WinHTTP (netsh winhttp set proxy …) and the Machine environment variables HTTPS_PROXY, HTTP_PROXY and NO_PROXY (for the Arc agent), " +
            "each with its own bypass syntax: " + ProxyPage;

        public const string TlsInspection =
            "Exclude the Azure Stack HCI and Azure Arc endpoints from TLS (SSL) inspection on the proxy or firewall: the nodes sign in with certificates " +
            "that a re-signed connection breaks. " + ProxyInspectionPage;

        public const string NotChecked = "Fix the node's connection first (see the rows that test the endpoints).";

        public const string Clock = "Synchronize the node's clock (w32tm /resync, or its NTP source): Azure refuses tokens the node signs with a clock more than 5 minutes off (AADSTS700027).";
    }
}
