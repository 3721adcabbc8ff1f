using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>Microsoft.Authorization role assignments and definitions (2022-04-01) through the raw pipeline.</summary>
[Collection(LabCollection.Name)]
public sealed class ArmAuthorizationTests(LabFixture lab) : IAsyncLifetime
{
    private const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    private const string Api = ArmTestClient.AuthorizationApi;
    private readonly ArmTestClient _arm = new(lab);

    public async Task InitializeAsync()
    {
        await lab.ResetAsync();
        await _arm.PutResourceGroupAsync(lab.CiCredential(), "rg");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string Assignment(string name) => $"{_arm.ResourceGroupId("rg")}/providers/Microsoft.Authorization/roleAssignments/{name}?api-version={Api}";

    private object Body(string principalId, string role = Reader) =>
        new { properties = new { roleDefinitionId = $"{_arm.Subscription}/providers/Microsoft.Authorization/roleDefinitions/{role}", principalId } };

    [Fact]
    public async Task Put_is_201_then_200_and_the_same_assignment_under_another_name_is_409()
    {
        var ci = lab.CiCredential();
        var name = Guid.NewGuid().ToString();
        var reader = lab.UserObjectId("reader");

        var created = await _arm.SendAsync(ci, "PUT", Assignment(name), Body(reader));
        var again = await _arm.SendAsync(ci, "PUT", Assignment(name), Body(reader));
        var duplicate = await _arm.SendAsync(ci, "PUT", Assignment(Guid.NewGuid().ToString()), Body(reader));

        Assert.Equal(201, created.Status);
        Assert.Equal($"{_arm.ResourceGroupId("rg")}/providers/Microsoft.Authorization/roleAssignments/{name}", created.Body!["id"]!.GetValue<string>());
        Assert.Equal("User", created.Body!["properties"]!["principalType"]!.GetValue<string>());
        Assert.Equal(_arm.ResourceGroupId("rg"), created.Body!["properties"]!["scope"]!.GetValue<string>());
        Assert.Equal(200, again.Status);
        Assert.Equal((409, "RoleAssignmentExists"), (duplicate.Status, duplicate.ErrorCode));
    }

    [Fact]
    public async Task A_principal_that_has_not_replicated_yet_is_PrincipalNotFound_until_it_has()
    {
        var ci = lab.CiCredential();
        // Long enough that the first attempt, two loopback calls after the user appears, falls inside it on a busy machine.
        await lab.PutControlAsync("replication", new { delayMs = 6000 });
        var user = await lab.PostControlAsync("users", new { name = "newcomer" });
        var objectId = user["objectId"]!.GetValue<string>();

        var early = await _arm.SendAsync(ci, "PUT", Assignment(Guid.NewGuid().ToString()), Body(objectId));
        var unknown = await _arm.SendAsync(ci, "PUT", Assignment(Guid.NewGuid().ToString()), Body(Guid.NewGuid().ToString()));
        var later = await _arm.SendAsync(ci, "PUT", Assignment(Guid.NewGuid().ToString()), Body(objectId));
        for (var deadline = DateTime.UtcNow.AddSeconds(40); later.Status != 201 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(250);
            later = await _arm.SendAsync(ci, "PUT", Assignment(Guid.NewGuid().ToString()), Body(objectId));
        }

        Assert.Equal((400, "PrincipalNotFound"), (early.Status, early.ErrorCode));
        Assert.Contains(objectId.Replace("-", "", StringComparison.Ordinal), early.ErrorMessage);
        Assert.Equal((400, "PrincipalNotFound"), (unknown.Status, unknown.ErrorCode));
        Assert.Equal(201, later.Status);
    }

    [Fact]
    public async Task List_filters_by_principal_and_scope_and_delete_answers_200_then_204()
    {
        var ci = lab.CiCredential();
        var name = Guid.NewGuid().ToString();
        var reader = lab.UserObjectId("reader");
        await _arm.SendAsync(ci, "PUT", Assignment(name), Body(reader));
        string List(string scope, string filter) => $"{scope}/providers/Microsoft.Authorization/roleAssignments?api-version={Api}&$filter={Uri.EscapeDataString(filter)}";

        var byPrincipal = await _arm.SendAsync(ci, "GET", List(_arm.ResourceGroupId("rg"), $"principalId eq '{reader}'"));
        var assignedTo = await _arm.SendAsync(ci, "GET", List(_arm.Subscription, $"assignedTo('{reader}')"));
        var atScope = await _arm.SendAsync(ci, "GET", List(_arm.Subscription, "atScope()"));
        var deleted = await _arm.SendAsync(ci, "DELETE", Assignment(name));
        var deletedAgain = await _arm.SendAsync(ci, "DELETE", Assignment(name));

        // The reader's subscription-wide Reader assignment is above the group; the new one is at it.
        Assert.Equal(2, byPrincipal.Body!["value"]!.AsArray().Count);
        Assert.Equal(2, assignedTo.Body!["value"]!.AsArray().Count);
        Assert.DoesNotContain(atScope.Body!["value"]!.AsArray(), a => a!["name"]!.GetValue<string>() == name);
        Assert.Equal(200, deleted.Status);
        Assert.Equal(name, deleted.Body!["name"]!.GetValue<string>());
        Assert.Equal(204, deletedAgain.Status);
    }

    [Fact]
    public async Task Built_in_and_custom_role_definitions_and_a_custom_role_takes_effect()
    {
        var ci = lab.CiCredential();
        var roleId = Guid.NewGuid().ToString();

        var owner = await _arm.SendAsync(ci, "GET", $"/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635?api-version={Api}");
        var seedRole = await _arm.SendAsync(ci, "GET", $"{_arm.Subscription}/providers/Microsoft.Authorization/roleDefinitions?api-version={Api}&$filter={Uri.EscapeDataString("roleName eq 'Azure Stack HCI registration role'")}");
        var custom = await _arm.SendAsync(ci, "PUT", $"{_arm.Subscription}/providers/Microsoft.Authorization/roleDefinitions/{roleId}?api-version={Api}", new
        {
            properties = new
            {
                roleName = "Lab resource group creator", description = "Creates resource groups.", type = "CustomRole",
                permissions = new[] { new { actions = new[] { "Microsoft.Resources/subscriptions/resourceGroups/*" }, notActions = new[] { "Microsoft.Resources/subscriptions/resourceGroups/delete" } } },
                assignableScopes = new[] { _arm.Subscription },
            },
        });
        await _arm.SendAsync(ci, "PUT", $"{_arm.Subscription}/providers/Microsoft.Authorization/roleAssignments/{Guid.NewGuid()}?api-version={Api}", Body(lab.UserObjectId("reader"), roleId));
        var reader = await _arm.UserAsync("reader");

        Assert.Equal("Owner", owner.Body!["properties"]!["roleName"]!.GetValue<string>());
        Assert.Equal("BuiltInRole", owner.Body!["properties"]!["type"]!.GetValue<string>());
        Assert.Equal("CustomRole", Assert.Single(seedRole.Body!["value"]!.AsArray())!["properties"]!["type"]!.GetValue<string>());
        Assert.Equal(201, custom.Status);
        Assert.Equal(201, (await _arm.PutResourceGroupAsync(reader, "made-by-reader")).Status);
        Assert.Equal(403, (await _arm.SendAsync(reader, "DELETE", $"{_arm.ResourceGroupId("made-by-reader")}?api-version=2022-09-01")).Status);
    }
}
