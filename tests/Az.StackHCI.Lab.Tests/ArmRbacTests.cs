using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// Real RBAC with signed-in users (device code): the seed's custom "Azure Stack HCI registration role" allows
/// exactly its actions, Reader only reads, Contributor may not assign roles.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ArmRbacTests(LabFixture lab) : IAsyncLifetime
{
    private const string ConnectedMachineResourceManager = "f5819b54-e033-4d82-ac66-4fec3cbf3f4c";
    private readonly ArmTestClient _arm = new(lab);

    public async Task InitializeAsync()
    {
        await lab.ResetAsync();
        await _arm.PutResourceGroupAsync(lab.CiCredential(), "rg");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Registrar_can_do_what_the_seed_role_allows()
    {
        var registrar = await _arm.UserAsync("registrar");

        foreach (var ns in new[] { "Microsoft.AzureStackHCI", "Microsoft.HybridCompute", "Microsoft.GuestConfiguration" })
        {
            Assert.Equal(200, (await _arm.RegisterAsync(registrar, ns)).Status);
        }

        Assert.Equal(200, (await _arm.SendAsync(registrar, "GET", $"{_arm.Subscription}?api-version=2022-12-01")).Status);
        Assert.Equal(200, (await _arm.SendAsync(registrar, "GET", $"{_arm.ResourceGroupId("rg")}?api-version=2022-09-01")).Status);
        var cluster = await _arm.PutClusterAsync(registrar, "rg", "c1");
        Assert.Equal(200, cluster.Status);
        Assert.Equal(lab.UserName("registrar"), cluster.Body!["systemData"]!["createdBy"]!.GetValue<string>());
        Assert.Equal(200, (await _arm.SendAsync(registrar, "POST", $"{_arm.ClusterId("rg", "c1")}/createClusterIdentity?api-version={ArmTestClient.ClusterApi}")).Status);
        Assert.Equal(200, (await _arm.SendAsync(registrar, "PUT", $"{_arm.ClusterId("rg", "c1")}/arcSettings/default?api-version={ArmTestClient.ArcSettingApi}",
            new { properties = new { arcInstanceResourceGroup = "rg" } })).Status);
        var assignment = await _arm.SendAsync(registrar, "PUT", $"{_arm.ResourceGroupId("rg")}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version={ArmTestClient.AuthorizationApi}",
            new { properties = new { roleDefinitionId = $"{_arm.Subscription}/providers/Microsoft.Authorization/roleDefinitions/{ConnectedMachineResourceManager}", principalId = cluster.Body!["properties"]!["resourceProviderObjectId"]!.GetValue<string>(), principalType = "ServicePrincipal" } });
        Assert.Equal(201, assignment.Status);
        Assert.Equal(200, (await _arm.SendAsync(registrar, "DELETE", $"{_arm.ClusterId("rg", "c1")}?api-version={ArmTestClient.ClusterApi}")).Status);
        Assert.Equal(lab.UserName("registrar"), lab.Journal().Last(e => e["service"]!.GetValue<string>() == "arm")["principal"]!.GetValue<string>());
    }

    [Fact]
    public async Task Registrar_gets_AuthorizationFailed_for_everything_else()
    {
        var registrar = await _arm.UserAsync("registrar");
        var oid = lab.UserObjectId("registrar");

        var group = await _arm.PutResourceGroupAsync(registrar, "another-rg");
        var connectivity = await _arm.RegisterAsync(registrar, "Microsoft.HybridConnectivity");
        var machine = await _arm.PutMachineAsync(registrar, "rg", "node1", _arm.ClusterId("rg", "c1"));
        var assignments = await _arm.SendAsync(registrar, "GET", $"{_arm.ResourceGroupId("rg")}/providers/Microsoft.Authorization/roleAssignments?api-version={ArmTestClient.AuthorizationApi}");
        var deleteGroup = await _arm.SendAsync(registrar, "DELETE", $"{_arm.ResourceGroupId("rg")}?api-version=2022-09-01");

        Assert.Equal((403, "AuthorizationFailed"), (group.Status, group.ErrorCode));
        Assert.Equal($"The client '{lab.UserName("registrar")}' with object id '{oid}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/write' over scope '{_arm.ResourceGroupId("another-rg")}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            group.ErrorMessage);
        Assert.Contains("'Microsoft.HybridConnectivity/register/action' over scope '" + _arm.Subscription + "'", connectivity.ErrorMessage);
        Assert.Contains("'Microsoft.HybridCompute/machines/write'", machine.ErrorMessage);
        Assert.Contains("'Microsoft.Authorization/roleAssignments/read'", assignments.ErrorMessage);
        Assert.Contains("'Microsoft.Resources/subscriptions/resourceGroups/delete'", deleteGroup.ErrorMessage);
        Assert.All(new[] { connectivity, machine, assignments, deleteGroup }, r => Assert.Equal((403, "AuthorizationFailed"), (r.Status, r.ErrorCode)));
    }

    [Fact]
    public async Task Reader_reads_but_cannot_write()
    {
        var ci = lab.CiCredential();
        await _arm.RegisterAsync(ci, "Microsoft.AzureStackHCI");
        await _arm.PutClusterAsync(ci, "rg", "c1");
        var reader = await _arm.UserAsync("reader");

        Assert.Equal(lab.SubscriptionId, (await _arm.Client(reader).GetDefaultSubscriptionAsync()).Data.SubscriptionId);
        Assert.Equal(200, (await _arm.SendAsync(reader, "GET", $"{_arm.ClusterId("rg", "c1")}?api-version={ArmTestClient.ClusterApi}")).Status);
        Assert.Equal(200, (await _arm.SendAsync(reader, "GET", $"{_arm.Subscription}/providers/Microsoft.AzureStackHCI?api-version=2022-09-01")).Status);
        var writes = new[]
        {
            await _arm.PutResourceGroupAsync(reader, "rg"),
            await _arm.PutClusterAsync(reader, "rg", "c1"),
            await _arm.SendAsync(reader, "DELETE", $"{_arm.ClusterId("rg", "c1")}?api-version={ArmTestClient.ClusterApi}"),
            await _arm.RegisterAsync(reader, "Microsoft.HybridCompute"),
        };
        Assert.All(writes, r => Assert.Equal((403, "AuthorizationFailed"), (r.Status, r.ErrorCode)));
    }

    [Fact]
    public async Task Contributor_may_register_but_not_assign_roles()
    {
        var contributor = await _arm.UserAsync("contributor");

        Assert.Equal(200, (await _arm.RegisterAsync(contributor, "Microsoft.AzureStackHCI")).Status);
        var assignment = await _arm.SendAsync(contributor, "PUT", $"{_arm.ResourceGroupId("rg")}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version={ArmTestClient.AuthorizationApi}",
            new { properties = new { roleDefinitionId = $"/providers/Microsoft.Authorization/roleDefinitions/{ConnectedMachineResourceManager}", principalId = lab.UserObjectId("reader") } });

        Assert.Equal((403, "AuthorizationFailed"), (assignment.Status, assignment.ErrorCode));
        Assert.Contains("Microsoft.Authorization/roleAssignments/write", assignment.ErrorMessage);
    }

    [Fact]
    public async Task Permissions_report_the_callers_effective_actions()
    {
        var registrar = await _arm.UserAsync("registrar");

        var permissions = await _arm.SendAsync(registrar, "GET", $"{_arm.ResourceGroupId("rg")}/providers/Microsoft.Authorization/permissions?api-version={ArmTestClient.AuthorizationApi}");

        Assert.Equal(200, permissions.Status);
        var entry = Assert.Single(permissions.Body!["value"]!.AsArray())!;
        var actions = entry["actions"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("Microsoft.AzureStackHCI/clusters/*", actions);
        Assert.Contains("Microsoft.Authorization/roleAssignments/write", actions);
        Assert.Empty(entry["notActions"]!.AsArray());
    }
}
