using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Microsoft.Graph.Models;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// The Azure Stack HCI service as a node uses it: a token for the billing scope got with the node's certificate,
/// issued to the cluster's application with the granted roles, then verify, register and sync — visible on ARM.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class HciServiceTests(LabFixture lab) : IAsyncLifetime
{
    private readonly ArmTestClient _arm = new(lab);

    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Health_answers_without_a_token()
    {
        using var http = new HttpClient();
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri(lab.Hci, "health")));
    }

    [Fact]
    public async Task A_node_with_the_cluster_certificate_registers_and_syncs_and_ARM_shows_it()
    {
        var (cluster, certificate, appId) = await RegisteredClusterAsync(grantRoles: true);
        var token = await lab.HciTokenAsync(lab.CertificateCredential(appId, certificate));
        Assert.Contains("ClusterReadWrite", GraphTestKit.Roles(token));
        var clusterUrl = ClusterUrl(cluster);

        var verify = await SendAsync(token, HttpMethod.Post, clusterUrl + "/verifyCertificate");
        var register = await SendAsync(token, HttpMethod.Put, clusterUrl + "/registration", Census("10.0.20349.1"));
        var sync = await SendAsync(token, HttpMethod.Post, clusterUrl + "/sync", Census("10.0.20349.2"));

        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        var properties = (await _arm.SendAsync(lab.CiCredential(), "GET", $"{cluster["id"]}?api-version={ArmTestClient.ClusterApi}")).Body!["properties"]!;
        Assert.Equal("ConnectedRecently", properties["status"]!.GetValue<string>());
        Assert.NotNull(properties["registrationTimestamp"]);
        Assert.NotNull(properties["lastSyncTimestamp"]);
        var reported = properties["reportedProperties"]!;
        Assert.Equal("hcicluster1", reported["clusterName"]!.GetValue<string>());
        Assert.Equal(new[] { "node1", "node2", "node3" }, reported["nodes"]!.AsArray().Select(n => n!["name"]!.GetValue<string>()));
        Assert.Equal("10.0.20349.2", reported["nodes"]![0]!["osVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_admin_consent_the_service_names_the_missing_permissions()
    {
        var (cluster, certificate, appId) = await RegisteredClusterAsync(grantRoles: false);
        var token = await lab.HciTokenAsync(lab.CertificateCredential(appId, certificate));

        var response = await SendAsync(token, HttpMethod.Put, ClusterUrl(cluster) + "/registration", Census("10.0.20349.1"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("MissingAdminConsent", error["code"]!.GetValue<string>());
        Assert.Contains("ClusterReadWrite", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_of_another_application_is_refused()
    {
        var (cluster, _, _) = await RegisteredClusterAsync(grantRoles: true);
        var ciToken = await lab.HciTokenAsync(lab.CiCredential());

        var response = await SendAsync(ciToken, HttpMethod.Post, ClusterUrl(cluster) + "/verifyCertificate");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("WrongApplication", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sync_before_registration_is_refused_and_calls_without_a_token_are_401()
    {
        var (cluster, certificate, appId) = await RegisteredClusterAsync(grantRoles: true);
        var token = await lab.HciTokenAsync(lab.CertificateCredential(appId, certificate));
        using var http = new HttpClient();

        var early = await SendAsync(token, HttpMethod.Post, ClusterUrl(cluster) + "/sync", Census("1"));
        var anonymous = await http.PostAsync(ClusterUrl(cluster) + "/verifyCertificate", null);

        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task ArcSettings_show_a_node_only_after_a_sync_in_which_it_reports_itself_Arc_enabled()
    {
        var (cluster, certificate, appId) = await RegisteredClusterAsync(grantRoles: true);
        var token = await lab.HciTokenAsync(lab.CertificateCredential(appId, certificate));
        var ci = lab.CiCredential();
        var clusterId = cluster["id"]!.GetValue<string>();
        var arcUrl = $"{clusterId}/arcSettings/default?api-version=2024-04-01";
        Assert.Equal(200, (await _arm.RegisterAsync(ci, "Microsoft.HybridCompute")).Status);
        Assert.Equal(200, (await _arm.SendAsync(ci, "PUT", arcUrl, new { properties = new { arcInstanceResourceGroup = "hci-rg" } })).Status);
        await SendAsync(token, HttpMethod.Put, ClusterUrl(cluster) + "/registration", Census("10.0.20349.1"));
        Assert.Equal(200, (await _arm.PutMachineAsync(ci, "hci-rg", "node1", clusterId)).Status);
        Assert.Equal(200, (await _arm.PutMachineAsync(ci, "hci-rg", "node2", clusterId, "Disconnected")).Status);

        async Task<string[]> PerNode() => (await _arm.SendAsync(ci, "GET", arcUrl)).Body!["properties"]!["perNodeDetails"]!.AsArray()
            .Select(n => $"{n!["name"]}:{n["state"]}").ToArray();

        Assert.Empty(await PerNode());
        var census = Census("10.0.20349.1");
        census["arcNodes"] = new JsonArray(
            new JsonObject { ["name"] = "node1", ["arcStatus"] = "Enabled" },
            new JsonObject { ["name"] = "NODE2", ["arcStatus"] = "Enabled" },
            new JsonObject { ["name"] = "node3", ["arcStatus"] = "Disabled" });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(token, HttpMethod.Post, ClusterUrl(cluster) + "/sync", census)).StatusCode);
        Assert.Equal(new[] { "node1:Connected", "node2:Disconnected" }, await PerNode());
        var arc = (await _arm.SendAsync(ci, "GET", arcUrl)).Body!["properties"]!;
        Assert.Equal("PartiallyConnected", arc["aggregateState"]!.GetValue<string>());
        Assert.Equal(_arm.MachineId("hci-rg", "node1"), arc["perNodeDetails"]![0]!["arcInstance"]!.GetValue<string>());
    }

    /// <summary>An application with a node certificate (granted the HCI roles or not) and a cluster resource bound to it.</summary>
    private async Task<(JsonNode Cluster, X509Certificate2 Certificate, string AppId)> RegisteredClusterAsync(bool grantRoles)
    {
        var certificate = GraphTestKit.Certificate("CN=node1");
        var graph = await lab.UserClientAsync("admin");
        var app = (await graph.Applications.PostAsync(GraphTestKit.HciApplication("hcicluster1", certificate)))!;
        var principal = (await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = app.AppId }))!;
        if (grantRoles)
        {
            var hci = (await graph.ServicePrincipals.GetAsync(r => r.QueryParameters.Filter = $"appId eq '{GraphTestKit.HciAppId}'"))!.Value![0];
            foreach (var (id, _) in GraphTestKit.HciRoles)
            {
                await graph.ServicePrincipals[principal.Id].AppRoleAssignments.PostAsync(new AppRoleAssignment
                {
                    PrincipalId = Guid.Parse(principal.Id!), ResourceId = Guid.Parse(hci.Id!), AppRoleId = id,
                });
            }
        }

        var ci = lab.CiCredential();
        await _arm.PrepareAsync(ci, "hci-rg", "Microsoft.AzureStackHCI");
        var put = await _arm.SendAsync(ci, "PUT", $"{_arm.ClusterId("hci-rg", "hcicluster1")}?api-version=2021-09-01",
            new { location = "eastus", properties = new { aadClientId = app.AppId, aadTenantId = lab.TenantId } });
        Assert.Equal(200, put.Status);
        return (put.Body!, certificate, app.AppId!);
    }

    private static string ClusterUrl(JsonNode cluster) =>
        cluster["properties"]!["serviceEndpoint"]!.GetValue<string>() + "clusters/" + cluster["properties"]!["cloudId"]!.GetValue<string>();

    private static JsonObject Census(string osVersion) => new()
    {
        ["clusterName"] = "hcicluster1",
        ["clusterId"] = "6f1c9a5e-0000-4000-8000-000000000001",
        ["clusterVersion"] = "10.0.20349",
        ["nodes"] = new JsonArray(new[] { "node1", "node2", "node3" }.Select((n, i) => (JsonNode)new JsonObject
        {
            ["name"] = n, ["id"] = i + 1, ["osName"] = "Azure Stack HCI", ["osVersion"] = osVersion, ["coreCount"] = 8, ["memoryInGiB"] = 64,
        }).ToArray()),
    };

    private static async Task<HttpResponseMessage> SendAsync(AccessToken token, HttpMethod method, string url, JsonObject? body = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return await http.SendAsync(request);
    }
}
