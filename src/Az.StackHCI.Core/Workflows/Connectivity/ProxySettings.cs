using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Nodes;

namespace Az.StackHCI.Core.Workflows.Connectivity
{
    /// <summary>
    /// A node's three proxy settings, as Microsoft's proxy guide for Azure Stack HCI names them (configure-proxy-settings,
    /// 22H2 and 23H2): WinINet (Set-WinInetProxy; per machine when ProxySettingsPerUser is 0), WinHTTP (netsh winhttp
    /// set proxy, stored as WinHttpSettings) and the Machine environment variables the Arc agent reads (HTTPS_PROXY,
    /// HTTP_PROXY, NO_PROXY). Read from the registry, where each is kept, so no text output in the node's language is
    /// parsed.
    /// </summary>
    internal sealed class ProxySettings
    {
        internal const string WinInetPolicyKey = @"HKLM:\Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings";
        internal const string WinInetMachineKey = @"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings";
        internal const string WinInetUserKey = @"HKCU:\Software\Microsoft\Windows\CurrentVersion\Internet Settings";
        internal const string WinHttpKey = @"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections";
        internal const string EnvironmentKey = @"HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment";

        public string? WinInet { get; set; }

        public string? WinInetBypass { get; set; }

        /// <summary>True when WinINet is set per machine (Set-WinInetProxy -ProxySettingsPerUser 0), as Microsoft's guide asks.</summary>
        public bool WinInetPerMachine { get; set; }

        public string? WinHttp { get; set; }

        public string? WinHttpBypass { get; set; }

        public string? HttpsProxy { get; set; }

        public string? HttpProxy { get; set; }

        public string? NoProxy { get; set; }

        public static async Task<ProxySettings> ReadAsync(INodeSession node, CancellationToken cancellationToken)
        {
            var policy = await NodeNetworkCommands.ReadRegistryKeyAsync(node, WinInetPolicyKey, cancellationToken).ConfigureAwait(false);
            var perMachine = Number(policy, "ProxySettingsPerUser") == 0;
            var winInet = await NodeNetworkCommands.ReadRegistryKeyAsync(node, perMachine ? WinInetMachineKey : WinInetUserKey, cancellationToken).ConfigureAwait(false);
            var winHttp = await NodeNetworkCommands.ReadRegistryKeyAsync(node, WinHttpKey, cancellationToken).ConfigureAwait(false);
            var environment = await NodeNetworkCommands.ReadRegistryKeyAsync(node, EnvironmentKey, cancellationToken).ConfigureAwait(false);
            var (winHttpProxy, winHttpBypass) = DecodeWinHttp(Bytes(winHttp, "WinHttpSettings"));
            var enabled = Number(winInet, "ProxyEnable") == 1;
            return new ProxySettings
            {
                WinInetPerMachine = perMachine,
                WinInet = enabled ? Text(winInet, "ProxyServer") : null,
                WinInetBypass = enabled ? Text(winInet, "ProxyOverride") : null,
                WinHttp = winHttpProxy,
                WinHttpBypass = winHttpBypass,
                HttpsProxy = Text(environment, "HTTPS_PROXY"),
                HttpProxy = Text(environment, "HTTP_PROXY"),
                NoProxy = Text(environment, "NO_PROXY"),
            };
        }

        /// <summary>
        /// WinHttpSettings as netsh winhttp writes it: DWORD size, DWORD counter, DWORD flags (1 direct, 3 proxy), then
        /// the proxy and the bypass list, each a DWORD length and ASCII text. Direct access: (null, null).
        /// </summary>
        internal static (string? Proxy, string? Bypass) DecodeWinHttp(byte[]? settings)
        {
            if (settings is null || settings.Length < 16 || (BitConverter.ToInt32(settings, 8) & 2) == 0)
            {
                return (null, null);
            }

            var offset = 12;
            string? Next()
            {
                if (offset + 4 > settings.Length)
                {
                    return null;
                }

                var length = BitConverter.ToInt32(settings, offset);
                offset += 4;
                if (length <= 0 || offset + length > settings.Length)
                {
                    return null;
                }

                var text = Encoding.ASCII.GetString(settings, offset, length);
                offset += length;
                return text;
            }

            return (Next(), Next());
        }

        /// <summary>"http://Proxy.Contoso.Example:8080/" → "proxy.contoso.example:8080"; WinINet's "https=host:port;http=…" → the https one.</summary>
        internal static string? Normalize(string? proxy)
        {
            if (string.IsNullOrWhiteSpace(proxy))
            {
                return null;
            }

            var value = proxy!.Trim();
            if (value.Contains("="))
            {
                var entries = value.Split(';').Select(e => e.Split(new[] { '=' }, 2)).Where(e => e.Length == 2).ToList();
                value = (entries.FirstOrDefault(e => e[0].Trim().Equals("https", StringComparison.OrdinalIgnoreCase)) ?? entries.FirstOrDefault())?[1] ?? value;
            }

            return Regex.Replace(value.Trim(), @"^[a-z][a-z0-9+.\-]*://", "", RegexOptions.IgnoreCase).TrimEnd('/').ToLowerInvariant();
        }

        /// <summary>The proxy WinINet (what Invoke-WebRequest on the node uses) sends <paramref name="target"/> to, or null for direct.</summary>
        public Uri? WinInetProxyFor(Uri target)
        {
            var proxy = Normalize(WinInet);
            if (proxy is null || Bypassed(target.Host, WinInetBypass))
            {
                return null;
            }

            return Uri.TryCreate("http://" + proxy, UriKind.Absolute, out var uri) ? uri : null;
        }

        /// <summary>WinINet's ProxyOverride: ';'-separated hosts with '*' wildcards; &lt;local&gt; is any name without a dot.</summary>
        internal static bool Bypassed(string host, string? bypass) =>
            (bypass ?? "").Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()).Any(entry =>
                entry.Equals("<local>", StringComparison.OrdinalIgnoreCase)
                    ? !host.Contains(".")
                    : Regex.IsMatch(host, "^" + Regex.Escape(entry).Replace(@"\*", ".*") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));

        /// <summary>The proxy each of the three names, for side-by-side comparison ("direct" when unset).</summary>
        public IReadOnlyDictionary<string, string> Servers => new Dictionary<string, string>
        {
            ["WinINet"] = Normalize(WinInet) ?? "direct",
            ["WinHTTP"] = Normalize(WinHttp) ?? "direct",
            ["HTTPS_PROXY"] = Normalize(HttpsProxy) ?? "direct",
        };

        /// <summary>Why this node's three settings disagree with one another; null when they agree.</summary>
        public string? Disagreement()
        {
            var servers = Servers;
            return servers.Values.Distinct().Count() == 1
                ? null
                : "The proxy settings differ: " + string.Join(", ", servers.Select(s => $"{s.Key} {s.Value}")) + ".";
        }

        public string Describe() =>
            string.Join("; ", new[]
            {
                $"WinINet {Normalize(WinInet) ?? "direct"}{(WinInet is null ? "" : WinInetPerMachine ? " (per machine)" : " (per user)")}{Bypass(WinInetBypass)}",
                $"WinHTTP {Normalize(WinHttp) ?? "direct"}{Bypass(WinHttpBypass)}",
                $"HTTPS_PROXY {Normalize(HttpsProxy) ?? "not set"}{(NoProxy is null ? "" : $" (NO_PROXY {NoProxy})")}",
            });

        /// <summary>The settings by name, for the result's data and the report.</summary>
        public IReadOnlyDictionary<string, string> ToData() => new Dictionary<string, string?>
        {
            ["WinINet"] = WinInet, ["WinINetBypass"] = WinInetBypass, ["WinINetPerMachine"] = WinInet is null ? null : WinInetPerMachine.ToString(),
            ["WinHTTP"] = WinHttp, ["WinHTTPBypass"] = WinHttpBypass, ["HTTPS_PROXY"] = HttpsProxy, ["HTTP_PROXY"] = HttpProxy, ["NO_PROXY"] = NoProxy,
        }.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!);

        private static string Bypass(string? bypass) => string.IsNullOrEmpty(bypass) ? "" : $" (bypass {bypass})";

        private static string? Text(IReadOnlyDictionary<string, JsonElement>? values, string name) =>
            values is not null && values.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

        private static int? Number(IReadOnlyDictionary<string, JsonElement>? values, string name) =>
            values is not null && values.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : (int?)null;

        private static byte[]? Bytes(IReadOnlyDictionary<string, JsonElement>? values, string name) =>
            values is not null && values.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Array
                ? value.EnumerateArray().Select(b => b.TryGetByte(out var x) ? x : (byte)0).ToArray()
                : null;
    }
}
