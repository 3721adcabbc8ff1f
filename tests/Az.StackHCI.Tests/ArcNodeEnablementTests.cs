using System.Text.Json.Nodes;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Workflows.Registration;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>How Arc on a node is judged: the agent's own words, then what Azure's perNodeDetails show.</summary>
public class ArcNodeEnablementTests
{
    private static readonly NodeError Failure = new("The Connected Machine agent could not be installed.", "EnableArcIntegrationFailed", "ResourceUnavailable");

    [Fact]
    public void A_node_is_onboarded_by_the_agents_success_text_even_beside_an_error()
    {
        var result = new NodeCommandResult(new[] { "\"Arc agent process succeeded to onboard machine 'node1' as /subscriptions/s/...\"" }, new[] { Failure });

        Assert.True(ArcNodeEnablement.Onboarded(result));
    }

    [Fact]
    public void A_node_is_onboarded_by_a_run_without_errors_and_not_by_a_failure_text_with_an_error()
    {
        Assert.True(ArcNodeEnablement.Onboarded(new NodeCommandResult(Array.Empty<string>(), Array.Empty<NodeError>())));
        Assert.False(ArcNodeEnablement.Onboarded(new NodeCommandResult(new[] { "\"Arc agent process failed to onboard machine 'node1'\"" }, new[] { Failure })));
    }

    [Fact]
    public void Only_nodes_Azure_shows_Connected_count_whatever_the_case_of_their_names()
    {
        var settings = JsonNode.Parse("""
            { "properties": { "perNodeDetails": [
                { "name": "NODE1", "state": "Connected" }, { "name": "node2", "state": "Disconnected" }, { "name": "node3", "state": "connected" } ] } }
            """)!.AsObject();

        var connected = ArcNodeEnablement.ConnectedNodes(settings);

        Assert.True(connected.SetEquals(new[] { "node1", "node3" }));
        Assert.Empty(ArcNodeEnablement.ConnectedNodes(null));
    }
}
