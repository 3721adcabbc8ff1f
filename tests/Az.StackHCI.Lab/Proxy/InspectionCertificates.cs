using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Proxy;

/// <summary>
/// The TLS-inspecting proxy's CA, apart from the lab CA as a corporate one is from the public roots, and the leaf
/// certificates it makes on the fly for each host a client tunnels to. The CA is made at first start and kept in the
/// root (a client told to trust it keeps trusting a restarted lab); leaves live in memory, one per host.
/// </summary>
internal sealed class InspectionCertificates
{
    public const string AuthoritySubject = "CN=AzStackHCI Lab Inspection CA";

    private readonly ConcurrentDictionary<string, Lazy<SslStreamCertificateContext>> _leaves = new(StringComparer.OrdinalIgnoreCase);

    private InspectionCertificates(X509Certificate2 authority, string caPath, string bundlePath)
    {
        Authority = authority;
        CaPath = caPath;
        BundlePath = bundlePath;
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The inspection CA's certificate alone (PEM, no key).</summary>
    public string CaPath { get; }

    /// <summary>The lab's bundle plus the inspection CA: an SSL_CERT_FILE with which clients accept the inspection.</summary>
    public string BundlePath { get; }

    public static InspectionCertificates LoadOrCreate(string root, LabCertificates lab)
    {
        var pfx = Path.Combine(root, "inspection-ca.pfx");
        var pem = Path.Combine(root, "inspection-ca.pem");
        var bundle = Path.Combine(root, "inspection-ca-bundle.pem");
        X509Certificate2 authority;
        if (File.Exists(pfx))
        {
            authority = X509CertificateLoader.LoadPkcs12FromFile(pfx, null, X509KeyStorageFlags.Exportable);
        }
        else
        {
            authority = CreateAuthority();
            File.WriteAllBytes(pfx, authority.Export(X509ContentType.Pkcs12));
        }

        File.WriteAllText(pem, authority.ExportCertificatePem() + "\n");
        File.WriteAllText(bundle, File.ReadAllText(lab.BundlePath) + authority.ExportCertificatePem() + "\n");
        return new InspectionCertificates(authority, pem, bundle);
    }

    /// <summary>The leaf (with the CA as its chain) the proxy shows a client that tunnels to host.</summary>
    public SslStreamCertificateContext For(string host) =>
        _leaves.GetOrAdd(host, h => new Lazy<SslStreamCertificateContext>(() =>
            SslStreamCertificateContext.Create(CreateLeaf(h), new X509Certificate2Collection(Authority), offline: true))).Value;

    private static X509Certificate2 CreateAuthority()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(AuthoritySubject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>SANs: the host asked for (name or address), localhost and 127.0.0.1, as the lab's own server certificate.</summary>
    private X509Certificate2 CreateLeaf(string host)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + host.Replace(",", "\\,", StringComparison.Ordinal)),
            key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        var addresses = new HashSet<IPAddress> { IPAddress.Loopback };
        var dnsNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost" };
        if (IPAddress.TryParse(host, out var address))
        {
            addresses.Add(address);
        }
        else
        {
            dnsNames.Add(host);
        }

        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        foreach (var ip in addresses)
        {
            names.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, true, false));
        var notAfter = DateTimeOffset.UtcNow.AddYears(1) < Authority.NotAfter ? DateTimeOffset.UtcNow.AddYears(1) : new DateTimeOffset(Authority.NotAfter);
        using var signed = request.Create(Authority, DateTimeOffset.UtcNow.AddDays(-1), notAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
