using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Registration;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>
/// Registration refuses bad input and unhealthy clusters before signing in or changing anything: the node
/// boundary is faked, and no cloud is reachable (AzureCloud), so any attempt to go further would fail differently.
/// </summary>
public sealed class RegisterWorkflowPreflightTests
{
    private static RegistrationRequest Request(string computer = "node1") => new()
    {
        SubscriptionId = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        ComputerName = computer,
        EnvironmentName = "AzureCloud",
        LogsDirectory = Path.Combine(Path.GetTempPath(), "azstackhci-unit-logs"),
    };

    private static Task<RegistrationResult> Run(FakeNodes nodes, RegistrationRequest request) =>
        new RegisterWorkflow(nodes, SilentReporter.Instance, new EnvironmentCatalog(Path.GetTempPath())).RunAsync(request, CancellationToken.None);

    [Theory]
    [InlineData("not-a-guid", null, null, "AzureCloud", "InvalidSubscriptionId")]
    [InlineData(null, "bad/group", null, "AzureCloud", "InvalidResourceGroupName")]
    [InlineData(null, "ends.with.dot.", null, "AzureCloud", "InvalidResourceGroupName")]
    [InlineData(null, null, "bad#name", "AzureCloud", "InvalidResourceName")]
    [InlineData(null, null, null, "NoSuchCloud", "EnvironmentNotFound")]
    public async Task Bad_input_is_refused_before_any_node_is_contacted(string? subscription, string? group, string? name, string environment, string errorId)
    {
        var nodes = FakeNodes.Cluster("hci", "lab.local", ("node1", "Up"));
        var request = Request();
        request.SubscriptionId = subscription ?? request.SubscriptionId;
        request.ResourceGroupName = group;
        request.ResourceName = name;
        request.EnvironmentName = environment;

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(nodes, request));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Empty(nodes.Calls);
    }

    [Fact]
    public async Task An_unreachable_computer_is_named()
    {
        var nodes = FakeNodes.Cluster("hci", "lab.local", ("node1", "Up"));

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(nodes, Request("nosuchnode")));

        Assert.Equal("NodeUnreachable", ex.ErrorId);
        Assert.Equal("nosuchnode", ex.Target);
    }

    [Fact]
    public async Task A_down_node_is_named_and_every_session_closed()
    {
        var nodes = FakeNodes.Cluster("hci", "lab.local", ("node1", "Up"), ("node2", "Down"), ("node3", "Up"));

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(nodes, Request()));

        Assert.Equal("ClusterNodeDown", ex.ErrorId);
        Assert.Equal("node2", ex.Target);
        Assert.Equal(0, nodes.OpenSessions);
    }

    [Fact]
    public async Task Nodes_that_cannot_be_reached_by_their_cluster_names_are_all_listed()
    {
        var nodes = FakeNodes.Cluster("hci", "lab.local", ("node1", "Up"), ("node2", "Up"), ("node3", "Up"));
        nodes.Unreachable.Add("node2.lab.local");
        nodes.Unreachable.Add("node3.lab.local");

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(nodes, Request()));

        Assert.Equal("NodeUnreachable", ex.ErrorId);
        Assert.Equal("node2.lab.local, node3.lab.local", ex.Target);
        Assert.Equal(0, nodes.OpenSessions);
    }

    [Fact]
    public async Task A_computer_outside_a_cluster_is_refused_with_Microsofts_message()
    {
        var nodes = new FakeNodes();
        nodes.Nodes["standalone"] = (command, _) => command == "Get-Cluster" ? FakeNodes.Output(new { Name = "" }) : FakeNodes.Error("no cluster");

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(nodes, Request("standalone")));

        Assert.Equal("NotAClusterNode", ex.ErrorId);
        Assert.Equal("Computer standalone is not part of an Azure Stack HCI cluster. Use the -ComputerName parameter to specify an Azure Stack HCI cluster node and try again.", ex.Message);
    }

    [Theory]
    [InlineData("SubscriptionId", "11111111-1111-1111-1111-111111111111", "SubscriptionMismatch")]
    [InlineData("ResourceGroupName", "other-rg", "ResourceGroupMismatch")]
    [InlineData("ResourceName", "other", "ResourceNameMismatch")]
    public async Task A_registered_cluster_insists_on_the_values_it_was_registered_with(string parameter, string value, string errorId)
    {
        var nodes = FakeNodes.Cluster("hci", "lab.local", ("node1", "Up"));
        var answer = nodes.Nodes["node1"];
        nodes.Nodes["node1"] = (command, parameters) => command == "Get-AzureStackHCI"
            ? FakeNodes.Output(new { RegistrationStatus = "Registered", AzureResourceUri = "/Subscriptions/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/resourceGroups/hci-rg/providers/Microsoft.AzureStackHCI/clusters/hci" })
            : answer(command, parameters);
        var request = Request();
        typeof(RegistrationRequest).GetProperty(parameter)!.SetValue(request, value);

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(nodes, request));

        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public async Task Repair_of_an_unregistered_cluster_is_refused()
    {
        var nodes = FakeNodes.Cluster("hci", "lab.local", ("node1", "Up"));
        var request = Request();
        request.RepairRegistration = true;

        var ex = await Assert.ThrowsAsync<HciException>(() => Run(nodes, request));

        Assert.Equal("ClusterNotRegistered", ex.ErrorId);
    }
}
