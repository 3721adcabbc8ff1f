using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Proxy;

/// <summary>
/// What corporate SSL inspection does: answers CONNECT, then ends the client's TLS itself with a certificate for the
/// host made by its own CA, opens TLS of its own to the target and relays the plaintext between the two. A client
/// that does not trust the inspection CA fails its handshake, as it would behind such a proxy.
/// </summary>
internal sealed class InspectingProxy(RequestJournal journal, InspectionCertificates certificates, X509Certificate2 labAuthority)
    : ProxyServer("inspecting", journal)
{
    public InspectionCertificates Certificates { get; } = certificates;

    /// <summary>TLS to the target first, so a target that is not the lab's answers the CONNECT with 502 and not a 200 that leads nowhere.</summary>
    protected override async Task<Stream> OpenUpstreamAsync(Socket upstream, ProxyTarget target, CancellationToken cancel)
    {
        var tls = new SslStream(new NetworkStream(upstream, ownsSocket: false));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = target.Host,
                // One protocol on both legs, or the relayed bytes would not match: HTTP/1.1, which every client offers.
                ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 },
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = ChainsToLabAuthority,
            }, cancel);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    protected override async Task<Stream> AcceptClientAsync(Stream client, ProxyTarget target, CancellationToken cancel)
    {
        var tls = new SslStream(client, leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = Certificates.For(target.Host),
                ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 },
            }, cancel);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>The target must show the lab's server certificate for the name asked for: its chain ends at the lab CA.</summary>
    private bool ChainsToLabAuthority(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 leaf || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var labChain = new X509Chain();
        labChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        labChain.ChainPolicy.CustomTrustStore.Add(labAuthority);
        labChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return labChain.Build(leaf);
    }
}
