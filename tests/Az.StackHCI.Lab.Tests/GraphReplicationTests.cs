using System.Diagnostics;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Applications.Item.AddPassword;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// Directory replication as Graph shows it (PUT /replication graphNotFoundMs): right after creation an application or
/// service principal is not found by id, by appId or in $filter lists, and an app role assignment naming it is a bad
/// request; and a new tenant's missing Azure Stack HCI service principal (hciServicePrincipalAbsentMs).
/// </summary>
[Collection(LabCollection.Name)]
public sealed class GraphReplicationTests(LabFixture lab) : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_new_application_and_its_service_principal_are_created_but_not_found_by_id_while_Graph_replicates()
    {
        await lab.PutControlAsync("replication", new { graphNotFoundMs = 600_000 });
        var graph = await lab.UserClientAsync("admin");

        var app = await graph.Applications.PostAsync(new Application { DisplayName = "young-app" });
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });

        Assert.NotNull(sp);
        await AssertNotFound(app.Id!, () => graph.Applications[app.Id].GetAsync());
        await AssertNotFound(app.AppId!, () => graph.ApplicationsWithAppId(app.AppId).GetAsync());
        await AssertNotFound(app.Id!, () => graph.Applications[app.Id].Owners.GetAsync());
        await AssertNotFound(app.Id!, () => graph.Applications[app.Id].AddPassword.PostAsync(new AddPasswordPostRequestBody { PasswordCredential = new PasswordCredential() }));
        await AssertNotFound(app.Id!, () => graph.Applications[app.Id].PatchAsync(new Application { DisplayName = "renamed" }));
        await AssertNotFound(sp!.Id!, () => graph.ServicePrincipals[sp.Id].GetAsync());
        await AssertNotFound(app.AppId!, () => graph.ServicePrincipalsWithAppId(app.AppId).GetAsync());
        await AssertNotFound(sp.Id!, () => graph.ServicePrincipals[sp.Id].AppRoleAssignments.GetAsync());
        await AssertNotFound(sp.Id!, () => graph.ServicePrincipals[sp.Id].Owners.GetAsync());
        var apps = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{app.AppId}'");
        var sps = await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{app.AppId}'");
        var all = await graph.ServicePrincipals.GetAsync();
        Assert.Empty(apps!.Value!);
        Assert.Empty(sps!.Value!);
        Assert.DoesNotContain(all!.Value!, s => s.Id == sp.Id);
    }

    [Fact]
    public async Task An_app_role_assignment_naming_a_principal_that_is_still_replicating_is_a_bad_request()
    {
        await lab.PutControlAsync("replication", new { graphNotFoundMs = 600_000 });
        var graph = await lab.UserClientAsync("admin");
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "young-client" });
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });
        var hci = (await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{GraphTestKit.HciAppId}'"))!.Value!.Single();
        var assignment = new AppRoleAssignment { PrincipalId = Guid.Parse(sp!.Id!), ResourceId = Guid.Parse(hci.Id!), AppRoleId = GraphTestKit.HciRoles[0].Id };

        var byResource = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals[hci.Id].AppRoleAssignedTo.PostAsync(assignment));
        var byPrincipal = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals[sp.Id].AppRoleAssignments.PostAsync(assignment));

        Assert.Equal(400, byResource.ResponseStatusCode);
        Assert.Equal("Request_BadRequest", byResource.Error!.Code);
        Assert.Equal($"Resource '{sp.Id}' does not exist or one of its queried reference-property objects are not present.", byResource.Error.Message);
        Assert.Equal(404, byPrincipal.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", byPrincipal.Error!.Code);
    }

    [Fact]
    public async Task After_graphNotFoundMs_a_new_application_is_found()
    {
        const int windowMs = 3000;
        await lab.PutControlAsync("replication", new { graphNotFoundMs = windowMs });
        var graph = await lab.UserClientAsync("admin");

        var watch = Stopwatch.StartNew();
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "soon-found" });
        try
        {
            await graph.Applications[app!.Id].GetAsync();

            // Found: only right if the window (which began after the watch started) is over.
            Assert.True(watch.ElapsedMilliseconds >= windowMs, "Graph found the application while it was still replicating.");
        }
        catch (ODataError error)
        {
            Assert.Equal(404, error.ResponseStatusCode);
        }

        var found = await PollAsync(async () =>
        {
            try
            {
                return await graph.Applications[app!.Id].GetAsync();
            }
            catch (ODataError error) when (error.ResponseStatusCode == 404)
            {
                return null;
            }
        });
        Assert.Equal("soon-found", found.DisplayName);
        var listed = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{app!.AppId}'");
        Assert.Single(listed!.Value!);
    }

    [Fact]
    public async Task Without_graphNotFoundMs_a_new_application_is_found_at_once()
    {
        var graph = await lab.UserClientAsync("admin");

        var app = await graph.Applications.PostAsync(new Application { DisplayName = "found-at-once" });

        Assert.Equal("found-at-once", (await graph.Applications[app!.Id].GetAsync())!.DisplayName);
    }

    [Fact]
    public async Task A_new_tenant_lacks_the_HCI_service_principal_in_Graph_and_at_sign_in_until_reset()
    {
        var state = await lab.StateAsync();
        var hciSpId = state["servicePrincipals"]!.AsArray().Single(s => s!["appId"]!.GetValue<string>() == GraphTestKit.HciAppId)!["id"]!.GetValue<string>();
        await lab.PutControlAsync("replication", new { hciServicePrincipalAbsentMs = 600_000 });
        var graph = await lab.UserClientAsync("admin");

        var listed = await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{GraphTestKit.HciAppId}'");
        Assert.Empty(listed!.Value!);
        await AssertNotFound(hciSpId, () => graph.ServicePrincipals[hciSpId].GetAsync());
        await AssertNotFound(GraphTestKit.HciAppId, () => graph.ServicePrincipalsWithAppId(GraphTestKit.HciAppId).GetAsync());
        var signIn = await Assert.ThrowsAsync<AuthenticationFailedException>(() => lab.HciTokenAsync(lab.CiCredential()));
        Assert.Contains("AADSTS500011", signIn.ToString());

        await lab.ResetAsync();

        var again = await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{GraphTestKit.HciAppId}'");
        Assert.Equal(hciSpId, Assert.Single(again!.Value!).Id);
        Assert.Equal(hciSpId, (await graph.ServicePrincipals[hciSpId].GetAsync())!.Id);
    }

    [Fact]
    public async Task The_HCI_service_principal_appears_when_hciServicePrincipalAbsentMs_is_over()
    {
        const int windowMs = 3000;
        var graph = await lab.UserClientAsync("admin");
        string Filter() => $"appId eq '{GraphTestKit.HciAppId}'";

        var watch = Stopwatch.StartNew();
        await lab.PutControlAsync("replication", new { hciServicePrincipalAbsentMs = windowMs });
        var first = await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = Filter());
        Assert.True(first!.Value!.Count == 0 || watch.ElapsedMilliseconds >= windowMs, "The HCI service principal was listed while absent.");

        var present = await PollAsync(async () =>
            (await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = Filter()))!.Value!.SingleOrDefault());
        Assert.Equal(GraphTestKit.HciAppId, present.AppId);
        var token = await lab.HciTokenAsync(lab.CiCredential());
        Assert.Equal(lab.Hci.AbsoluteUri.TrimEnd('/'), TokenClaims.Read(token.Token)["aud"]!.GetValue<string>().TrimEnd('/'));
    }

    [Fact]
    public async Task Creating_the_missing_HCI_service_principal_makes_it_present()
    {
        await lab.PutControlAsync("replication", new { hciServicePrincipalAbsentMs = 600_000 });
        var graph = await lab.UserClientAsync("admin");

        var created = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = GraphTestKit.HciAppId });

        Assert.Equal(GraphTestKit.HciAppId, created!.AppId);
        var listed = await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{GraphTestKit.HciAppId}'");
        Assert.Equal(created.Id, Assert.Single(listed!.Value!).Id);
        var again = await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = GraphTestKit.HciAppId }));
        Assert.Equal(409, again.ResponseStatusCode);
    }

    [Fact]
    public async Task Replication_settings_keep_what_a_PUT_leaves_out_and_reset_clears_them()
    {
        await lab.PutControlAsync("replication", new { delayMs = 1234, graphNotFoundMs = 4321 });

        var answer = await lab.PutControlAsync("replication", new { hciServicePrincipalAbsentMs = 600_000 });

        Assert.Equal(1234, answer["delayMs"]!.GetValue<int>());
        Assert.Equal(4321, answer["graphNotFoundMs"]!.GetValue<int>());
        Assert.NotNull(answer["hciServicePrincipalAbsentUntil"]);
        await lab.ResetAsync();
        var settings = (await lab.StateAsync())["settings"]!;
        Assert.Equal(0, settings["replicationDelayMs"]!.GetValue<int>());
        Assert.Equal(0, settings["graphNotFoundMs"]!.GetValue<int>());
        Assert.Null(settings["hciServicePrincipalAbsentUntil"]);
        var bad = await lab.Control.PutAsync("replication", new StringContent("{\"graphNotFoundMs\":-1}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)bad.StatusCode);
    }

    private static async Task AssertNotFound(string id, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ODataError>(call);
        Assert.Equal(404, error.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", error.Error!.Code);
        Assert.Equal($"Resource '{id}' does not exist or one of its queried reference-property objects are not present.", error.Error.Message);
    }

    /// <summary>Polls every 250 ms until the probe returns something, for at most a minute.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + Generous;
        while (true)
        {
            if (await probe() is T value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "Not found within a minute.");
            await Task.Delay(250);
        }
    }
}
