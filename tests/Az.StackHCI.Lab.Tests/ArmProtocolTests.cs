using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>What every ARM call shares: metadata, authentication, api-versions, routing and error bodies.</summary>
[Collection(LabCollection.Name)]
public sealed class ArmProtocolTests(LabFixture lab) : IAsyncLifetime
{
    private readonly ArmTestClient _arm = new(lab);

    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Metadata_endpoint_describes_the_lab_as_a_cloud_without_authentication()
    {
        using var http = new HttpClient();

        var list = await http.GetFromJsonAsync<JsonArray>(new Uri(lab.Arm, "metadata/endpoints?api-version=2022-09-01"));
        var single = await http.GetFromJsonAsync<JsonObject>(new Uri(lab.Arm, "metadata/endpoints?api-version=2020-06-01"));

        var cloud = Assert.Single(list!)!.AsObject();
        Assert.Equal("AzStackHCILab", cloud["name"]!.GetValue<string>());
        Assert.Equal(lab.Arm.AbsoluteUri, cloud["resourceManager"]!.GetValue<string>());
        Assert.Equal(lab.Arm.AbsoluteUri + "portal/", cloud["portal"]!.GetValue<string>());
        Assert.Equal(lab.Authority.AbsoluteUri, cloud["authentication"]!["loginEndpoint"]!.GetValue<string>());
        Assert.Equal("https://management.core.windows.net/", cloud["authentication"]!["audiences"]![0]!.GetValue<string>());
        Assert.Equal(lab.Graph.AbsoluteUri, cloud["microsoftGraphResourceId"]!.GetValue<string>());
        Assert.Equal(lab.Hci.AbsoluteUri, cloud["dataplaneEndpoints"]!["hciDataplaneServiceEndpoint"]!.GetValue<string>());
        Assert.Equal(cloud.ToJsonString(), single!.ToJsonString());
    }

    [Fact]
    public async Task A_call_without_a_token_gets_401_with_a_bearer_challenge()
    {
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(lab.Arm, $"subscriptions/{lab.SubscriptionId}?api-version=2022-12-01"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith($"Bearer authorization_uri=\"{lab.Authority}{lab.TenantId}\", error=\"invalid_token\", error_description=", challenge);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("AuthenticationFailed", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        var graphToken = await lab.CiCredential().GetTokenAsync(new TokenRequestContext(new[] { lab.Graph + ".default" }), default);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", graphToken.Token);

        var response = await http.GetAsync(new Uri(lab.Arm, $"subscriptions/{lab.SubscriptionId}?api-version=2022-12-01"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("InvalidAuthenticationTokenAudience", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Api_version_is_required_and_must_be_one_the_type_supports()
    {
        var ci = lab.CiCredential();

        var missing = await _arm.SendAsync(ci, "GET", _arm.Subscription);
        var unknown = await _arm.SendAsync(ci, "GET", $"{_arm.ClusterId("rg", "c1")}?api-version=2019-01-01");

        Assert.Equal((400, "MissingApiVersionParameter"), (missing.Status, missing.ErrorCode));
        Assert.Equal((400, "InvalidApiVersionParameter"), (unknown.Status, unknown.ErrorCode));
        Assert.Contains("2024-04-01", unknown.ErrorMessage);
    }

    [Fact]
    public async Task Routing_is_case_insensitive()
    {
        var ci = lab.CiCredential();

        var created = await _arm.SendAsync(ci, "PUT", $"/subscriptions/{lab.SubscriptionId}/resourcegroups/Rg-Case?api-version=2022-09-01", new { location = "East US" });
        var read = await _arm.SendAsync(ci, "GET", $"/Subscriptions/{lab.SubscriptionId}/RESOURCEGROUPS/rg-case?api-version=2022-09-01");

        Assert.Equal(201, created.Status);
        Assert.Equal(200, read.Status);
        Assert.Equal($"/subscriptions/{lab.SubscriptionId}/resourceGroups/Rg-Case", read.Body!["id"]!.GetValue<string>());
        Assert.Equal("eastus", read.Body!["location"]!.GetValue<string>());
        Assert.StartsWith("application/json", read.Header("Content-Type"));
    }

    [Fact]
    public async Task Resources_of_an_unregistered_namespace_or_an_unoffered_region_are_refused()
    {
        var ci = lab.CiCredential();
        Assert.Equal(201, (await _arm.PutResourceGroupAsync(ci, "rg")).Status);

        var unregistered = await _arm.PutClusterAsync(ci, "rg", "c1");
        await _arm.RegisterAsync(ci, "Microsoft.AzureStackHCI");
        var wrongRegion = await _arm.PutClusterAsync(ci, "rg", "c1", "westus");
        var noGroup = await _arm.PutClusterAsync(ci, "nowhere", "c1");
        var missing = await _arm.SendAsync(ci, "GET", $"{_arm.ClusterId("rg", "c1")}?api-version={ArmTestClient.ClusterApi}");

        Assert.Equal((409, "MissingSubscriptionRegistration"), (unregistered.Status, unregistered.ErrorCode));
        Assert.Equal("Microsoft.AzureStackHCI", unregistered.Body!["error"]!["details"]![0]!["target"]!.GetValue<string>());
        Assert.Equal((400, "LocationNotAvailableForResourceType"), (wrongRegion.Status, wrongRegion.ErrorCode));
        Assert.Equal("The provided location 'westus' is not available for resource type 'Microsoft.AzureStackHCI/clusters'. List of available regions for the resource type is 'eastus,westeurope,southeastasia'.",
            wrongRegion.ErrorMessage);
        Assert.Equal((404, "ResourceGroupNotFound"), (noGroup.Status, noGroup.ErrorCode));
        Assert.Equal((404, "ResourceNotFound"), (missing.Status, missing.ErrorCode));
    }

    [Fact]
    public async Task Resource_group_delete_removes_what_it_contains()
    {
        var ci = lab.CiCredential();
        await _arm.PrepareAsync(ci, "rg", "Microsoft.AzureStackHCI");
        Assert.Equal(200, (await _arm.PutClusterAsync(ci, "rg", "c1")).Status);

        var again = await _arm.PutResourceGroupAsync(ci, "rg");
        var moved = await _arm.PutResourceGroupAsync(ci, "rg", "westeurope");
        var resources = await _arm.SendAsync(ci, "GET", $"{_arm.ResourceGroupId("rg")}/resources?api-version=2022-09-01");
        var deleted = await _arm.SendAsync(ci, "DELETE", $"{_arm.ResourceGroupId("rg")}?api-version=2022-09-01");
        var gone = await _arm.SendAsync(ci, "GET", $"{_arm.ResourceGroupId("rg")}?api-version=2022-09-01");
        var clusters = await _arm.SendAsync(ci, "GET", $"{_arm.Subscription}/providers/Microsoft.AzureStackHCI/clusters?api-version={ArmTestClient.ClusterApi}");

        Assert.Equal(200, again.Status);
        Assert.Equal((409, "InvalidResourceGroupLocation"), (moved.Status, moved.ErrorCode));
        Assert.Equal(_arm.ClusterId("rg", "c1"), Assert.Single(resources.Body!["value"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal(200, deleted.Status);
        Assert.Equal((404, "ResourceGroupNotFound"), (gone.Status, gone.ErrorCode));
        Assert.Empty(clusters.Body!["value"]!.AsArray());
    }
}
