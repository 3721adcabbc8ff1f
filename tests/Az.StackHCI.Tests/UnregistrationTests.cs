using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Unregistration;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>Which resource Unregister-AzStackHCI takes apart, and what it refuses before any change.</summary>
public sealed class UnregistrationTests
{
    private const string Subscription = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static readonly ClusterInfo Cluster = new("hci1", "lab.local", "id");

    private static NodeRegistration Registered(string group = "hci1-rg", string name = "hci1") => new()
    {
        RegistrationStatus = "Registered",
        AzureResourceUri = $"/subscriptions/{Subscription}/resourceGroups/{group}/providers/Microsoft.AzureStackHCI/clusters/{name}",
    };

    [Fact]
    public void A_registered_cluster_needs_no_parameters()
    {
        var target = UnregisterWorkflow.ResolveTarget(new UnregistrationRequest(), Cluster, Registered("custom-rg", "name1"));

        Assert.Equal((Subscription, "custom-rg", "name1"), (target.SubscriptionId, target.ResourceGroup, target.ResourceName));
    }

    [Fact]
    public void An_unregistered_cluster_without_subscription_and_name_is_error_9115()
    {
        var ex = Assert.Throws<HciException>(() => UnregisterWorkflow.ResolveTarget(new UnregistrationRequest { ResourceName = "hci1" }, Cluster, new NodeRegistration { RegistrationStatus = "NotYet" }));

        Assert.Equal("RegistrationInfoNotFound", ex.ErrorId);
        Assert.Contains("Additional parameters are required to unregister", ex.Message);
    }

    [Fact]
    public void An_unregistered_cluster_defaults_the_group_to_name_rg()
    {
        var target = UnregisterWorkflow.ResolveTarget(new UnregistrationRequest { SubscriptionId = Subscription, ResourceName = "hci1" }, Cluster, new NodeRegistration { RegistrationStatus = "NotYet" });

        Assert.Equal("hci1-rg", target.ResourceGroup);
    }

    [Theory]
    [InlineData(null, "other-rg", null)]
    [InlineData(null, null, "other")]
    [InlineData("00000000-0000-0000-0000-000000000001", null, null)]
    public void Values_that_contradict_the_nodes_registration_are_refused(string? subscription, string? group, string? name)
    {
        var request = new UnregistrationRequest { SubscriptionId = subscription, ResourceGroupName = group, ResourceName = name };

        var ex = Assert.Throws<HciException>(() => UnregisterWorkflow.ResolveTarget(request, Cluster, Registered()));

        Assert.Equal("RegistrationMismatch", ex.ErrorId);
    }

    [Theory]
    [InlineData("not-a-guid", null, "InvalidSubscriptionId")]
    [InlineData(null, "bad/group", "InvalidResourceGroupName")]
    public async Task Bad_input_is_refused_before_any_node_is_contacted(string? subscription, string? group, string errorId)
    {
        var nodes = FakeNodes.Cluster("hci1", "lab.local", ("node1", "Up"));
        var request = new UnregistrationRequest { SubscriptionId = subscription, ResourceGroupName = group, ComputerName = "node1", LogsDirectory = Path.GetTempPath() };

        var ex = await Assert.ThrowsAsync<HciException>(() => new UnregisterWorkflow(nodes, SilentReporter.Instance, new EnvironmentCatalog(Path.GetTempPath())).RunAsync(request, CancellationToken.None));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Empty(nodes.Calls);
    }
}
