using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Identity;
using Microsoft.Graph;
using Microsoft.Graph.Applications.Item.AddKey;
using Microsoft.Graph.Applications.Item.AddPassword;
using Microsoft.Graph.Applications.Item.RemovePassword;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>The real GraphServiceClient against the lab's /applications: create, read, filter, page, credentials.</summary>
[Collection(LabCollection.Name)]
public sealed class GraphApplicationTests(LabFixture lab) : IAsyncLifetime
{
    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Creates_an_application_and_reads_it_by_id_and_by_appId()
    {
        var graph = lab.Client(lab.UserCredential());

        var created = await graph.Applications.PostAsync(GraphTestKit.HciApplication("cluster-one"));

        Assert.NotNull(created);
        Assert.True(Guid.TryParse(created!.Id, out _));
        Assert.True(Guid.TryParse(created.AppId, out _));
        Assert.Equal("AzureADMyOrg", created.SignInAudience);
        var access = Assert.Single(created.RequiredResourceAccess!);
        Assert.Equal(GraphTestKit.HciAppId, access.ResourceAppId);
        Assert.Equal(GraphTestKit.HciRoles.Select(r => r.Id), access.ResourceAccess!.Select(r => r.Id!.Value));
        var byId = await graph.Applications[created.Id].GetAsync();
        var byAppId = await graph.ApplicationsWithAppId(created.AppId).GetAsync();
        Assert.Equal("cluster-one", byId!.DisplayName);
        Assert.Equal(created.Id, byAppId!.Id);
        Assert.Empty(byId.KeyCredentials!);
    }

    [Fact]
    public async Task An_unknown_application_is_Request_ResourceNotFound()
    {
        var graph = lab.Client(lab.CiCredential());
        var id = Guid.NewGuid().ToString();

        var error = await Assert.ThrowsAsync<ODataError>(() => graph.Applications[id].GetAsync());
        var byAppId = await Assert.ThrowsAsync<ODataError>(() => graph.ApplicationsWithAppId(id).GetAsync());

        Assert.Equal(404, error.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", error.Error!.Code);
        Assert.Contains(id, error.Error.Message);
        Assert.Equal("Request_ResourceNotFound", byAppId.Error!.Code);
    }

    [Fact]
    public async Task Filters_by_displayName_and_appId_with_escaped_quotes()
    {
        var graph = lab.Client(lab.CiCredential());
        var quoted = await graph.Applications.PostAsync(new Application { DisplayName = "O'Brien's cluster" });
        await graph.Applications.PostAsync(new Application { DisplayName = "other" });

        var byName = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = "displayName eq 'O''Brien''s cluster'");
        var byAppId = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{quoted!.AppId}'");
        var both = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = $"displayName eq 'o''brien''s CLUSTER' and appId eq '{quoted!.AppId}'");
        var contradiction = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = $"displayName eq 'other' and appId eq '{quoted!.AppId}'");
        var none = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = "displayName eq 'nothing like it'");

        Assert.Equal(quoted!.Id, Assert.Single(byName!.Value!).Id);
        Assert.Equal(quoted.Id, Assert.Single(byAppId!.Value!).Id);
        Assert.Equal(quoted.Id, Assert.Single(both!.Value!).Id);
        Assert.Empty(contradiction!.Value!);
        Assert.Empty(none!.Value!);
    }

    [Fact]
    public async Task Select_projects_and_unsupported_filters_are_refused()
    {
        var graph = lab.Client(lab.CiCredential());
        await graph.Applications.PostAsync(new Application { DisplayName = "selected" });

        var selected = await graph.Applications.GetAsync(r =>
        {
            r.QueryParameters.Filter = "displayName eq 'selected'";
            r.QueryParameters.Select = new[] { "appId", "displayName" };
        });
        var unsupported = await Assert.ThrowsAsync<ODataError>(() => graph.Applications.GetAsync(r => r.QueryParameters.Filter = "notes eq 'x'"));
        var syntax = await Assert.ThrowsAsync<ODataError>(() => graph.Applications.GetAsync(r => r.QueryParameters.Filter = "displayName eq"));
        var unknownSelect = await Assert.ThrowsAsync<ODataError>(() => graph.Applications.GetAsync(r => r.QueryParameters.Select = new[] { "nonsense" }));

        var app = Assert.Single(selected!.Value!);
        Assert.Equal("selected", app.DisplayName);
        Assert.NotNull(app.AppId);
        Assert.Null(app.Id);
        Assert.Null(app.RequiredResourceAccess);
        Assert.Equal((400, "Request_UnsupportedQuery"), (unsupported.ResponseStatusCode, unsupported.Error!.Code));
        Assert.Equal(400, syntax.ResponseStatusCode);
        Assert.Equal(400, unknownSelect.ResponseStatusCode);
    }

    [Fact]
    public async Task PageIterator_follows_nextLink_past_the_page_size()
    {
        await lab.PutControlAsync("directory", new { graphPageSize = 4 });
        var graph = lab.Client(lab.CiCredential());
        for (var i = 0; i < 10; i++)
        {
            await graph.Applications.PostAsync(new Application { DisplayName = $"paged-{i:00}" });
        }

        var first = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = "startswith(displayName,'paged-')");
        var seen = new List<string>();
        var iterator = PageIterator<Application, ApplicationCollectionResponse>.CreatePageIterator(graph, first!, a =>
        {
            seen.Add(a.DisplayName!);
            return true;
        });
        await iterator.IterateAsync();

        Assert.Equal(4, first!.Value!.Count);
        Assert.StartsWith(lab.Graph + "v1.0/applications?", first.OdataNextLink);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"paged-{i:00}"), seen);
        var pages = lab.Journal().Where(e => e["service"]!.GetValue<string>() == "graph" && e["method"]!.GetValue<string>() == "GET").ToList();
        Assert.Equal(3, pages.Count);
        Assert.All(pages.Skip(1), p => Assert.Contains("$skiptoken=", p["query"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Top_sets_the_page_size_and_the_default_page_is_100()
    {
        var graph = lab.Client(lab.CiCredential());
        for (var i = 0; i < 101; i++)
        {
            await graph.Applications.PostAsync(new Application { DisplayName = $"many-{i:000}" });
        }

        var top = await graph.Applications.GetAsync(r =>
        {
            r.QueryParameters.Filter = "startswith(displayName,'many-')";
            r.QueryParameters.Top = 7;
        });
        var page = await graph.Applications.GetAsync(r => r.QueryParameters.Filter = "startswith(displayName,'many-')");
        var rest = await graph.Applications.WithUrl(page!.OdataNextLink!).GetAsync();

        Assert.Equal(7, top!.Value!.Count);
        Assert.NotNull(top.OdataNextLink);
        Assert.Equal(100, page.Value!.Count);
        Assert.Equal("many-100", Assert.Single(rest!.Value!).DisplayName);
        Assert.Null(rest.OdataNextLink);
    }

    [Fact]
    public async Task Patching_key_credentials_replaces_the_collection_and_keys_are_shown_only_when_selected()
    {
        var graph = lab.Client(lab.UserCredential());
        using var first = GraphTestKit.Certificate("CN=node1");
        using var second = GraphTestKit.Certificate("CN=node2");
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "keys" });

        await graph.Applications[app!.Id].PatchAsync(new Application { KeyCredentials = new() { GraphTestKit.KeyCredential(first) } });
        var read = await graph.Applications[app.Id].GetAsync();
        var existing = Assert.Single(read!.KeyCredentials!);
        Assert.Null(existing.Key);
        Assert.Equal(first.GetCertHash(), existing.CustomKeyIdentifier);
        Assert.Equal("CN=node1", existing.DisplayName);

        // What clients do to add a key: send back what they read (key null) plus the new one.
        await graph.Applications[app.Id].PatchAsync(new Application { KeyCredentials = new() { existing, GraphTestKit.KeyCredential(second) } });
        var selected = await graph.Applications[app.Id].GetAsync(r => r.QueryParameters.Select = new[] { "keyCredentials" });
        Assert.Equal(new[] { first.RawData, second.RawData }, selected!.KeyCredentials!.Select(k => k.Key));
        var listed = await graph.Applications.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"appId eq '{app.AppId}'";
            r.QueryParameters.Select = new[] { "keyCredentials" };
        });
        Assert.All(Assert.Single(listed!.Value!).KeyCredentials!, k => Assert.Null(k.Key));

        await graph.Applications[app.Id].PatchAsync(new Application { KeyCredentials = new() { GraphTestKit.KeyCredential(second) } });
        var replaced = await graph.Applications[app.Id].GetAsync(r => r.QueryParameters.Select = new[] { "keyCredentials" });
        Assert.Equal(second.RawData, Assert.Single(replaced!.KeyCredentials!).Key);
    }

    [Fact]
    public async Task Invalid_key_credentials_are_refused()
    {
        var graph = lab.Client(lab.UserCredential());
        using var certificate = GraphTestKit.Certificate("CN=node", days: 30);
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "invalid keys" });
        var keyId = Guid.NewGuid();

        async Task<ODataError> Patch(params KeyCredential[] keys) =>
            await Assert.ThrowsAsync<ODataError>(() => graph.Applications[app!.Id].PatchAsync(new Application { KeyCredentials = keys.ToList() }));

        var pastExpiry = await Patch(GraphTestKit.KeyCredential(certificate, end: certificate.NotAfter.ToUniversalTime().AddDays(1)));
        var beforeValidity = await Patch(GraphTestKit.KeyCredential(certificate, start: certificate.NotBefore.ToUniversalTime().AddDays(-1)));
        var notACertificate = await Patch(new KeyCredential { Type = "AsymmetricX509Cert", Usage = "Verify", Key = new byte[] { 1, 2, 3 } });
        var duplicate = await Patch(GraphTestKit.KeyCredential(certificate, keyId: keyId), GraphTestKit.KeyCredential(certificate, keyId: keyId));

        Assert.All(new[] { pastExpiry, beforeValidity, notACertificate, duplicate }, e => Assert.Equal((400, "Request_BadRequest"), (e.ResponseStatusCode, e.Error!.Code)));
        Assert.Contains("end date is invalid", pastExpiry.Error!.Message);
        Assert.Contains("start date is invalid", beforeValidity.Error!.Message);
        Assert.Contains("Duplicate keyId", duplicate.Error!.Message);
        Assert.Empty((await graph.Applications[app!.Id].GetAsync())!.KeyCredentials!);
    }

    [Fact]
    public async Task AddPassword_returns_the_secret_once_and_removePassword_revokes_it()
    {
        var graph = lab.Client(lab.UserCredential());
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "secrets" });
        await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });

        var password = await graph.Applications[app.Id].AddPassword.PostAsync(new AddPasswordPostRequestBody { PasswordCredential = new PasswordCredential { DisplayName = "ci" } });

        Assert.Equal(40, password!.SecretText!.Length);
        Assert.Equal(password.SecretText[..3], password.Hint);
        var read = Assert.Single((await graph.Applications[app.Id].GetAsync())!.PasswordCredentials!);
        Assert.Null(read.SecretText);
        Assert.Equal(password.KeyId, read.KeyId);
        Assert.DoesNotContain(password.SecretText, File.ReadAllText(lab.JournalPath));
        var credential = new ClientSecretCredential(lab.TenantId, app.AppId, password.SecretText, lab.Configure(new ClientSecretCredentialOptions()));
        await lab.HciTokenAsync(credential);

        await graph.Applications[app.Id].RemovePassword.PostAsync(new RemovePasswordPostRequestBody { KeyId = password.KeyId });

        var revoked = new ClientSecretCredential(lab.TenantId, app.AppId, password.SecretText, lab.Configure(new ClientSecretCredentialOptions()));
        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(() => lab.HciTokenAsync(revoked));
        Assert.Contains("AADSTS7000215", error.ToString());
        Assert.Empty((await graph.Applications[app.Id].GetAsync())!.PasswordCredentials!);
    }

    [Fact]
    public async Task AddKey_needs_a_proof_signed_by_a_current_certificate()
    {
        var graph = lab.Client(lab.UserCredential());
        using var current = GraphTestKit.Certificate("CN=current");
        using var next = GraphTestKit.Certificate("CN=next");
        using var stranger = GraphTestKit.Certificate("CN=stranger");
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "rollover", KeyCredentials = new() { GraphTestKit.KeyCredential(current) } });
        await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });

        var forged = await Assert.ThrowsAsync<ODataError>(() => graph.Applications[app.Id].AddKey.PostAsync(new AddKeyPostRequestBody
        {
            KeyCredential = GraphTestKit.KeyCredential(next), Proof = GraphTestKit.Proof(stranger, app.Id!),
        }));
        var wrongAudience = await Assert.ThrowsAsync<ODataError>(() => graph.Applications[app.Id].AddKey.PostAsync(new AddKeyPostRequestBody
        {
            KeyCredential = GraphTestKit.KeyCredential(next), Proof = GraphTestKit.Proof(current, app.Id!, audience: "https://graph.microsoft.com"),
        }));

        // The application rolls its own key: signed in with the current certificate, proving possession of it.
        var self = lab.Client(lab.CertificateCredential(app.AppId!, current));
        var added = await self.Applications[app.Id].AddKey.PostAsync(new AddKeyPostRequestBody
        {
            KeyCredential = GraphTestKit.KeyCredential(next), Proof = GraphTestKit.Proof(current, app.Id!),
        });

        Assert.Equal((400, "Request_BadRequest"), (forged.ResponseStatusCode, forged.Error!.Code));
        Assert.Equal(400, wrongAudience.ResponseStatusCode);
        Assert.Equal("CN=next", added!.DisplayName);
        Assert.Null(added.Key);
        Assert.Equal(2, (await graph.Applications[app.Id].GetAsync())!.KeyCredentials!.Count);
        await lab.HciTokenAsync(lab.CertificateCredential(app.AppId!, next));
    }

    [Fact]
    public async Task Patch_is_204_and_delete_removes_the_application_and_its_service_principal()
    {
        var graph = lab.Client(lab.UserCredential());
        var app = await graph.Applications.PostAsync(new Application { DisplayName = "short-lived" });
        var sp = await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app!.AppId });

        await graph.Applications[app.Id].PatchAsync(new Application { DisplayName = "renamed", Notes = "kept as sent" });
        var renamed = await graph.Applications[app.Id].GetAsync();
        await graph.Applications[app.Id].DeleteAsync();

        Assert.Equal(("renamed", "kept as sent"), (renamed!.DisplayName, renamed.Notes));
        Assert.Equal(404, (await Assert.ThrowsAsync<ODataError>(() => graph.Applications[app.Id].GetAsync())).ResponseStatusCode);
        Assert.Equal(404, (await Assert.ThrowsAsync<ODataError>(() => graph.ServicePrincipals[sp!.Id].GetAsync())).ResponseStatusCode);
        var patch = lab.Journal().Single(e => e["method"]!.GetValue<string>() == "PATCH");
        Assert.Equal(204, patch["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Without_a_token_Graph_answers_401_InvalidAuthenticationToken_as_JSON()
    {
        using var http = new HttpClient();
        using var anonymous = await http.GetAsync(new Uri(lab.Graph, "v1.0/applications"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(lab.Graph, "v1.0/applications"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await lab.CiCredential().GetTokenAsync(new(new[] { lab.ArmScope }), default)).Token);
        using var wrongAudience = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/json", anonymous.Content.Headers.ContentType!.MediaType);
        var error = JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("InvalidAuthenticationToken", error["code"]!.GetValue<string>());
        Assert.NotNull(error["innerError"]!["request-id"]);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
    }
}
