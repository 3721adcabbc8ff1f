using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// A B2B guest from another tenant (users.guest) and ARM's tenant challenge: at /organizations the guest gets tokens
/// of its home tenant, whose subscriptions it has none of; ARM's 401 names the subscription's tenant; the refresh
/// token then gives a token of the lab tenant with the guest's object id there.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class GuestTenantTests(LabFixture lab) : IAsyncLifetime
{
    private const string ArmTenantsApi = "2022-12-01";

    private string HomeTenantId => lab.Json["users"]!["guest"]!["homeTenantId"]!.GetValue<string>();

    private string HomeObjectId => lab.Json["users"]!["guest"]!["homeObjectId"]!.GetValue<string>();

    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void Lab_json_describes_the_guest_and_its_home_tenant()
    {
        var guest = lab.Json["users"]!["guest"]!;

        Assert.NotEqual(lab.TenantId, HomeTenantId);
        Assert.True(Guid.TryParse(HomeTenantId, out _));
        Assert.NotEqual(lab.UserObjectId("guest"), HomeObjectId);
        Assert.EndsWith("@azstackhcipartner.onmicrosoft.com", lab.UserName("guest"));
        Assert.Contains("#EXT#@", guest["userPrincipalName"]!.GetValue<string>());
    }

    [Fact]
    public async Task At_organizations_the_guest_signs_in_to_its_home_tenant_and_the_refresh_token_gives_the_lab_tenant()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = "guest", delayMs = 0 });
        var credential = GuestCredential();

        var home = TokenClaims.Read((await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.ArmScope }), default)).Token);
        var inLab = TokenClaims.Read((await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.ArmScope }, tenantId: lab.TenantId), default)).Token);

        Assert.Equal(HomeTenantId, home["tid"]!.GetValue<string>());
        Assert.Equal(HomeObjectId, home["oid"]!.GetValue<string>());
        Assert.Equal($"https://sts.windows.net/{HomeTenantId}/", home["iss"]!.GetValue<string>());
        Assert.Equal(lab.UserName("guest"), home["upn"]!.GetValue<string>());
        Assert.Null(home["idp"]);
        Assert.Equal(lab.TenantId, inLab["tid"]!.GetValue<string>());
        Assert.Equal(lab.UserObjectId("guest"), inLab["oid"]!.GetValue<string>());
        Assert.Equal($"https://sts.windows.net/{lab.TenantId}/", inLab["iss"]!.GetValue<string>());
        Assert.Equal($"https://sts.windows.net/{HomeTenantId}/", inLab["idp"]!.GetValue<string>());
        Assert.Equal(lab.UserName("guest"), inLab["unique_name"]!.GetValue<string>());
        Assert.Equal(lab.UserName("guest"), inLab["email"]!.GetValue<string>());
        Assert.Null(inLab["upn"]);
        var authority = lab.Journal().Where(e => e["service"]!.GetValue<string>() == "authority").ToList();
        var deviceCode = Assert.Single(authority, e => e["path"]!.GetValue<string>().EndsWith("/devicecode", StringComparison.Ordinal));
        Assert.Equal("/organizations/oauth2/v2.0/devicecode", deviceCode["path"]!.GetValue<string>());
        var last = authority.Last();
        Assert.Equal($"/{lab.TenantId}/oauth2/v2.0/token", last["path"]!.GetValue<string>());
        Assert.Equal("refresh_token", last["body"]!["grant_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_guest_signed_in_at_the_lab_tenant_directly_gets_lab_tokens_and_a_home_account()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = "guest", delayMs = 0 });
        var credential = new DeviceCodeCredential(lab.Configure(new DeviceCodeCredentialOptions { TenantId = lab.TenantId, DeviceCodeCallback = (_, _) => Task.CompletedTask }));

        var record = await credential.AuthenticateAsync(new TokenRequestContext(new[] { lab.ArmScope }), default);
        var token = TokenClaims.Read((await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.ArmScope }), default)).Token);

        Assert.Equal(lab.UserName("guest"), record.Username);
        Assert.Equal($"{HomeObjectId}.{HomeTenantId}", record.HomeAccountId);
        Assert.Equal(lab.TenantId, token["tid"]!.GetValue<string>());
        Assert.Equal(lab.UserObjectId("guest"), token["oid"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_member_of_the_lab_tenant_is_not_in_the_guest_home_tenant()
    {
        var credential = new DeviceCodeCredential(lab.Configure(new DeviceCodeCredentialOptions { TenantId = HomeTenantId, DeviceCodeCallback = (_, _) => Task.CompletedTask }));

        var error = await Assert.ThrowsAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(new TokenRequestContext(new[] { lab.ArmScope }), default).AsTask());

        Assert.Contains("AADSTS50020", error.ToString());
    }

    [Fact]
    public async Task ARM_refuses_a_home_tenant_token_for_the_lab_subscription_with_its_tenant_challenge()
    {
        var (homeToken, _) = await GuestTokensAsync();

        var response = await GetAsync($"subscriptions/{lab.SubscriptionId}?api-version=2022-12-01", homeToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var message = $"The access token is from the wrong issuer 'https://sts.windows.net/{HomeTenantId}/'. It must match the tenant 'https://sts.windows.net/{lab.TenantId}/' associated with this subscription. Please use the authority (URL) '{lab.Authority}{lab.TenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.";
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("InvalidAuthenticationTokenTenant", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(message, body["error"]!["message"]!.GetValue<string>());
        Assert.Equal($"Bearer authorization_uri=\"{lab.Authority}{lab.TenantId}\", error=\"invalid_token\", error_description=\"{message}\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Without_a_token_the_subscription_challenge_names_the_subscription_tenant_and_a_tenant_level_one_none()
    {
        var subscription = await GetAsync($"subscriptions/{lab.SubscriptionId}?api-version=2022-12-01", null);
        var tenants = await GetAsync($"tenants?api-version={ArmTenantsApi}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, subscription.StatusCode);
        Assert.Equal($"Bearer authorization_uri=\"{lab.Authority}{lab.TenantId}\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\"",
            subscription.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, tenants.StatusCode);
        Assert.StartsWith($"Bearer authorization_uri=\"{lab.Authority}\", error=\"invalid_token\"", tenants.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task With_its_home_token_the_guest_sees_no_subscription_and_both_its_tenants()
    {
        var (homeToken, _) = await GuestTokensAsync();

        var subscriptions = await GetJsonAsync($"subscriptions?api-version=2022-12-01", homeToken);
        var tenants = await GetJsonAsync($"tenants?api-version={ArmTenantsApi}", homeToken);

        Assert.Empty(subscriptions["value"]!.AsArray());
        Assert.Equal(new[] { HomeTenantId, lab.TenantId }, tenants["value"]!.AsArray().Select(t => t!["tenantId"]!.GetValue<string>()));
        var labTenant = tenants["value"]!.AsArray().Last()!;
        Assert.Equal($"/tenants/{lab.TenantId}", labTenant["id"]!.GetValue<string>());
        Assert.Equal("Home", labTenant["tenantCategory"]!.GetValue<string>());
        Assert.Equal("azstackhcilab.onmicrosoft.com", labTenant["defaultDomain"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_its_lab_token_the_guest_is_Owner_of_the_lab_subscription()
    {
        var (_, labToken) = await GuestTokensAsync();

        var subscription = await GetJsonAsync($"subscriptions/{lab.SubscriptionId}?api-version=2022-12-01", labToken);
        var subscriptions = await GetJsonAsync("subscriptions?api-version=2022-12-01", labToken);
        var tenants = await GetJsonAsync($"tenants?api-version={ArmTenantsApi}", labToken);
        using var http = Http(labToken);
        var group = await http.PutAsJsonAsync(new Uri(lab.Arm, $"subscriptions/{lab.SubscriptionId}/resourcegroups/guest-rg?api-version=2022-09-01"), new { location = "eastus" });

        Assert.Equal(lab.TenantId, subscription["tenantId"]!.GetValue<string>());
        Assert.Single(subscriptions["value"]!.AsArray());
        Assert.Equal(2, tenants["value"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var state = await lab.StateAsync();
        Assert.Contains(state["roleAssignments"]!.AsArray(), a => a!["principalId"]!.GetValue<string>() == lab.UserObjectId("guest")
            && a["roleDefinitionId"]!.GetValue<string>() == "8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
    }

    [Fact]
    public async Task A_member_lists_only_the_lab_tenant()
    {
        var token = await lab.UserCredential().GetTokenAsync(new TokenRequestContext(new[] { lab.ArmScope }), default);

        var tenants = await GetJsonAsync($"tenants?api-version={ArmTenantsApi}", token.Token);

        Assert.Equal(lab.TenantId, Assert.Single(tenants["value"]!.AsArray())!["tenantId"]!.GetValue<string>());
        Assert.Equal("Az.StackHCI Lab", tenants["value"]![0]!["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task In_Graph_the_guest_reads_applications_but_may_not_register_one()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = "guest", delayMs = 0 });
        var graph = lab.Client(new DeviceCodeCredential(lab.Configure(new DeviceCodeCredentialOptions { TenantId = lab.TenantId, DeviceCodeCallback = (_, _) => Task.CompletedTask })));

        var hci = await graph.ApplicationsWithAppId(GraphTestKit.HciAppId).GetAsync();
        var denied = await Assert.ThrowsAsync<ODataError>(() => graph.Applications.PostAsync(new Application { DisplayName = "by-guest" }));

        Assert.Equal(GraphTestKit.HciAppId, hci!.AppId);
        Assert.Equal(403, denied.ResponseStatusCode);
        Assert.Equal("Authorization_RequestDenied", denied.Error!.Code);
    }

    /// <summary>The guest's device code credential as a module would build it: no tenant, the lab tenant allowed.</summary>
    private DeviceCodeCredential GuestCredential() => new(lab.Configure(new DeviceCodeCredentialOptions
    {
        DeviceCodeCallback = (_, _) => Task.CompletedTask,
        AdditionallyAllowedTenants = { lab.TenantId },
    }));

    private async Task<(string Home, string Lab)> GuestTokensAsync()
    {
        await lab.PutControlAsync("devicecode/autoapprove", new { user = "guest", delayMs = 0 });
        var credential = GuestCredential();
        var home = await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.ArmScope }), default);
        var inLab = await credential.GetTokenAsync(new TokenRequestContext(new[] { lab.ArmScope }, tenantId: lab.TenantId), default);
        return (home.Token, inLab.Token);
    }

    private HttpClient Http(string? token)
    {
        var http = new HttpClient();
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private async Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? token)
    {
        using var http = Http(token);
        var response = await http.GetAsync(new Uri(lab.Arm, pathAndQuery));
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task<JsonObject> GetJsonAsync(string pathAndQuery, string token)
    {
        var response = await GetAsync(pathAndQuery, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
