using System.Text.Json.Nodes;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Operations;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>The engine's ARM layer against the lab's ARM, with the real SDK underneath.</summary>
[Collection("lab")]
public sealed class ArmGatewayTests : IAsyncLifetime
{
    private ArmGateway _arm = null!;

    public async Task InitializeAsync()
    {
        await LabConnection.ResetAsync();
        _arm = new ArmGateway(await LabConnection.SignInAsCiAsync(), LabConnection.SubscriptionId);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Reads_the_subscription_and_its_tenant()
    {
        var subscription = await _arm.GetSubscriptionAsync(LabConnection.SubscriptionId, default);

        Assert.Equal(LabConnection.TenantId, subscription.TenantId);
        Assert.Equal("Enabled", subscription.State);
    }

    [Fact]
    public async Task Registers_the_HCI_provider_and_reads_the_cluster_regions()
    {
        var before = await _arm.GetProviderAsync(LabConnection.SubscriptionId, "Microsoft.AzureStackHCI", default);
        var after = await _arm.RegisterProviderAsync(LabConnection.SubscriptionId, "Microsoft.AzureStackHCI", default);
        var read = await _arm.GetProviderAsync(LabConnection.SubscriptionId, "Microsoft.AzureStackHCI", default);

        Assert.False(before.IsRegistered);
        Assert.Contains(after.RegistrationState, new[] { "Registering", "Registered" });
        Assert.True(read.IsRegistered);
        Assert.Equal(new[] { "East US", "West Europe", "Southeast Asia" }, read.LocationsByType["clusters"]);
    }

    [Fact]
    public async Task Creates_a_missing_resource_group_with_tags()
    {
        Assert.Null(await _arm.GetResourceGroupAsync(LabConnection.SubscriptionId, "engine-rg", default));

        var created = await _arm.CreateResourceGroupAsync(LabConnection.SubscriptionId, "engine-rg", "eastus",
            new Dictionary<string, string> { ["CreatedBy"] = "4C02703C-F5D0-44B0-ADC3-4ED5C2839E61" }, default);
        var read = await _arm.GetResourceGroupAsync(LabConnection.SubscriptionId, "engine-rg", default);

        Assert.Equal("engine-rg", created.Name);
        Assert.Equal("4C02703C-F5D0-44B0-ADC3-4ED5C2839E61", read!.Tags["CreatedBy"]);
    }

    [Fact]
    public async Task Puts_and_reads_a_cluster_at_the_pinned_api_version()
    {
        await _arm.RegisterProviderAsync(LabConnection.SubscriptionId, "Microsoft.AzureStackHCI", default);
        await _arm.CreateResourceGroupAsync(LabConnection.SubscriptionId, "engine-rg", "eastus", new Dictionary<string, string>(), default);
        var id = $"/subscriptions/{LabConnection.SubscriptionId}/resourceGroups/engine-rg/providers/Microsoft.AzureStackHCI/clusters/engine-cluster";

        Assert.Null(await _arm.GetResourceAsync(id, ApiVersions.Clusters, default));
        await _arm.PutResourceAsync(id, ApiVersions.Clusters, new JsonObject { ["location"] = "eastus", ["properties"] = new JsonObject() }, default);
        var cluster = await _arm.GetResourceAsync(id, ApiVersions.Clusters, default);

        Assert.Equal("NotYetRegistered", cluster!["properties"]!["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(cluster["properties"]!["cloudId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Follows_a_long_running_action_to_its_end_and_reads_the_providers_operations()
    {
        await _arm.RegisterProviderAsync(LabConnection.SubscriptionId, "Microsoft.AzureStackHCI", default);
        await _arm.CreateResourceGroupAsync(LabConnection.SubscriptionId, "engine-rg", "eastus", new Dictionary<string, string>(), default);
        var id = $"/subscriptions/{LabConnection.SubscriptionId}/resourceGroups/engine-rg/providers/Microsoft.AzureStackHCI/clusters/engine-cluster";
        await _arm.PutResourceAsync(id, ApiVersions.Clusters, new JsonObject { ["location"] = "eastus", ["properties"] = new JsonObject() }, default);
        // The lab answers 202 and reports InProgress for 1.5 s: the call returns only once the operation has succeeded.
        await LabConnection.PutControlAsync("async-operations", new JsonArray(new JsonObject { ["method"] = "POST", ["path"] = "createClusterIdentity", ["durationMs"] = 1500 }));

        var reporter = new RecordingReporter();
        var answer = await _arm.InvokeActionAsync(id, "createClusterIdentity", ApiVersions.Clusters, null, reporter, default);
        var cluster = await _arm.GetResourceAsync(id, ApiVersions.Clusters, default);
        var operations = await _arm.ListProviderOperationsAsync("Microsoft.AzureStackHCI", ApiVersions.Clusters, default);

        Assert.Null(answer);
        Assert.False(string.IsNullOrEmpty(cluster!["properties"]!["aadApplicationObjectId"]?.GetValue<string>()));
        Assert.Contains(reporter.Verbose, line => line.Contains("still running"));
        Assert.Contains("Microsoft.AzureStackHCI/clusters/createClusterIdentity/action", operations);
    }

    [Fact]
    public async Task A_refused_write_names_ARMs_code_and_the_scope()
    {
        // Microsoft.AzureStackHCI starts unregistered: ARM refuses resources of it.
        await _arm.CreateResourceGroupAsync(LabConnection.SubscriptionId, "engine-rg", "eastus", new Dictionary<string, string>(), default);
        var id = $"/subscriptions/{LabConnection.SubscriptionId}/resourceGroups/engine-rg/providers/Microsoft.AzureStackHCI/clusters/c";

        var ex = await Assert.ThrowsAsync<HciException>(() => _arm.PutResourceAsync(id, ApiVersions.Clusters, new JsonObject { ["location"] = "eastus", ["properties"] = new JsonObject() }, default));

        Assert.Equal("MissingSubscriptionRegistration", ex.ErrorId);
        Assert.Equal(HciErrorCategory.InvalidOperation, ex.Category);
        Assert.Equal(id, ex.Target);
    }

    [Fact]
    public async Task Reads_the_callers_effective_permissions()
    {
        var permissions = await _arm.GetPermissionsAsync($"/subscriptions/{LabConnection.SubscriptionId}", default);

        Assert.Contains(permissions, p => p.Actions.Contains("*"));
    }
}

[CollectionDefinition("lab")]
public sealed class LabCollection
{
}
