using System.Text.Json.Nodes;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>
/// The request bodies of Microsoft's examples (azure-rest-api-specs, Microsoft.AzureStackHCI 2020-10-01 and
/// 2021-09-01) sent as they are; the answers carry what the examples' responses show.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ArmSpecExampleTests(LabFixture lab) : IAsyncLifetime
{
    private readonly ArmTestClient _arm = new(lab);

    public async Task InitializeAsync()
    {
        await lab.ResetAsync();
        await _arm.PrepareAsync(lab.CiCredential(), "test-rg", "Microsoft.AzureStackHCI");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string Cluster(string api) => $"{_arm.ClusterId("test-rg", "myCluster")}?api-version={api}";

    // CreateCluster.json (2021-09-01)
    private const string CreateCluster = """
        { "location": "East US",
          "properties": { "cloudManagementEndpoint": "https://98294836-31be-4668-aeae-698667faf99b.waconazure.com",
                          "aadClientId": "24a6e53d-04e5-44d2-b7cc-1b732a847dfc", "aadTenantId": "7e589cc1-a8b6-4dff-91bd-5ec0fa18db94" } }
        """;

    [Fact]
    public async Task CreateCluster_2021_09_01()
    {
        var reply = await _arm.SendAsync(lab.CiCredential(), "PUT", Cluster("2021-09-01"), CreateCluster);

        Assert.Equal(200, reply.Status);
        var body = reply.Body!;
        Assert.Equal(_arm.ClusterId("test-rg", "myCluster"), body["id"]!.GetValue<string>());
        Assert.Equal("myCluster", body["name"]!.GetValue<string>());
        Assert.Equal("Microsoft.AzureStackHCI/clusters", body["type"]!.GetValue<string>());
        Assert.Equal("eastus", body["location"]!.GetValue<string>());
        Assert.Equal("Application", body["systemData"]!["createdByType"]!.GetValue<string>());
        var properties = body["properties"]!;
        var request = JsonNode.Parse(CreateCluster)!["properties"]!.AsObject();
        foreach (var (name, value) in request)
        {
            Assert.Equal(value!.GetValue<string>(), properties[name]!.GetValue<string>());
        }

        Assert.Equal("Succeeded", properties["provisioningState"]!.GetValue<string>());
        Assert.Equal("NotYetRegistered", properties["status"]!.GetValue<string>());
        Assert.Equal(30, properties["trialDaysRemaining"]!.GetValue<int>());
        Assert.Equal("Trial", properties["billingModel"]!.GetValue<string>());
        Assert.Equal("{}", properties["reportedProperties"]!.ToJsonString());
        Assert.Equal("Disabled", properties["desiredProperties"]!["windowsServerSubscription"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateCluster_2021_09_01()
    {
        var ci = lab.CiCredential();
        await _arm.SendAsync(ci, "PUT", Cluster("2021-09-01"), CreateCluster);

        var reply = await _arm.SendAsync(ci, "PATCH", Cluster("2021-09-01"), """
            { "tags": { "tag1": "value1", "tag2": "value2" },
              "properties": { "cloudManagementEndpoint": "https://98294836-31be-4668-aeae-698667faf99b.waconazure.com",
                              "desiredProperties": { "windowsServerSubscription": "Enabled", "diagnosticLevel": "Required" } } }
            """);

        Assert.Equal(200, reply.Status);
        Assert.Equal("""{"tag1":"value1","tag2":"value2"}""", reply.Body!["tags"]!.ToJsonString());
        Assert.Equal("""{"windowsServerSubscription":"Enabled","diagnosticLevel":"Required"}""", reply.Body!["properties"]!["desiredProperties"]!.ToJsonString());
        Assert.Equal("24a6e53d-04e5-44d2-b7cc-1b732a847dfc", reply.Body!["properties"]!["aadClientId"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateCluster_2020_10_01_changes_tags_only()
    {
        var ci = lab.CiCredential();
        await _arm.SendAsync(ci, "PUT", Cluster("2020-10-01"), CreateCluster);

        var reply = await _arm.SendAsync(ci, "PATCH", Cluster("2020-10-01"),
            """{ "tags": { "tag1": "value1", "tag2": "value2" }, "properties": { "aadClientId": "515da1c2-379e-49b4-9975-09e3e40c86be" } }""");

        Assert.Equal("""{"tag1":"value1","tag2":"value2"}""", reply.Body!["tags"]!.ToJsonString());
        Assert.Equal("24a6e53d-04e5-44d2-b7cc-1b732a847dfc", reply.Body!["properties"]!["aadClientId"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_2021_09_01_model_requires_the_aad_ids_that_later_versions_do_not()
    {
        var ci = lab.CiCredential();

        var old = await _arm.SendAsync(ci, "PUT", Cluster("2021-09-01"), """{ "location": "eastus", "properties": {} }""");
        var current = await _arm.SendAsync(ci, "PUT", Cluster("2024-04-01"), """{ "location": "eastus", "properties": {} }""");

        Assert.Equal((400, "InvalidRequestContent"), (old.Status, old.ErrorCode));
        Assert.Equal(200, current.Status);
    }

    [Fact]
    public async Task PutArcSetting_GetArcSetting_ListArcSettingsByCluster_DeleteArcSetting_2021_09_01()
    {
        var ci = lab.CiCredential();
        await _arm.SendAsync(ci, "PUT", Cluster("2021-09-01"), CreateCluster);
        var arc = $"{_arm.ClusterId("test-rg", "myCluster")}/arcSettings/default?api-version=2021-09-01";

        var put = await _arm.SendAsync(ci, "PUT", arc, "{}");
        var get = await _arm.SendAsync(ci, "GET", arc);
        var list = await _arm.SendAsync(ci, "GET", $"{_arm.ClusterId("test-rg", "myCluster")}/arcSettings?api-version=2021-09-01");
        var delete = await _arm.SendAsync(ci, "DELETE", arc);
        var deleteAgain = await _arm.SendAsync(ci, "DELETE", arc);

        Assert.Equal(200, put.Status);
        Assert.Equal(_arm.ClusterId("test-rg", "myCluster") + "/arcSettings/default", get.Body!["id"]!.GetValue<string>());
        Assert.Equal("Microsoft.AzureStackHCI/clusters/arcSettings", get.Body!["type"]!.GetValue<string>());
        Assert.Equal("Succeeded", get.Body!["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal("[]", get.Body!["properties"]!["perNodeDetails"]!.ToJsonString());
        Assert.Single(list.Body!["value"]!.AsArray());
        Assert.Equal(200, delete.Status);
        Assert.Equal(204, deleteAgain.Status);
    }
}
