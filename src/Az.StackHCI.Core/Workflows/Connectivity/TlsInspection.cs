using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Nodes;

namespace Az.StackHCI.Core.Workflows.Connectivity
{
    /// <summary>
    /// TLS inspection found the way Microsoft's Environment Checker finds it (its Test-RootCA: a chain that ends at none
    /// of the roots Azure uses means "SSL decryption and re-encryption detected"), and, for any cloud, by comparing the
    /// chain a node is shown with the one this computer is shown for the same endpoint.
    /// </summary>
    internal static class TlsInspection
    {
        /// <summary>The roots Azure's public, China and US Government endpoints chain to (learn.microsoft.com azure-ca-details).</summary>
        internal static readonly IReadOnlyList<string> AzureRoots = new[]
        {
            "DigiCert Global Root G2", "DigiCert Global Root G3", "DigiCert Global Root CA",
            "Microsoft RSA Root Certificate Authority 2017", "Microsoft ECC Root Certificate Authority 2017", "Baltimore CyberTrust Root",
        };

        /// <summary>
        /// Whether <paramref name="node"/>'s chain shows inspection: it ends at none of <paramref name="expectedRoots"/>
        /// (when the cloud's roots are known), or at another certificate than the one this computer was shown.
        /// </summary>
        public static (bool Inspected, string Detail) Judge(CertificateChain node, CertificateChain? here, IReadOnlyList<string>? expectedRoots)
        {
            var shown = $"issued by {Name(node.Elements.FirstOrDefault().Issuer)}, chain ending at {Name(node.Top)}{(node.Trusted ? "" : ", not trusted by the node")}";
            if (expectedRoots is not null && !node.Elements.Any(e => expectedRoots.Any(root => Name(e.Issuer).Equals(root, StringComparison.OrdinalIgnoreCase))))
            {
                return (true, $"The node is shown a certificate {shown}, which is none of the roots Azure uses: SSL decryption and re-encryption detected.");
            }

            if (here is not null && here.Elements.Count > 0 && !string.Equals(Name(here.Top), Name(node.Top), StringComparison.OrdinalIgnoreCase))
            {
                return (true, $"The node is shown a certificate {shown}; this computer is shown one ending at {Name(here.Top)}: something between the node and the endpoint re-signs TLS.");
            }

            return node.Trusted
                ? (false, $"Chain ending at {Name(node.Top)}, trusted.")
                : (true, $"The node does not trust the certificate it is shown ({shown}): {node.Error}");
        }

        /// <summary>The CN of a distinguished name ("CN=DigiCert Global Root G2, OU=…" → "DigiCert Global Root G2").</summary>
        internal static string Name(string? distinguishedName)
        {
            var text = distinguishedName ?? "";
            var cn = text.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase));
            return cn is null ? text : cn.Substring(3);
        }

        /// <summary>
        /// The chain this computer is shown for <paramref name="uri"/>, through its own proxy settings, or null when it
        /// cannot reach it. Validation stays on: the callback only records what it was shown and keeps the verdict.
        /// </summary>
        public static async Task<CertificateChain?> ReadHereAsync(Uri uri, CancellationToken cancellationToken)
        {
            var elements = new List<(string, string, string)>();
            var trusted = false;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, _, chain, errors) =>
                {
                    lock (elements)
                    {
                        elements.Clear();
                        elements.AddRange(chain?.ChainElements.Cast<System.Security.Cryptography.X509Certificates.X509ChainElement>()
                            .Select(e => (e.Certificate.Subject, e.Certificate.Issuer, e.Certificate.Thumbprint)) ?? Enumerable.Empty<(string, string, string)>());
                    }

                    trusted = errors == SslPolicyErrors.None;
                    return trusted;
                },
            };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
            string? error = null;
            try
            {
                using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, uri), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                error = ex.GetBaseException().Message;
            }

            lock (elements)
            {
                return elements.Count == 0 ? null : new CertificateChain(elements.ToList(), trusted, error);
            }
        }
    }
}
