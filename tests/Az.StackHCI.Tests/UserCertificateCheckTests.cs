using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Registration;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>
/// Register-AzStackHCI -CertificateThumbprint: the user's certificate must be in a LocalMachine store of every node
/// (Get-Item -Path Cert:\LocalMachine\*\&lt;thumbprint&gt;, all nodes at once) and valid for 60 more days.
/// </summary>
public sealed class UserCertificateCheckTests
{
    private static readonly string[] Nodes = { "node1.lab.local", "node2.lab.local", "node3.lab.local" };

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static X509Certificate2 NewCertificate(int validDays)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=contoso-hci", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(validDays));
    }

    /// <summary>What the remote script returns for a certificate: RawData as an array of numbers, dates as ISO text.</summary>
    private static NodeCommandResult CertificateOutput(X509Certificate2 certificate, bool hasPrivateKey = true) =>
        new(new[]
        {
            JsonSerializer.Serialize(new
            {
                PSPath = $@"Microsoft.PowerShell.Security\Certificate::LocalMachine\My\{certificate.Thumbprint}",
                certificate.Thumbprint,
                certificate.Subject,
                HasPrivateKey = hasPrivateKey,
                NotAfter = certificate.NotAfter.ToUniversalTime().ToString("o"),
                RawData = certificate.RawData.Select(b => (int)b).ToArray(),
            }),
        }, Array.Empty<NodeError>());

    private static readonly NodeCommandResult NotFoundError = new(Array.Empty<string>(),
        new[] { new NodeError("Cannot find path 'Cert:\\LocalMachine\\My\\X' because it does not exist.", "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand", "ObjectNotFound") });

    private static async Task<(FakeNodes Fake, List<INodeSession> Sessions, List<(string Node, object? Path)> Asked)> Cluster(Func<string, NodeCommandResult> getItem)
    {
        var fake = new FakeNodes();
        var asked = new List<(string, object?)>();
        foreach (var node in Nodes)
        {
            fake.Nodes[node] = (command, parameters) =>
            {
                if (command != "Get-Item")
                {
                    return FakeNodes.Error($"The term '{command}' is not recognized.");
                }

                lock (asked)
                {
                    asked.Add((node, parameters.TryGetValue("Path", out var path) ? path : null));
                }

                return getItem(node);
            };
        }

        var sessions = new List<INodeSession>();
        foreach (var node in Nodes)
        {
            sessions.Add(await fake.ConnectAsync(node, CancellationToken.None));
        }

        return (fake, sessions, asked);
    }

    private static Task<X509Certificate2?> Check(IReadOnlyList<INodeSession> sessions, string thumbprint) =>
        CertificateSteps.CheckUserCertificateAsync(sessions, thumbprint, 8, Now, CancellationToken.None);

    [Fact]
    public async Task A_certificate_on_every_node_is_found_by_its_thumbprint_in_any_LocalMachine_store()
    {
        using var certificate = NewCertificate(365);
        var (_, sessions, asked) = await Cluster(_ => CertificateOutput(certificate));

        using var found = await Check(sessions, certificate.Thumbprint.ToLowerInvariant());

        Assert.NotNull(found);
        Assert.Equal(certificate.Thumbprint, found!.Thumbprint);
        Assert.Equal(certificate.RawData, found.RawData);
        Assert.Equal(Nodes, asked.Select(a => a.Node).OrderBy(n => n));
        Assert.All(asked, a => Assert.Equal(new[] { $@"Cert:\LocalMachine\*\{certificate.Thumbprint}" }, a.Path));
    }

    [Fact]
    public async Task RawData_as_base64_is_read_too()
    {
        using var certificate = NewCertificate(365);
        var output = new NodeCommandResult(new[] { JsonSerializer.Serialize(new { RawData = Convert.ToBase64String(certificate.RawData) }) }, Array.Empty<NodeError>());
        var (_, sessions, _) = await Cluster(_ => output);

        using var found = await Check(sessions, certificate.Thumbprint);

        Assert.Equal(certificate.Thumbprint, found!.Thumbprint);
    }

    [Fact]
    public async Task Nodes_without_the_certificate_are_all_named()
    {
        using var certificate = NewCertificate(365);
        // node2: a wildcard path without a match (no output); node3: a path the provider says does not exist.
        var (_, sessions, _) = await Cluster(node => node switch
        {
            "node2.lab.local" => new NodeCommandResult(Array.Empty<string>(), Array.Empty<NodeError>()),
            "node3.lab.local" => NotFoundError,
            _ => CertificateOutput(certificate),
        });

        var ex = await Assert.ThrowsAsync<HciException>(() => Check(sessions, certificate.Thumbprint));

        Assert.Equal("CertificateNotFoundOnNode", ex.ErrorId);
        Assert.Equal(HciErrorCategory.ObjectNotFound, ex.Category);
        Assert.Equal("node2.lab.local, node3.lab.local", ex.Target);
        Assert.Equal(
            $"Certificate with thumbprint {certificate.Thumbprint} not found on node(s) node2.lab.local, node3.lab.local. Make sure the certificate has been added to the certificate store on every clustered node.",
            ex.Message);
    }

    [Fact]
    public async Task Another_certificate_in_the_output_does_not_count()
    {
        using var certificate = NewCertificate(365);
        using var other = NewCertificate(365);
        var (_, sessions, _) = await Cluster(node => node == "node1.lab.local" ? CertificateOutput(other) : CertificateOutput(certificate));

        var ex = await Assert.ThrowsAsync<HciException>(() => Check(sessions, certificate.Thumbprint));

        Assert.Equal("CertificateNotFoundOnNode", ex.ErrorId);
        Assert.Equal("node1.lab.local", ex.Target);
    }

    [Fact]
    public async Task A_certificate_that_expires_within_60_days_is_refused()
    {
        using var certificate = NewCertificate(59);
        var (_, sessions, _) = await Cluster(_ => CertificateOutput(certificate));

        var ex = await Assert.ThrowsAsync<HciException>(() => Check(sessions, certificate.Thumbprint));

        Assert.Equal("CertificateExpiresSoon", ex.ErrorId);
        Assert.Equal(HciErrorCategory.InvalidArgument, ex.Category);
        Assert.StartsWith($"Can't use certificate with thumbprint {certificate.Thumbprint} because it expires in less than 60 days, on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}", ex.Message);
        Assert.EndsWith("Certificates must be valid for at least 60 days.", ex.Message);
    }

    [Fact]
    public async Task A_certificate_valid_for_61_days_is_accepted()
    {
        using var certificate = NewCertificate(61);
        var (_, sessions, _) = await Cluster(_ => CertificateOutput(certificate));

        using var found = await Check(sessions, certificate.Thumbprint);

        Assert.Equal(certificate.Thumbprint, found!.Thumbprint);
    }

    [Fact]
    public async Task A_node_that_holds_the_certificate_without_its_key_is_named()
    {
        using var certificate = NewCertificate(365);
        var (_, sessions, _) = await Cluster(node => CertificateOutput(certificate, hasPrivateKey: node != "node3.lab.local"));

        var ex = await Assert.ThrowsAsync<HciException>(() => Check(sessions, certificate.Thumbprint));

        Assert.Equal("CertificatePrivateKeyMissing", ex.ErrorId);
        Assert.Equal("node3.lab.local", ex.Target);
    }

    [Fact]
    public async Task A_node_that_cannot_look_is_a_failure_not_a_missing_certificate()
    {
        using var certificate = NewCertificate(365);
        var driveMissing = new NodeCommandResult(Array.Empty<string>(),
            new[] { new NodeError("Cannot find drive. A drive with the name 'Cert' does not exist.", "DriveNotFound,Microsoft.PowerShell.Commands.GetItemCommand", "ObjectNotFound") });
        var (_, sessions, _) = await Cluster(node => node == "node2.lab.local" ? driveMissing : CertificateOutput(certificate));

        var ex = await Assert.ThrowsAsync<HciException>(() => Check(sessions, certificate.Thumbprint));

        Assert.Equal("CertificateCheckFailed", ex.ErrorId);
        Assert.Equal("node2.lab.local", ex.Target);
        Assert.Contains("Cannot find drive", ex.Message);
    }
}
