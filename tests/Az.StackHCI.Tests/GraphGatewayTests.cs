using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>The engine's Graph layer against the lab's Graph, with the real GraphServiceClient underneath.</summary>
[Collection("lab")]
public sealed class GraphGatewayTests : IAsyncLifetime
{
    private static readonly Guid[] HciRoles =
    {
        new("2344a320-6a09-4530-bed7-c90485b5e5e2"), new("493bd689-9082-40db-a506-11f40b68128f"),
        new("8fa5445e-80fb-4c71-a3b1-9a16a81a1966"), new("bbe8afc9-f3ba-4955-bb5f-1cfb6960b242"),
    };

    private GraphGateway _graph = null!;

    public async Task InitializeAsync()
    {
        await LabConnection.ResetAsync();
        _graph = new GraphGateway(await LabConnection.SignInAsCiAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Creates_an_application_finds_it_again_by_name_and_app_id()
    {
        Assert.Null(await _graph.FindApplicationByNameAsync("engine-cluster", "AzStackHCI:test", default));

        var created = await _graph.CreateApplicationAsync("engine-cluster", "1322e676-dee7-41ee-a874-ac923822781c", HciRoles, "AzStackHCI:test", default);

        Assert.Equal(created.AppId, (await _graph.FindApplicationByNameAsync("engine-cluster", "AzStackHCI:test", default))!.AppId);
        Assert.Equal(created.ObjectId, (await _graph.FindApplicationByAppIdAsync(created.AppId, default))!.ObjectId);
    }

    [Fact]
    public async Task Runs_creating_the_same_tagged_application_at_once_all_keep_one()
    {
        // Three runs (as from three computers) create at the same moment: the oldest stays, the others delete their own.
        var gateways = new[] { _graph, new GraphGateway(await LabConnection.SignInAsCiAsync()), new GraphGateway(await LabConnection.SignInAsCiAsync()) };

        var created = await Task.WhenAll(gateways.Select(g => g.CreateApplicationAsync("engine-cluster", null, Array.Empty<Guid>(), "AzStackHCI:race", default)));

        Assert.Single(created.Select(c => c.AppId).Distinct());
        await _graph.DeleteApplicationAsync(created[0].ObjectId, default);
        Assert.Null(await _graph.FindApplicationByNameAsync("engine-cluster", "AzStackHCI:race", default));
    }

    [Fact]
    public async Task Grants_the_HCI_roles_to_the_applications_service_principal()
    {
        var app = await _graph.CreateApplicationAsync("engine-cluster", "1322e676-dee7-41ee-a874-ac923822781c", HciRoles, "AzStackHCI:test", default);
        var principal = await _graph.CreateServicePrincipalAsync(app.AppId, default);
        var hci = (await _graph.FindServicePrincipalIdAsync("1322e676-dee7-41ee-a874-ac923822781c", default))!;

        foreach (var role in HciRoles)
        {
            await _graph.GrantRoleAsync(principal, hci, role, default);
        }

        Assert.Equal(HciRoles.OrderBy(r => r), (await _graph.GetGrantedRolesAsync(principal, hci, default)).OrderBy(r => r));
        Assert.Equal(principal, await _graph.FindServicePrincipalIdAsync(app.AppId, default));
    }

    [Fact]
    public async Task Replaces_the_key_credentials_and_reads_them_back_with_the_certificates()
    {
        var app = await _graph.CreateApplicationAsync("engine-cluster", "1322e676-dee7-41ee-a874-ac923822781c", HciRoles, "AzStackHCI:test", default);
        using var first = Certificate("CN=node1");
        using var second = Certificate("CN=node2");
        await _graph.SetKeysAsync(app.ObjectId, new[] { Key(first) }, default);
        var afterFirst = await _graph.GetApplicationWithKeysAsync(app.ObjectId, default);

        await _graph.SetKeysAsync(app.ObjectId, afterFirst.Keys.Append(Key(second)), default);
        var afterSecond = await _graph.GetApplicationWithKeysAsync(app.ObjectId, default);

        Assert.Equal(2, afterSecond.Keys.Count);
        Assert.Contains(afterSecond.Keys, k => k.Certificate is not null && X509CertificateLoader.LoadCertificate(k.Certificate).Thumbprint == first.Thumbprint);
        Assert.Contains(afterSecond.Keys, k => k.Certificate is not null && X509CertificateLoader.LoadCertificate(k.Certificate).Thumbprint == second.Thumbprint);
    }

    [Fact]
    public async Task A_user_without_a_directory_role_is_refused_consent_as_permission_denied()
    {
        var app = await _graph.CreateApplicationAsync("engine-cluster", "1322e676-dee7-41ee-a874-ac923822781c", HciRoles, "AzStackHCI:test", default);
        var principal = await _graph.CreateServicePrincipalAsync(app.AppId, default);
        var hci = (await _graph.FindServicePrincipalIdAsync("1322e676-dee7-41ee-a874-ac923822781c", default))!;
        using var http = new HttpClient();
        (await http.PutAsync(new Uri(new Uri(LabConnection.Text("controlEndpoint")), "devicecode/autoapprove"),
            new StringContent("""{ "user": "operator", "delayMs": 0 }""", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var operatorSession = await AzureSignIn.SignInAsync(await LabConnection.EnvironmentAsync(), new SignInRequest { TenantId = LabConnection.TenantId, Fresh = true }, SilentReporter.Instance, default);

        var ex = await Assert.ThrowsAsync<HciException>(() => new GraphGateway(operatorSession).GrantRoleAsync(principal, hci, HciRoles[0], default));

        Assert.Equal("Authorization_RequestDenied", ex.ErrorId);
        Assert.Equal(HciErrorCategory.PermissionDenied, ex.Category);
    }

    private static AppKey Key(X509Certificate2 certificate) =>
        new(Guid.NewGuid(), certificate.RawData, DateTimeOffset.UtcNow, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), certificate.Subject);

    private static X509Certificate2 Certificate(string subject)
    {
        using var key = RSA.Create(2048);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(90));
    }
}
