using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// The lab's proxies as a connectivity checker meets them, through HttpClient's own proxy support: one that forwards,
/// one that wants Basic credentials, one that inspects TLS with a CA the client does not trust, and none of them
/// reaching beyond the loopback.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ProxyTests(LabFixture lab) : IAsyncLifetime
{
    private JsonNode Proxies => lab.Json["proxies"]!;

    private Uri Metadata => new(lab.Arm, "metadata/endpoints?api-version=2022-09-01");

    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_forwarding_proxy_tunnels_to_ARM_and_the_journal_has_the_CONNECT()
    {
        using var http = Client(new WebProxy(Uri("forwarding")));

        using var response = await http.GetAsync(Metadata);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty((await response.Content.ReadFromJsonAsync<JsonArray>())!);
        var connect = Assert.Single(ProxyEntries("forwarding"));
        Assert.Equal("CONNECT", connect["method"]!.GetValue<string>());
        Assert.Equal($"{lab.Arm.Host}:{lab.Arm.Port}", connect["path"]!.GetValue<string>());
        Assert.Equal(200, connect["status"]!.GetValue<int>());
        Assert.Contains(lab.Journal(), e => e["service"]!.GetValue<string>() == "arm" && e["path"]!.GetValue<string>() == "/metadata/endpoints");
    }

    [Fact]
    public async Task The_proxy_URIs_name_localhost_and_the_proxies_listen_on_both_loopback_addresses()
    {
        foreach (var uri in new[] { Uri("forwarding"), Uri("authenticated"), Uri("inspecting") })
        {
            Assert.Equal("localhost", uri.Host);
            foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(address, uri.Port);
            }
        }
    }

    [Fact]
    public async Task The_authenticated_proxy_answers_407_without_credentials_and_tunnels_with_them()
    {
        using var anonymous = Client(new WebProxy(Uri("authenticated")));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync(Metadata));
        Assert.Equal(HttpStatusCode.ProxyAuthenticationRequired, refused.StatusCode);

        var proxy = Proxies["authenticated"]!;
        using var signedIn = Client(new WebProxy(Uri("authenticated"))
        {
            Credentials = new NetworkCredential(proxy["userName"]!.GetValue<string>(), proxy["password"]!.GetValue<string>()),
        });
        using var response = await signedIn.GetAsync(Metadata);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = ProxyEntries("authenticated");
        Assert.Contains(entries, e => e["status"]!.GetValue<int>() == 407 && e["principal"] is null);
        Assert.Equal("proxyuser", entries.Single(e => e["status"]!.GetValue<int>() == 200)["principal"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_authenticated_proxy_refuses_a_wrong_password()
    {
        using var http = Client(new WebProxy(Uri("authenticated")) { Credentials = new NetworkCredential("proxyuser", "not-the-password") });

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(Metadata));

        Assert.Equal(HttpStatusCode.ProxyAuthenticationRequired, refused.StatusCode);
    }

    [Fact]
    public async Task The_inspecting_proxy_fails_TLS_for_a_client_that_trusts_the_lab_CA_only()
    {
        using var http = Client(new WebProxy(Uri("inspecting")));

        var failed = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(Metadata));

        Assert.Equal(HttpRequestError.SecureConnectionError, failed.HttpRequestError);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(failed.InnerException);
        Assert.Equal(200, Assert.Single(ProxyEntries("inspecting"))["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_inspecting_proxy_shows_a_certificate_of_its_own_CA_and_relays_to_ARM()
    {
        using var inspectionCa = X509CertificateLoader.LoadCertificateFromFile(Proxies["inspecting"]!["caCertificate"]!.GetValue<string>());
        string? issuer = null;
        var chainSubjects = new List<string>();
        var handler = new SocketsHttpHandler { Proxy = new WebProxy(Uri("inspecting")), UseProxy = true };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            var leaf = (X509Certificate2)certificate!;
            issuer = leaf.Issuer;
            // What a client told to trust the inspection CA does: the leaf chains to it (the proxy sends no root).
            using var trusted = new X509Chain();
            trusted.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            trusted.ChainPolicy.CustomTrustStore.Add(inspectionCa);
            trusted.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var built = trusted.Build(leaf);
            chainSubjects.AddRange(trusted.ChainElements.Select(e => e.Certificate.Subject));
            return built;
        };
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(Metadata);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=AzStackHCI Lab Inspection CA", issuer);
        Assert.Equal(new[] { $"CN={lab.Arm.Host}", "CN=AzStackHCI Lab Inspection CA" }, chainSubjects);
        Assert.Contains(lab.Journal(), e => e["service"]!.GetValue<string>() == "arm" && e["path"]!.GetValue<string>() == "/metadata/endpoints");
    }

    [Fact]
    public async Task A_target_beyond_the_loopback_is_refused_with_403()
    {
        using var http = Client(new WebProxy(Uri("forwarding")));

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("https://management.azure.com/metadata/endpoints?api-version=2022-09-01"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var entry = Assert.Single(ProxyEntries("forwarding"));
        Assert.Equal("management.azure.com:443", entry["path"]!.GetValue<string>());
        Assert.Equal(403, entry["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_plain_http_request_is_forwarded_in_origin_form_without_the_proxy_credentials()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = ServeOnceAsync(listener);
        var proxy = Proxies["authenticated"]!;
        using var http = Client(new WebProxy(Uri("authenticated"))
        {
            Credentials = new NetworkCredential(proxy["userName"]!.GetValue<string>(), proxy["password"]!.GetValue<string>()),
        });

        var body = await http.GetStringAsync($"http://127.0.0.1:{port}/hello?x=1");

        Assert.Equal("hello", body);
        var head = await served;
        Assert.StartsWith("GET /hello?x=1 HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.DoesNotContain("Proxy-Authorization", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ProxyEntries("authenticated"), e => e["method"]!.GetValue<string>() == "GET"
            && e["path"]!.GetValue<string>() == $"http://127.0.0.1:{port}/hello?x=1" && e["status"]!.GetValue<int>() == 200);
    }

    [Fact]
    public async Task The_control_API_lists_the_proxies_with_their_request_counts()
    {
        using (var http = Client(new WebProxy(Uri("forwarding"))))
        {
            (await http.GetAsync(Metadata)).EnsureSuccessStatusCode();
        }

        var proxies = (await lab.Control.GetFromJsonAsync<JsonObject>("proxies"))!;

        Assert.Equal(Proxies["forwarding"]!.GetValue<string>(), proxies["forwarding"]!.GetValue<string>());
        Assert.Equal(Proxies["inspecting"]!["caCertificate"]!.GetValue<string>(), proxies["inspecting"]!["caCertificate"]!.GetValue<string>());
        Assert.True(proxies["requestCounts"]!["forwarding"]!.GetValue<long>() >= 1);
    }

    private Uri Uri(string proxy) =>
        new((Proxies[proxy] is JsonObject detail ? detail["uri"] : Proxies[proxy])!.GetValue<string>());

    private static HttpClient Client(IWebProxy proxy) => new(new SocketsHttpHandler { Proxy = proxy, UseProxy = true });

    private List<JsonObject> ProxyEntries(string proxy) =>
        lab.Journal().Where(e => e["service"]!.GetValue<string>() == "proxy" && e["proxy"]!.GetValue<string>() == proxy).ToList();

    /// <summary>One plain HTTP answer; returns the request head the proxy sent on.</summary>
    private static async Task<string> ServeOnceAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"u8.ToArray());
        return head.ToString();
    }
}
