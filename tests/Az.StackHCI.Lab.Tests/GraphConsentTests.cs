using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// Service principals, app role assignments and directory permissions through the real GraphServiceClient, ending
/// where registration needs it: the cluster application's certificate token for the HCI service carries the roles.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class GraphConsentTests(LabFixture lab) : IAsyncLifetime
{
    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Admin_registers_an_application_grants_the_HCI_roles_and_its_certificate_token_carries_them()
    {
        var graph = await lab.UserClientAsync("admin");
        using var certificate = GraphTestKit.Certificate("CN=node1.azstackhci.lab");

        var app = await graph.Applications.PostAsync(GraphTestKit.HciApplication("cluster-consent"));
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });
        var hci = Assert.Single((await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{GraphTestKit.HciAppId}'"))!.Value!);
        var granted = new List<AppRoleAssignment>();
        foreach (var (roleId, _) in GraphTestKit.HciRoles)
        {
            granted.Add((await graph.ServicePrincipals[sp!.Id].AppRoleAssignments.PostAsync(new AppRoleAssignment
            {
                PrincipalId = Guid.Parse(sp.Id!), ResourceId = Guid.Parse(hci.Id!), AppRoleId = roleId,
            }))!);
        }

        await graph.Applications[app.Id].PatchAsync(new Application { KeyCredentials = new() { GraphTestKit.KeyCredential(certificate, start: DateTimeOffset.UtcNow.AddMinutes(-1)) } });
        var password = await graph.Applications[app.Id].AddPassword.PostAsync(new() { PasswordCredential = new PasswordCredential { DisplayName = "spare" } });
        var token = await lab.HciTokenAsync(lab.CertificateCredential(app.AppId!, certificate));

        Assert.Equal("Application", sp!.ServicePrincipalType);
        Assert.Equal(app.AppId, sp.AppId);
        Assert.Equal(4, hci.AppRoles!.Count);
        Assert.All(granted, a =>
        {
            Assert.False(Guid.TryParse(a.Id, out _));
            Assert.Equal("ServicePrincipal", a.PrincipalType);
            Assert.Equal("cluster-consent", a.PrincipalDisplayName);
            Assert.Equal("Azure Stack HCI", a.ResourceDisplayName);
        });
        Assert.Equal(GraphTestKit.HciRoles.Select(r => r.Value).Order(), GraphTestKit.Roles(token).Order());
        Assert.Equal(app.AppId, TokenClaims.Read(token.Token)["appid"]!.GetValue<string>());
        var held = await graph.ServicePrincipals[sp.Id].AppRoleAssignments.GetAsync();
        var assignedTo = await graph.ServicePrincipals[hci.Id].AppRoleAssignedTo.GetAsync(r => r.QueryParameters.Filter = $"principalId eq {sp.Id}");
        Assert.Equal(4, held!.Value!.Count);
        Assert.Equal(granted.Select(a => a.Id).Order(), assignedTo!.Value!.Select(a => a.Id).Order());
        var secretToken = await lab.HciTokenAsync(new ClientSecretCredential(lab.TenantId, app.AppId, password!.SecretText, lab.Configure(new ClientSecretCredentialOptions())));
        Assert.Equal(4, GraphTestKit.Roles(secretToken).Count);
    }

    [Fact]
    public async Task Operator_registers_an_application_but_cannot_grant_the_roles()
    {
        var graph = await lab.UserClientAsync("operator");
        var app = await graph.Applications.PostAsync(GraphTestKit.HciApplication("operator's cluster"));
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });

        var error = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals[sp!.Id].AppRoleAssignments.PostAsync(new AppRoleAssignment
        {
            PrincipalId = Guid.Parse(sp.Id!), ResourceId = Guid.Parse("f1a50002-6c7d-4e8f-9a0b-1c2d3e4f5a02"), AppRoleId = GraphTestKit.HciRoles[0].Id,
        }));

        Assert.Equal(403, error.ResponseStatusCode);
        Assert.Equal("Authorization_RequestDenied", error.Error!.Code);
        Assert.Equal("Insufficient privileges to complete the operation.", error.Error.Message);
        Assert.NotNull(error.Error.InnerError);

        // Without consent the application signs in, but its token holds no roles.
        using var certificate = GraphTestKit.Certificate("CN=operator-node");
        await graph.Applications[app.Id].PatchAsync(new Application { KeyCredentials = new() { GraphTestKit.KeyCredential(certificate) } });
        Assert.Empty(GraphTestKit.Roles(await lab.HciTokenAsync(lab.CertificateCredential(app.AppId!, certificate))));
    }

    [Fact]
    public async Task Cloud_application_administrators_grant_HCI_roles_but_not_Microsoft_Graph_roles()
    {
        var graph = await lab.UserClientAsync("registrar");
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "registrar's app" });
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });
        var graphSp = Assert.Single((await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = "appId eq '00000003-0000-0000-c000-000000000000'"))!.Value!);
        var hciSp = (await graph.ServicePrincipalsWithAppId(GraphTestKit.HciAppId).GetAsync())!;

        await graph.ServicePrincipals[hciSp.Id].AppRoleAssignedTo.PostAsync(new AppRoleAssignment
        {
            PrincipalId = Guid.Parse(sp!.Id!), ResourceId = Guid.Parse(hciSp.Id!), AppRoleId = GraphTestKit.HciRoles[1].Id,
        });
        var error = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals[sp.Id].AppRoleAssignments.PostAsync(new AppRoleAssignment
        {
            PrincipalId = Guid.Parse(sp.Id!), ResourceId = Guid.Parse(graphSp.Id!), AppRoleId = graphSp.AppRoles!.First().Id,
        }));

        Assert.Equal("Authorization_RequestDenied", error.Error!.Code);
    }

    [Fact]
    public async Task Duplicate_and_unknown_grants_and_duplicate_service_principals_are_refused()
    {
        var graph = await lab.UserClientAsync("admin");
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "duplicates" });
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });
        var hciId = Guid.Parse((await graph.ServicePrincipalsWithAppId(GraphTestKit.HciAppId).GetAsync())!.Id!);
        AppRoleAssignment Grant(Guid role) => new() { PrincipalId = Guid.Parse(sp!.Id!), ResourceId = hciId, AppRoleId = role };
        await graph.ServicePrincipals[sp!.Id].AppRoleAssignments.PostAsync(Grant(GraphTestKit.HciRoles[0].Id));

        var duplicate = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals[sp.Id].AppRoleAssignments.PostAsync(Grant(GraphTestKit.HciRoles[0].Id)));
        var unknown = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals[sp.Id].AppRoleAssignments.PostAsync(Grant(Guid.NewGuid())));
        var secondSp = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app.AppId }));
        var noApp = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = Guid.NewGuid().ToString() }));

        Assert.Equal((400, "Request_BadRequest"), (duplicate.ResponseStatusCode, duplicate.Error!.Code));
        Assert.Equal("Permission being assigned already exists on the object", duplicate.Error.Message);
        Assert.Equal((400, "Request_BadRequest"), (unknown.ResponseStatusCode, unknown.Error!.Code));
        Assert.Equal((409, "Request_MultipleObjectsWithSameKeyValue"), (secondSp.ResponseStatusCode, secondSp.Error!.Code));
        Assert.Equal(400, noApp.ResponseStatusCode);
    }

    [Fact]
    public async Task Revoking_a_grant_removes_the_role_from_new_tokens()
    {
        var graph = lab.Client(lab.CiCredential());
        using var certificate = GraphTestKit.Certificate("CN=revoked");
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "revoked", KeyCredentials = new() { GraphTestKit.KeyCredential(certificate) } });
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });
        var hci = (await graph.ServicePrincipalsWithAppId(GraphTestKit.HciAppId).GetAsync())!;
        var grant = await graph.ServicePrincipals[sp!.Id].AppRoleAssignments.PostAsync(new AppRoleAssignment
        {
            PrincipalId = Guid.Parse(sp.Id!), ResourceId = Guid.Parse(hci.Id!), AppRoleId = GraphTestKit.HciRoles[0].Id,
        });
        Assert.Equal(new[] { "ClusterRead" }, GraphTestKit.Roles(await lab.HciTokenAsync(lab.CertificateCredential(app.AppId!, certificate))));

        await graph.ServicePrincipals[hci.Id].AppRoleAssignedTo[grant!.Id].DeleteAsync();

        Assert.Empty(GraphTestKit.Roles(await lab.HciTokenAsync(lab.CertificateCredential(app.AppId!, certificate))));
        Assert.Empty((await graph.ServicePrincipals[sp.Id].AppRoleAssignments.GetAsync())!.Value!);
    }

    [Fact]
    public async Task The_CI_service_principal_writes_with_its_Graph_app_roles()
    {
        var graph = lab.Client(new ClientCertificateCredential(lab.TenantId, lab.CiCertificateAppId, lab.CiCertificatePath, lab.Configure(new ClientCertificateCredentialOptions())));
        using var certificate = GraphTestKit.Certificate("CN=ci-node");

        var app = await graph.Applications.PostAsync(GraphTestKit.HciApplication("ci cluster"));
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });
        var hci = (await graph.ServicePrincipalsWithAppId(GraphTestKit.HciAppId).GetAsync())!;
        foreach (var (roleId, _) in GraphTestKit.HciRoles)
        {
            await graph.ServicePrincipals[hci.Id].AppRoleAssignedTo.PostAsync(new AppRoleAssignment
            {
                PrincipalId = Guid.Parse(sp!.Id!), ResourceId = Guid.Parse(hci.Id!), AppRoleId = roleId,
            });
        }

        await graph.Applications[app.Id].PatchAsync(new Application { KeyCredentials = new() { GraphTestKit.KeyCredential(certificate) } });

        Assert.Equal(4, GraphTestKit.Roles(await lab.HciTokenAsync(lab.CertificateCredential(app.AppId!, certificate))).Count);
    }

    [Fact]
    public async Task Users_cannot_register_applications_when_the_tenant_forbids_it()
    {
        await lab.PutControlAsync("directory", new { usersCanRegisterApplications = false });
        var operatorGraph = await lab.UserClientAsync("operator");
        var denied = await Assert.ThrowsAsync<ODataError>(() => operatorGraph.Applications.PostAsync(new Application { DisplayName = "forbidden" }));
        var adminGraph = await lab.UserClientAsync("admin");
        var app = await adminGraph.Applications.PostAsync(new Application { DisplayName = "admin may" });

        // A member user may not change an application someone else owns.
        var notOwner = await Assert.ThrowsAsync<ODataError>(() => operatorGraph.Applications[app!.Id].PatchAsync(new Application { DisplayName = "taken over" }));

        Assert.Equal((403, "Authorization_RequestDenied"), (denied.ResponseStatusCode, denied.Error!.Code));
        Assert.Equal((403, "Authorization_RequestDenied"), (notOwner.ResponseStatusCode, notOwner.Error!.Code));
    }

    [Fact]
    public async Task With_a_replication_delay_the_first_token_attempt_fails_and_a_later_one_succeeds()
    {
        // Long enough that the first attempt, a few loopback calls after the writes, falls inside it on a busy machine.
        await lab.PutControlAsync("replication", new { delayMs = 6000 });
        var graph = await lab.UserClientAsync("admin");
        using var certificate = GraphTestKit.Certificate("CN=replicating");
        var app = await graph.Applications.PostAsync(GraphTestKit.HciApplication("replicating", certificate));
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });
        var hci = (await graph.ServicePrincipalsWithAppId(GraphTestKit.HciAppId).GetAsync())!;
        foreach (var (roleId, _) in GraphTestKit.HciRoles)
        {
            await graph.ServicePrincipals[sp!.Id].AppRoleAssignments.PostAsync(new AppRoleAssignment
            {
                PrincipalId = Guid.Parse(sp.Id!), ResourceId = Guid.Parse(hci.Id!), AppRoleId = roleId,
            });
        }

        // Graph sees its own writes at once; sign-in does not.
        Assert.NotNull(await graph.ApplicationsWithAppId(app.AppId).GetAsync());
        var first = await Assert.ThrowsAsync<AuthenticationFailedException>(() => lab.HciTokenAsync(lab.CertificateCredential(app.AppId!, certificate)));
        Assert.Contains("AADSTS700016", first.ToString());

        var deadline = DateTime.UtcNow.AddSeconds(40);
        List<string>? roles = null;
        while (roles is not { Count: 4 } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            try
            {
                roles = GraphTestKit.Roles(await lab.HciTokenAsync(lab.CertificateCredential(app.AppId!, certificate)));
            }
            catch (AuthenticationFailedException)
            {
            }
        }

        Assert.Equal(GraphTestKit.HciRoles.Select(r => r.Value).Order(), roles!.Order());
    }
}
