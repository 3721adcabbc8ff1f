using System;
using System.Collections.Generic;
using System.Linq;
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
            if (!node.Trusted)
            {
                return (true, $"The node does not trust the certificate it is shown: {node.Error} A TLS-inspecting proxy (or a root the node lacks) is the usual cause.");
            }

            var shown = $"issued by {Name(node.Elements.FirstOrDefault().Issuer)}, chain ending at {Name(node.Top)}";
            if (expectedRoots is not null && !node.Elements.Any(e => expectedRoots.Any(root => Name(e.Issuer).Equals(root, StringComparison.OrdinalIgnoreCase))))
            {
                return (true, $"The node is shown a certificate {shown}, which is none of the roots Azure uses: SSL decryption and re-encryption detected.");
            }

            if (here is not null && here.Elements.Count > 0 && !string.Equals(Name(here.Top), Name(node.Top), StringComparison.OrdinalIgnoreCase))
            {
                return (true, $"The node is shown a certificate {shown}; this computer is shown one ending at {Name(here.Top)}: something between the node and the endpoint re-signs TLS.");
            }

            return (false, $"Chain ending at {Name(node.Top)}, trusted.");
        }

        /// <summary>The CN of a distinguished name ("CN=DigiCert Global Root G2, OU=…" → "DigiCert Global Root G2").</summary>
        internal static string Name(string? distinguishedName)
        {
            var text = distinguishedName ?? "";
            var cn = text.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase));
            return cn is null ? text : cn.Substring(3);
        }

        /// <summary>
        /// The chain this computer trusts for <paramref name="uri"/> (a direct TLS connection with the platform's own
        /// validation, then the chain built for the certificate it was shown), or null when it cannot reach or trust it.
        /// </summary>
        public static async Task<CertificateChain?> ReadHereAsync(Uri uri, CancellationToken cancellationToken)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                using var abandon = timeout.Token.Register(client.Dispose);
                await client.ConnectAsync(uri.DnsSafeHost, uri.Port).ConfigureAwait(false);
                using var ssl = new SslStream(client.GetStream(), false);
                await ssl.AuthenticateAsClientAsync(uri.DnsSafeHost).ConfigureAwait(false);
                using var leaf = new System.Security.Cryptography.X509Certificates.X509Certificate2(ssl.RemoteCertificate!);
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.Build(leaf);
                var elements = chain.ChainElements.Cast<System.Security.Cryptography.X509Certificates.X509ChainElement>()
                    .Select(e => (e.Certificate.Subject, e.Certificate.Issuer, e.Certificate.Thumbprint)).ToList();
                return new CertificateChain(elements, true, null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is System.Net.Sockets.SocketException || ex is System.IO.IOException || ex is ObjectDisposedException || ex is System.Security.Authentication.AuthenticationException))
            {
                return null;
            }
        }
    }
}
