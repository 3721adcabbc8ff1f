using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Models;
using Azure.ResourceManager.Resources;
using Azure.ResourceManager.Resources.Models;
using Xunit;

namespace Az.StackHCI.Lab.Tests;

/// <summary>Azure.ResourceManager's ArmClient and Azure.Core's pipeline, unchanged, against the lab's ARM.</summary>
[Collection(LabCollection.Name)]
public sealed class ArmClientTests(LabFixture lab) : IAsyncLifetime
{
    private readonly ArmTestClient _arm = new(lab);

    public Task InitializeAsync() => lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ArmClient_reads_the_subscription()
    {
        var client = _arm.Client(lab.CiCredential());

        var subscription = await client.GetDefaultSubscriptionAsync();
        var all = await client.GetSubscriptions().GetAllAsync().ToListAsync();

        Assert.Equal(lab.SubscriptionId, subscription.Data.SubscriptionId);
        Assert.Equal(Guid.Parse(lab.TenantId), subscription.Data.TenantId);
        Assert.Equal(SubscriptionState.Enabled, subscription.Data.State);
        Assert.Equal(lab.SubscriptionId, Assert.Single(all).Data.SubscriptionId);
    }

    [Fact]
    public async Task ArmClient_registers_a_provider_that_stays_Registering_for_the_configured_time()
    {
        await lab.PutControlAsync("providers", new { registrationDelayMs = 1500 });
        var subscription = await _arm.Client(lab.CiCredential()).GetDefaultSubscriptionAsync();
        var provider = (await subscription.GetResourceProviderAsync("Microsoft.AzureStackHCI")).Value;
        Assert.Equal("NotRegistered", provider.Data.RegistrationState);

        var registering = (await provider.RegisterAsync()).Value;
        Assert.Equal("Registering", registering.Data.RegistrationState);
        var registered = (await subscription.GetResourceProviderAsync("Microsoft.AzureStackHCI")).Value;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); registered.Data.RegistrationState != "Registered" && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(250);
            registered = (await subscription.GetResourceProviderAsync("Microsoft.AzureStackHCI")).Value;
        }

        Assert.Equal("Registered", registered.Data.RegistrationState);
        Assert.Equal(new[] { "East US", "West Europe", "Southeast Asia" }, registered.Data.ResourceTypes.Single(t => t.ResourceType == "clusters").Locations);
    }

    [Fact]
    public async Task ArmClient_creates_reads_and_deletes_a_cluster_and_its_arc_settings_as_generic_resources()
    {
        var ci = lab.CiCredential();
        var client = _arm.Client(ci);
        var subscription = await client.GetDefaultSubscriptionAsync();
        foreach (var ns in new[] { "Microsoft.AzureStackHCI", "Microsoft.HybridCompute" })
        {
            await (await subscription.GetResourceProviderAsync(ns)).Value.RegisterAsync();
        }

        var group = (await subscription.GetResourceGroups().CreateOrUpdateAsync(WaitUntil.Completed, "hci-rg", new ResourceGroupData(AzureLocation.EastUS))).Value;
        Assert.Equal("hci-rg", group.Data.Name);

        var clusterId = new ResourceIdentifier(_arm.ClusterId("hci-rg", "cluster1"));
        var created = (await client.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, clusterId, new GenericResourceData(AzureLocation.EastUS)
        {
            Properties = BinaryData.FromString("{}"),
            Identity = new ManagedServiceIdentity(ManagedServiceIdentityType.SystemAssigned),
        })).Value;
        var properties = created.Data.Properties.ToObjectFromJson<JsonObject>()!;
        Assert.Equal("NotYetRegistered", properties["status"]!.GetValue<string>());
        Assert.True(Guid.TryParse(properties["cloudId"]!.GetValue<string>(), out _));
        Assert.Equal(new Uri(lab.Hci, "eastus/").AbsoluteUri, properties["serviceEndpoint"]!.GetValue<string>());
        Assert.NotNull(created.Data.Identity.PrincipalId);

        var arcId = new ResourceIdentifier(clusterId + "/arcSettings/default");
        await client.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, arcId, new GenericResourceData(AzureLocation.EastUS)
        {
            Properties = BinaryData.FromString("""{ "arcInstanceResourceGroup": "hci-rg" }"""),
        });
        Assert.Equal(200, (await _arm.PutMachineAsync(ci, "hci-rg", "node1", clusterId.ToString())).Status);
        Assert.Equal(200, (await _arm.PutMachineAsync(ci, "hci-rg", "node2", clusterId.ToString(), "Disconnected")).Status);
        var arc = (await client.GetGenericResource(arcId).GetAsync()).Value.Data.Properties.ToObjectFromJson<JsonObject>()!;

        // Machines alone do not reach perNodeDetails: the service patches them after the nodes sync (HciServiceTests).
        Assert.Equal("NotSpecified", arc["aggregateState"]!.GetValue<string>());
        Assert.Empty(arc["perNodeDetails"]!.AsArray());

        await client.GetGenericResource(clusterId).DeleteAsync(WaitUntil.Completed);
        Assert.False((await client.GetGenericResources().ExistsAsync(clusterId)).Value);
        Assert.False((await client.GetGenericResources().ExistsAsync(arcId)).Value);
        var clusterRequests = lab.Journal().Where(e => e["path"]!.GetValue<string>().Contains("/clusters/", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.All(clusterRequests, e => Assert.Contains(e["query"]!.GetValue<string>(), new[] { "?api-version=2022-12-01", "?api-version=2023-03-01" }));
    }

    [Fact]
    public async Task A_POST_action_goes_through_the_raw_pipeline()
    {
        var ci = lab.CiCredential();
        await _arm.PrepareAsync(ci, "rg", "Microsoft.AzureStackHCI");
        await _arm.PutClusterAsync(ci, "rg", "c1");

        var identity = await _arm.SendAsync(ci, "POST", $"{_arm.ClusterId("rg", "c1")}/createClusterIdentity?api-version={ArmTestClient.ClusterApi}");
        var cluster = await _arm.SendAsync(ci, "GET", $"{_arm.ClusterId("rg", "c1")}?api-version={ArmTestClient.ClusterApi}");

        Assert.Equal(200, identity.Status);
        var clientId = identity.Body!["properties"]!["aadClientId"]!.GetValue<string>();
        Assert.Equal(lab.TenantId, identity.Body!["properties"]!["aadTenantId"]!.GetValue<string>());
        Assert.Equal(clientId, cluster.Body!["properties"]!["aadClientId"]!.GetValue<string>());
        var state = await lab.StateAsync();
        Assert.Contains(state["applications"]!.AsArray(), a => a!["appId"]!.GetValue<string>() == clientId);
        Assert.Contains(state["servicePrincipals"]!.AsArray(),
            s => s!["id"]!.GetValue<string>() == identity.Body!["properties"]!["aadServicePrincipalObjectId"]!.GetValue<string>());
    }

    [Fact]
    public async Task UploadCertificate_is_accepted_and_completes_through_Azure_AsyncOperation()
    {
        var ci = lab.CiCredential();
        await _arm.PrepareAsync(ci, "rg", "Microsoft.AzureStackHCI");
        await _arm.PutClusterAsync(ci, "rg", "c1");
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=node1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        var accepted = await _arm.SendAsync(ci, "POST", $"{_arm.ClusterId("rg", "c1")}/uploadCertificate?api-version={ArmTestClient.ClusterApi}",
            new { properties = new { certificates = new[] { Convert.ToBase64String(certificate.RawData) } } });

        Assert.Equal(202, accepted.Status);
        Assert.Equal("0", accepted.Header("Retry-After"));
        var status = await _arm.SendAsync(ci, "GET", accepted.Header("Azure-AsyncOperation")!);
        var result = await _arm.SendAsync(ci, "GET", accepted.Header("Location")!);
        Assert.Equal("Succeeded", status.Body!["status"]!.GetValue<string>());
        Assert.StartsWith(lab.Arm + $"subscriptions/{lab.SubscriptionId}/providers/Microsoft.AzureStackHCI/locations/eastus/operationStatuses/", accepted.Header("Azure-AsyncOperation"));
        Assert.Equal(200, result.Status);
        var hidden = (await lab.StateAsync())["resourcesHidden"]![_arm.ClusterId("rg", "c1")]!;
        Assert.Equal(certificate.Thumbprint, hidden["certificates"]![0]!["thumbprint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Throttling_429_with_Retry_After_is_retried_by_Azure_Core_and_journaled()
    {
        var ci = lab.CiCredential();
        await _arm.PrepareAsync(ci, "rg");
        await lab.PutControlAsync("faults", new[] { new { service = "arm", method = "GET", path = "/resourcegroups/rg", status = 429, retryAfterSeconds = 1, count = 2 } });

        var group = await (await _arm.Client(ci).GetDefaultSubscriptionAsync()).GetResourceGroupAsync("rg");

        Assert.Equal("rg", group.Value.Data.Name);
        var statuses = lab.Journal()
            .Where(e => e["service"]!.GetValue<string>() == "arm" && e["method"]!.GetValue<string>() == "GET" && e["path"]!.GetValue<string>().EndsWith("/resourcegroups/rg", StringComparison.OrdinalIgnoreCase))
            .Select(e => e["status"]!.GetValue<int>());
        Assert.Equal(new[] { 429, 429, 200 }, statuses);
    }

    [Fact]
    public async Task Long_running_operations_are_polled_until_they_complete()
    {
        var ci = lab.CiCredential();
        await _arm.PrepareAsync(ci, "rg", "Microsoft.AzureStackHCI");
        await lab.PutControlAsync("async-operations", new[]
        {
            new { method = "PUT", path = "/clusters/c1$", durationMs = 800 },
            new { method = "DELETE", path = "/clusters/c1$", durationMs = 800 },
        });
        var client = _arm.Client(ci);
        var clusterId = new ResourceIdentifier(_arm.ClusterId("rg", "c1"));

        var create = await client.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Started, clusterId, new GenericResourceData(AzureLocation.EastUS) { Properties = BinaryData.FromString("{}") });
        Assert.False(create.HasCompleted);
        var cluster = (await create.WaitForCompletionAsync()).Value;
        Assert.Equal("Succeeded", cluster.Data.Properties.ToObjectFromJson<JsonObject>()!["provisioningState"]!.GetValue<string>());
        var delete = await client.GetGenericResource(clusterId).DeleteAsync(WaitUntil.Completed);

        Assert.True(delete.HasCompleted);
        Assert.False((await client.GetGenericResources().ExistsAsync(clusterId)).Value);
        var polls = lab.Journal().Where(e => e["path"]!.GetValue<string>().Contains("/operationStatuses/", StringComparison.Ordinal)).ToList();
        Assert.True(polls.Count >= 2, $"expected status polls, journal has {polls.Count}");
        Assert.All(polls, p => Assert.Equal(200, p["status"]!.GetValue<int>()));
    }
}
