using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Proxy;

/// <summary>
/// The lab's three proxies, for testing connectivity through one that works, one that wants credentials and one
/// that inspects TLS. Started before the services (they need nothing of theirs) and stopped after them.
/// </summary>
internal sealed class LabProxies : IAsyncDisposable
{
    public const string UserName = "proxyuser";

    private LabProxies(ProxyServer forwarding, ProxyServer authenticated, InspectingProxy inspecting)
    {
        Forwarding = forwarding;
        Authenticated = authenticated;
        Inspecting = inspecting;
    }

    public ProxyServer Forwarding { get; }

    public ProxyServer Authenticated { get; }

    public InspectingProxy Inspecting { get; }

    /// <summary>The password is new at every start: a test secret, written to lab.json for the tests.</summary>
    public static LabProxies Start(string root, LabCertificates certificates, RequestJournal journal)
    {
        var credential = new NetworkCredential(UserName, RandomNumberGenerator.GetHexString(24, lowercase: true));
        var proxies = new LabProxies(
            new ProxyServer("forwarding", journal),
            new ProxyServer("authenticated", journal, credential),
            new InspectingProxy(journal, InspectionCertificates.LoadOrCreate(root, certificates), certificates.Authority));
        foreach (var proxy in proxies.All)
        {
            proxy.Start();
        }

        return proxies;
    }

    /// <summary>lab.json's "proxies".</summary>
    public JsonObject ToJson() => new()
    {
        ["forwarding"] = Forwarding.Uri.AbsoluteUri,
        ["authenticated"] = new JsonObject
        {
            ["uri"] = Authenticated.Uri.AbsoluteUri,
            ["userName"] = Authenticated.Credential!.UserName,
            ["password"] = Authenticated.Credential.Password,
        },
        ["inspecting"] = new JsonObject
        {
            ["uri"] = Inspecting.Uri.AbsoluteUri,
            ["caCertificate"] = Inspecting.Certificates.CaPath,
            ["caBundle"] = Inspecting.Certificates.BundlePath,
        },
    };

    /// <summary>GET /proxies: lab.json's object and how many requests each proxy has had since the start.</summary>
    public JsonObject Status()
    {
        var status = ToJson();
        status["requestCounts"] = new JsonObject
        {
            [Forwarding.Name] = Forwarding.RequestCount,
            [Authenticated.Name] = Authenticated.RequestCount,
            [Inspecting.Name] = Inspecting.RequestCount,
        };
        return status;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in All)
        {
            await proxy.DisposeAsync();
        }
    }

    private IEnumerable<ProxyServer> All => new[] { Forwarding, Authenticated, Inspecting };
}
