using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Az.StackHCI.Core.Nodes
{
    /// <summary>What a node was shown for an HTTPS endpoint: its certificate chain, leaf first, and whether it trusted it.</summary>
    internal sealed class CertificateChain
    {
        public CertificateChain(IReadOnlyList<(string Subject, string Issuer, string Thumbprint)> elements, bool trusted, string? error)
        {
            Elements = elements;
            Trusted = trusted;
            Error = error;
        }

        public IReadOnlyList<(string Subject, string Issuer, string Thumbprint)> Elements { get; }

        public bool Trusted { get; }

        /// <summary>Why the TLS handshake failed, when it did.</summary>
        public string? Error { get; }

        /// <summary>The certificate the chain ends at: the root when it could be built, else whoever issued the last one shown.</summary>
        public string Top => Elements.Count == 0 ? "" : Elements[Elements.Count - 1].Issuer;
    }

    /// <summary>
    /// The node calls of the connectivity check: DNS, registry values that hold the proxy settings, HTTPS probes and
    /// certificate chains, each as the node itself makes it (its resolver, its proxy, its trusted roots).
    /// </summary>
    internal static class NodeNetworkCommands
    {
        /// <summary>Resolve-DnsName -Name host -Type A -DnsOnly (DnsClient): the addresses, or the node's error.</summary>
        public static async Task<(IReadOnlyList<string> Addresses, string? Error)> ResolveAsync(INodeSession node, string host, CancellationToken cancellationToken)
        {
            var result = await NodeCommands.Invoke(node, "Resolve-DnsName",
                new Dictionary<string, object?> { ["Name"] = host, ["Type"] = "A", ["DnsOnly"] = true }, cancellationToken).ConfigureAwait(false);
            var addresses = NodeCommands.Objects(result).Select(r => NodeCommands.String(r, "IPAddress")).Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToList();
            return result.Succeeded && addresses.Count > 0
                ? (addresses, null)
                : (addresses, result.Succeeded ? "No address records." : string.Join(" ", result.Errors.Select(e => e.Message)));
        }

        /// <summary>
        /// A registry key's values (Get-ItemProperty -Path, only the catalogue's selected names), or null when the key
        /// does not exist on the node.
        /// </summary>
        public static async Task<IReadOnlyDictionary<string, JsonElement>?> ReadRegistryKeyAsync(INodeSession node, string path, CancellationToken cancellationToken)
        {
            var result = await NodeCommands.Invoke(node, "Get-ItemProperty", new Dictionary<string, object?> { ["Path"] = path }, cancellationToken).ConfigureAwait(false);
            if (result.Errors.Any(e => e.ErrorId.StartsWith("PathNotFound", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            if (!result.Succeeded)
            {
                throw new NodeCommandException(node.ComputerName, "Get-ItemProperty", result.Errors);
            }

            var values = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in NodeCommands.Objects(result).Where(o => o.ValueKind == JsonValueKind.Object).SelectMany(o => o.EnumerateObject()))
            {
                if (property.Value.ValueKind != JsonValueKind.Null)
                {
                    values[property.Name] = property.Value;
                }
            }

            return values;
        }

        /// <summary>
        /// An HTTPS GET made by the node itself (Invoke-WebRequest: the node's own WinINet proxy, or the one given):
        /// whether the endpoint answered as it should, the detail, and how long it took. <paramref name="anyAnswer"/>:
        /// any HTTP status counts (the endpoint was reached), for endpoints with no health path.
        /// </summary>
        public static async Task<(bool Succeeded, string Detail, TimeSpan Elapsed)> ProbeAsync(INodeSession node, Uri uri, Uri? proxy, NetworkCredential? proxyCredential, bool anyAnswer, CancellationToken cancellationToken)
        {
            var parameters = new Dictionary<string, object?>
            {
                ["Uri"] = uri.AbsoluteUri, ["UseBasicParsing"] = true, ["TimeoutSec"] = 30, ["Method"] = "Get",
                ["Proxy"] = proxy?.AbsoluteUri, ["ProxyCredential"] = proxyCredential,
            };
            var result = await NodeCommands.Invoke(node, "Invoke-WebRequest", parameters, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                // Windows PowerShell and pwsh both report an HTTP error status under this id: the endpoint answered.
                var answered = result.Errors.All(e => e.ErrorId.StartsWith("WebCmdletWebResponseException", StringComparison.OrdinalIgnoreCase));
                var detail = string.Join(" ", result.Errors.Select(e => e.Message));
                return (anyAnswer && answered, anyAnswer && answered ? "Reached: " + detail : detail, result.Elapsed);
            }

            var status = NodeCommands.Objects(result).Where(o => o.ValueKind == JsonValueKind.Object).Select(o => NodeCommands.String(o, "StatusCode")).FirstOrDefault();
            return status is "200" || (anyAnswer && status is not null) ? (true, $"HTTP {status}", result.Elapsed) : (false, $"HTTP {status ?? "(no response)"}", result.Elapsed);
        }

        /// <summary>The chain the node is shown for <paramref name="uri"/> (the module's Get-AzStackHCICertificateChain on the node).</summary>
        public static async Task<CertificateChain> GetCertificateChainAsync(INodeSession node, Uri uri, Uri? proxy, NetworkCredential? proxyCredential, CancellationToken cancellationToken)
        {
            var result = await NodeCommands.Invoke(node, "Get-AzStackHCICertificateChain", new Dictionary<string, object?>
            {
                ["Uri"] = uri.AbsoluteUri, ["Proxy"] = proxy?.AbsoluteUri, ["ProxyCredential"] = proxyCredential, ["TimeoutSec"] = 30,
            }, cancellationToken).ConfigureAwait(false);
            var found = NodeCommands.Objects(result).FirstOrDefault(o => o.ValueKind == JsonValueKind.Object);
            if (!result.Succeeded || found.ValueKind != JsonValueKind.Object)
            {
                throw new NodeCommandException(node.ComputerName, "Get-AzStackHCICertificateChain", result.Errors);
            }

            var elements = found.TryGetProperty("Chain", out var chain) && chain.ValueKind == JsonValueKind.Array
                ? chain.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
                    .Select(e => (NodeCommands.String(e, "Subject") ?? "", NodeCommands.String(e, "Issuer") ?? "", NodeCommands.String(e, "Thumbprint") ?? "")).ToList()
                : new List<(string, string, string)>();
            return new CertificateChain(elements, NodeCommands.String(found, "Trusted") == "true", NodeCommands.String(found, "Error"));
        }
    }
}
