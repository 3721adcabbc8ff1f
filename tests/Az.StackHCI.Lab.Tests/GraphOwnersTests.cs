using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// GET /applications/{id}/owners and /servicePrincipals/{id}/owners as Graph v1.0 answers them: directoryObjects with
/// their @odata.type, users with userPrincipalName, service principals with appId and displayName, for any reader.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class GraphOwnersTests(LabFixture lab) : IAsyncLifetime
{
    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_user_who_created_an_application_owns_it_and_any_member_user_reads_its_owners()
    {
        var admin = await lab.UserClientAsync("admin");
        var app = await admin.Applications.PostAsync(new Application { DisplayName = "owned-by-admin" });
        var sp = await admin.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });

        var reader = await lab.UserClientAsync("reader");
        var owners = await reader.Applications[app.Id].Owners.GetAsync();
        var spOwners = await reader.ServicePrincipals[sp!.Id].Owners.GetAsync();

        var owner = Assert.IsType<User>(Assert.Single(owners!.Value!));
        Assert.Equal(lab.UserObjectId("admin"), owner.Id);
        Assert.Equal(lab.UserName("admin"), owner.UserPrincipalName);
        Assert.Equal("#microsoft.graph.user", owner.OdataType);
        Assert.Equal(lab.UserObjectId("admin"), Assert.IsType<User>(Assert.Single(spOwners!.Value!)).Id);
    }

    [Fact]
    public async Task An_application_created_by_a_service_principal_lists_that_service_principal_as_owner()
    {
        var ci = lab.Client(lab.CiCredential());
        var app = await ci.Applications.PostAsync(new Application { DisplayName = "owned-by-ci" });

        var owners = await (await lab.UserClientAsync("operator")).Applications[app!.Id].Owners.GetAsync();

        var owner = Assert.IsType<ServicePrincipal>(Assert.Single(owners!.Value!));
        Assert.Equal(lab.Json["servicePrincipals"]!["ci"]!["objectId"]!.GetValue<string>(), owner.Id);
        Assert.Equal(lab.CiAppId, owner.AppId);
        Assert.Equal("Az.StackHCI Lab CI", owner.DisplayName);
    }

    [Fact]
    public async Task The_owners_answer_is_a_directoryObjects_collection_with_types_also_under_select()
    {
        var admin = await lab.UserClientAsync("admin");
        var app = await admin.Applications.PostAsync(new Application { DisplayName = "raw-owners" });
        var token = await lab.UserCredential().GetTokenAsync(new TokenRequestContext(new[] { lab.Graph + ".default" }), default);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        var all = JsonNode.Parse(await http.GetStringAsync(new Uri(lab.Graph, $"v1.0/applications/{app!.Id}/owners")))!;
        var selected = JsonNode.Parse(await http.GetStringAsync(new Uri(lab.Graph, $"v1.0/applications/{app.Id}/owners?$select=id")))!;

        Assert.EndsWith("$metadata#directoryObjects", all["@odata.context"]!.GetValue<string>());
        var owner = all["value"]!.AsArray().Single()!;
        Assert.Equal("#microsoft.graph.user", owner["@odata.type"]!.GetValue<string>());
        Assert.Equal(lab.UserName("admin"), owner["userPrincipalName"]!.GetValue<string>());
        var projected = selected["value"]!.AsArray().Single()!.AsObject();
        Assert.Equal(new[] { "@odata.type", "id" }, projected.Select(p => p.Key));
    }

    [Fact]
    public async Task Seeded_first_party_applications_have_no_owners_and_an_unknown_one_is_not_found()
    {
        var graph = await lab.UserClientAsync("reader");
        var hci = await graph.ApplicationsWithAppId(GraphTestKit.HciAppId).GetAsync();

        var owners = await graph.Applications[hci!.Id].Owners.GetAsync();
        var missing = await Assert.ThrowsAsync<ODataError>(() => graph.Applications[Guid.NewGuid().ToString()].Owners.GetAsync());

        Assert.Empty(owners!.Value!);
        Assert.Equal(404, missing.ResponseStatusCode);
    }
}
