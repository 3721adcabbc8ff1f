using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Az.StackHCI.Lab.Hosting;

/// <summary>
/// The lab's own CA and the server certificate every service presents (127.0.0.1 and localhost). Made at first
/// start and kept in the state folder, so clients that trusted the CA keep trusting a restarted lab.
/// </summary>
internal sealed class LabCertificates
{
    private LabCertificates(X509Certificate2 authority, X509Certificate2 server, string caPath, string bundlePath)
    {
        Authority = authority;
        Server = server;
        CaPath = caPath;
        BundlePath = bundlePath;
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public string CaPath { get; }

    /// <summary>System CAs plus the lab CA: what clients point SSL_CERT_FILE at.</summary>
    public string BundlePath { get; }

    public static LabCertificates LoadOrCreate(string root)
    {
        var caPfx = Path.Combine(root, "lab-ca.pfx");
        var serverPfx = Path.Combine(root, "lab-server.pfx");
        var caPem = Path.Combine(root, "lab-ca.pem");
        var bundle = Path.Combine(root, "ca-bundle.pem");
        X509Certificate2 authority, server;
        if (File.Exists(caPfx) && File.Exists(serverPfx))
        {
            authority = X509CertificateLoader.LoadPkcs12FromFile(caPfx, null, X509KeyStorageFlags.Exportable);
            server = X509CertificateLoader.LoadPkcs12FromFile(serverPfx, null, X509KeyStorageFlags.Exportable);
        }
        else
        {
            authority = CreateAuthority();
            server = CreateServer(authority);
            File.WriteAllBytes(caPfx, authority.Export(X509ContentType.Pkcs12));
            File.WriteAllBytes(serverPfx, server.Export(X509ContentType.Pkcs12));
        }

        File.WriteAllText(caPem, authority.ExportCertificatePem() + "\n");
        File.WriteAllText(bundle, SystemBundle() + authority.ExportCertificatePem() + "\n");
        return new LabCertificates(authority, server, caPem, bundle);
    }

    private static X509Certificate2 CreateAuthority()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Az.StackHCI Lab CA, O=Az.StackHCI Lab", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private static X509Certificate2 CreateServer(X509Certificate2 authority)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private static string SystemBundle()
    {
        foreach (var candidate in new[] { "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem" })
        {
            if (File.Exists(candidate))
            {
                var text = File.ReadAllText(candidate);
                return text.EndsWith('\n') ? text : text + "\n";
            }
        }

        return "";
    }
}
