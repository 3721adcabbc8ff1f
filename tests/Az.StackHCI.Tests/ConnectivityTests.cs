using System.Text.Json;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Connectivity;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>Test-AzStackHCIConnection's endpoints, proxy settings and TLS verdicts, and the whole check against fake nodes.</summary>
public sealed class ConnectivityTests
{
    private static HciEnvironment Cloud(string name) => BuiltInEnvironments.All.Single(e => e.Name == name);

    [Fact]
    public void The_docs_endpoints_are_tested_and_canary_regions_use_the_canary_service()
    {
        var endpoints = ConnectivityTargets.For(Cloud(BuiltInEnvironments.AzureCloud), null, includeArc: false);
        var canary = ConnectivityTargets.For(Cloud(BuiltInEnvironments.AzureCloud), "East US 2 EUAP", includeArc: false);

        Assert.Equal("https://dp.stackhci.azure.com/health", endpoints[0].Endpoint.AbsoluteUri);
        Assert.Equal("https://canary.dp.stackhci.azure.com/health", canary[0].Endpoint.AbsoluteUri);
        Assert.Contains(endpoints, e => e.Endpoint.Host == "login.microsoftonline.com" && e.Required && e.CheckTls);
        Assert.Contains(endpoints, e => e.Endpoint.Host == "management.azure.com" && e.Required && e.CheckTls);
        Assert.Contains(endpoints, e => e.Endpoint.Host == "graph.microsoft.com" && !e.Required);
        Assert.Contains(endpoints, e => e.Endpoint.AbsoluteUri == "https://azurestackhci.azurefd.net/health" && !e.Required);
        Assert.DoesNotContain(canary, e => e.Endpoint.Host == "azurestackhci.azurefd.net");
    }

    [Theory]
    [InlineData(BuiltInEnvironments.AzureCloud, "gbl.his.arc.azure.com")]
    [InlineData(BuiltInEnvironments.AzureUSGovernment, "gbl.his.arc.azure.us")]
    [InlineData(BuiltInEnvironments.AzureChinaCloud, "gbl.his.arc.azure.cn")]
    public void Arc_endpoints_are_tested_when_asked_for(string cloud, string host)
    {
        var targets = ConnectivityTargets.For(Cloud(cloud), null, includeArc: true);

        var arc = targets.Where(t => t.Test.StartsWith("Connect to Azure Arc", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, arc.Count);
        Assert.Contains(arc, t => t.Endpoint.Host == host && t.AnyAnswer && t.Required);
        Assert.All(arc, t => Assert.Contains("network-requirements", t.Remediation));
    }

    [Fact]
    public void A_custom_cloud_has_no_known_arc_endpoints() =>
        Assert.Empty(ConnectivityTargets.ArcEndpoints(Custom()));

    /// <summary>WinHttpSettings as netsh winhttp writes it; direct access without a proxy.</summary>
    private static byte[] WinHttpSettings(string? proxy, string bypass = "")
    {
        var settings = new List<byte>();
        settings.AddRange(BitConverter.GetBytes(0x18));
        settings.AddRange(BitConverter.GetBytes(0));
        settings.AddRange(BitConverter.GetBytes(proxy is null ? 1 : 3));
        foreach (var text in new[] { proxy ?? "", proxy is null ? "" : bypass })
        {
            settings.AddRange(BitConverter.GetBytes(text.Length));
            settings.AddRange(System.Text.Encoding.ASCII.GetBytes(text));
        }

        return settings.ToArray();
    }

    [Fact]
    public void WinHttp_settings_decode_as_netsh_writes_them()
    {
        Assert.Equal(("proxy.contoso.com:8080", "*.contoso.com;<local>"), ProxySettings.DecodeWinHttp(WinHttpSettings("proxy.contoso.com:8080", "*.contoso.com;<local>")));
        Assert.Equal((null, null), ProxySettings.DecodeWinHttp(Convert.FromHexString("1800000000000000010000000000000000000000")));
        Assert.Equal((null, null), ProxySettings.DecodeWinHttp(WinHttpSettings(null)));
    }

    [Theory]
    [InlineData("http://Proxy.Contoso.com:8080/", "proxy.contoso.com:8080")]
    [InlineData("proxy.contoso.com:8080", "proxy.contoso.com:8080")]
    [InlineData("http=web:80;https=secure:443", "secure:443")]
    [InlineData("  ", null)]
    public void Proxy_addresses_compare_without_scheme_case_or_slash(string given, string? normalized) =>
        Assert.Equal(normalized, ProxySettings.Normalize(given));

    [Theory]
    [InlineData("dp.stackhci.azure.com", "*.azure.com;localhost", true)]
    [InlineData("node1", "<local>", true)]
    [InlineData("management.azure.com", "<local>;*.contoso.com", false)]
    public void WinInet_bypass_lists_match_as_WinInet_does(string host, string bypass, bool bypassed) =>
        Assert.Equal(bypassed, ProxySettings.Bypassed(host, bypass));

    [Fact]
    public void Settings_that_name_different_proxies_disagree()
    {
        var agreeing = new ProxySettings { WinInet = "http://proxy:8080", WinHttp = "proxy:8080", HttpsProxy = "http://PROXY:8080/" };
        var disagreeing = new ProxySettings { WinInet = "http://proxy:8080" };

        Assert.Null(agreeing.Disagreement());
        Assert.Equal("The proxy settings differ: WinINet proxy:8080, WinHTTP direct, HTTPS_PROXY direct.", disagreeing.Disagreement());
        Assert.Null(new ProxySettings { WinInet = "proxy:8080", WinInetBypass = "*.azure.com" }.WinInetProxyFor(new Uri("https://dp.stackhci.azure.com/")));
        Assert.Equal(new Uri("http://proxy:8080/"), agreeing.WinInetProxyFor(new Uri("https://dp.stackhci.azure.com/")));
    }

    private static CertificateChain Chain(bool trusted, params string[] issuers) =>
        new(issuers.Select(i => ("CN=leaf", "CN=" + i, "AB")).ToList(), trusted, trusted ? null : "untrusted root");

    [Fact]
    public void A_chain_to_an_Azure_root_passes_and_any_other_is_inspection()
    {
        var azure = Chain(true, "Microsoft Azure RSA TLS Issuing CA 03", "DigiCert Global Root G2");
        var inspected = Chain(true, "Contoso Inspection CA");

        Assert.False(TlsInspection.Judge(azure, null, TlsInspection.AzureRoots).Inspected);
        var (found, detail) = TlsInspection.Judge(inspected, null, TlsInspection.AzureRoots);
        Assert.True(found);
        Assert.Contains("SSL decryption and re-encryption detected", detail);
    }

    [Fact]
    public void In_a_custom_cloud_a_chain_other_than_this_computers_is_inspection()
    {
        var here = Chain(true, "Lab CA");

        Assert.False(TlsInspection.Judge(Chain(true, "Lab CA"), here, null).Inspected);
        Assert.True(TlsInspection.Judge(Chain(false, "Inspection CA"), here, null).Inspected);
        Assert.True(TlsInspection.Judge(Chain(false, "Lab CA"), null, null).Inspected);
    }

    [Fact]
    public async Task Bad_input_is_refused_before_any_node_is_contacted()
    {
        var nodes = FakeNodes.Cluster("hci1", "contoso.com", ("node1", "Up"));
        var workflow = new ConnectionTestWorkflow(nodes, SilentReporter.Instance);

        var proxy = await Assert.ThrowsAsync<HciException>(() => workflow.RunAsync(new ConnectionTestRequest { ComputerName = "node1", Proxy = new Uri("ftp://proxy:21") }, CancellationToken.None));
        var credential = await Assert.ThrowsAsync<HciException>(() => workflow.RunAsync(new ConnectionTestRequest { ComputerName = "node1", ProxyCredential = new System.Net.NetworkCredential("u", "p") }, CancellationToken.None));

        Assert.Equal("InvalidProxy", proxy.ErrorId);
        Assert.Equal("ProxyCredentialWithoutProxy", credential.ErrorId);
        Assert.Empty(nodes.Calls);
    }

    [Fact]
    public async Task A_node_whose_proxy_is_missing_or_whose_names_do_not_resolve_is_named_with_what_to_do()
    {
        var nodes = FakeNodes.Cluster("hci1", "contoso.com", ("node1", "Up"), ("node2", "Up"));
        Answer(nodes, "node1.contoso.com", proxy: "http://proxy.contoso.com:8080", resolves: name => name == "proxy.contoso.com");
        Answer(nodes, "node1", proxy: "http://proxy.contoso.com:8080", resolves: name => name == "proxy.contoso.com");
        Answer(nodes, "node2.contoso.com", proxy: null, resolves: _ => false);

        var results = await new ConnectionTestWorkflow(nodes, SilentReporter.Instance, null, (_, _) => Task.FromResult<CertificateChain?>(null)).RunAsync(new ConnectionTestRequest { ComputerName = "node1" }, CancellationToken.None);

        var proxyRow = results.Single(r => r.Test == ConnectionTestWorkflow.ProxyTest);
        Assert.Equal(new[] { "node2" }, proxyRow.FailedNodes);
        Assert.Contains("differ from the other nodes", proxyRow.Nodes.Single(n => n.ComputerName == "node2").Detail);
        Assert.Contains("configure-proxy-settings", proxyRow.Remediation);
        Assert.Equal("http://proxy.contoso.com:8080", proxyRow.Nodes.Single(n => n.ComputerName == "node1").Data["WinINet"]);

        // node1 reaches the endpoints through its proxy, which resolves their names; node2 goes direct and cannot.
        var dns = results.Single(r => r.Test == "Resolve dp.stackhci.azure.com (DNS)");
        Assert.True(dns.IsRequired);
        Assert.Equal(new[] { "node2" }, dns.FailedNodes);
        Assert.Contains("its proxy resolves it", dns.Nodes.Single(n => n.ComputerName == "node1").Detail);
        Assert.Contains("DNS servers resolve dp.stackhci.azure.com", dns.Remediation);
        Assert.False(ConnectionTestWorkflow.AllRequiredPassed(results));
    }

    /// <summary>A node that answers the connectivity check's commands: its proxy (or none) in all three settings, the names it resolves, probes, chains, clock.</summary>
    private static void Answer(FakeNodes nodes, string node, string? proxy, Func<string, bool> resolves)
    {
        var cluster = nodes.Nodes[node];
        nodes.Nodes[node] = (command, parameters) => command switch
        {
            "Get-ItemProperty" => (string)parameters["Path"]! switch
            {
                ProxySettings.WinInetPolicyKey => FakeNodes.Output(new { ProxySettingsPerUser = 0 }),
                ProxySettings.WinInetMachineKey => proxy is null ? FakeNodes.Output(new { ProxyEnable = 0 }) : FakeNodes.Output(new { ProxyEnable = 1, ProxyServer = proxy, ProxyOverride = "<local>" }),
                ProxySettings.WinHttpKey => FakeNodes.Output(new { WinHttpSettings = WinHttpSettings(proxy).Select(b => (int)b).ToArray() }),
                ProxySettings.EnvironmentKey => proxy is null ? FakeNodes.Output(new { Path = @"C:\Windows" }) : FakeNodes.Output(new { Path = @"C:\Windows", HTTPS_PROXY = proxy }),
                _ => new NodeCommandResult(Array.Empty<string>(), new[] { new NodeError("Cannot find path.", "PathNotFound,Microsoft.PowerShell.Commands.GetItemPropertyCommand", "ObjectNotFound") }),
            },
            "Resolve-DnsName" => resolves((string)parameters["Name"]!)
                ? FakeNodes.Output(new { Name = parameters["Name"], Type = "A", IPAddress = "20.0.0.1" })
                : new NodeCommandResult(Array.Empty<string>(), new[] { new NodeError($"{parameters["Name"]} : DNS name does not exist", "DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName", "ResourceUnavailable") }),
            "Invoke-WebRequest" => FakeNodes.Output(new { StatusCode = 200 }),
            "Get-AzStackHCICertificateChain" => FakeNodes.Output(new
            {
                Chain = new[] { new { Subject = "CN=leaf", Issuer = "CN=Microsoft Azure RSA TLS Issuing CA 03", Thumbprint = "AB" }, new { Subject = "CN=Microsoft Azure RSA TLS Issuing CA 03", Issuer = "CN=DigiCert Global Root G2", Thumbprint = "CD" } },
                Trusted = true,
            }),
            "Get-Date" => FakeNodes.Output(DateTimeOffset.UtcNow.ToString("o")),
            "Get-AzureStackHCIArcIntegration" => new NodeCommandResult(Array.Empty<string>(), new[] { new NodeError("The term is not recognized.", "CommandNotFoundException", "ObjectNotFound") }),
            _ => cluster(command, parameters),
        };
    }

    private static HciEnvironment Custom() => new(
        "Lab", new Uri("https://127.0.0.1:1/"), "https://management.core.windows.net/", new Uri("https://127.0.0.1:2/"), new Uri("https://127.0.0.1:3/"),
        new Uri("https://127.0.0.1:4/"), "https://127.0.0.1:4/.default", new Uri("https://127.0.0.1:5/"), "eastus", isBuiltIn: false);
}
