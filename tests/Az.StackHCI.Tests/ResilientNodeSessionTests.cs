using Az.StackHCI.Core.Nodes;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>Node commands ridden out once: only those safe to repeat, only passing failures, a dropped session reopened.</summary>
public class ResilientNodeSessionTests
{
    private static NodeCommandResult Failure(string category) =>
        new(Array.Empty<string>(), new[] { new NodeError("The service is busy.", "Fault", category) });

    /// <summary>A node whose command fails as scripted for the first calls, then succeeds.</summary>
    private static (FakeNodes Nodes, List<string> Log) Node(string command, params Func<NodeCommandResult>[] firstCalls)
    {
        var calls = 0;
        var nodes = new FakeNodes();
        nodes.Nodes["node1"] = (name, _) => name == command && calls < firstCalls.Length ? firstCalls[calls++]() : FakeNodes.Output("done");
        return (nodes, new List<string>());
    }

    [Fact]
    public async Task RepeatsACommandSafeToRepeatWhenItFailsOnceAndLogsIt()
    {
        var (nodes, log) = Node("Sync-AzureStackHCI", () => Failure("ResourceUnavailable"));
        using var session = new ResilientNodeSession(nodes, await nodes.ConnectAsync("node1", default), log.Add);

        var result = await session.InvokeAsync(NodeCommandCatalogue.Invocation("Sync-AzureStackHCI"), default);

        Assert.True(result.Succeeded);
        Assert.Equal(2, nodes.Calls.Count(c => c.Command == "Sync-AzureStackHCI"));
        Assert.Contains(log, l => l.Contains("node1: Sync-AzureStackHCI failed (The service is busy.); retry 1 of 2"));
    }

    [Fact]
    public async Task NeverRepeatsACertificateCreationOrAProbe()
    {
        foreach (var command in new[] { "New-AzureStackHCIRegistrationCertificate", "Invoke-WebRequest" })
        {
            var (nodes, log) = Node(command, () => Failure("ResourceUnavailable"));
            using var session = new ResilientNodeSession(nodes, await nodes.ConnectAsync("node1", default), log.Add);

            var result = await session.InvokeAsync(NodeCommandCatalogue.Invocation(command), default);

            Assert.False(result.Succeeded);
            Assert.Single(nodes.Calls, c => c.Command == command);
        }
    }

    [Fact]
    public async Task LeavesFailuresThatRepeatingCannotFixToTheCaller()
    {
        var (nodes, log) = Node("Set-AzureStackHCIRegistration", () => Failure("AuthenticationError"), () => Failure("AuthenticationError"));
        using var session = new ResilientNodeSession(nodes, await nodes.ConnectAsync("node1", default), log.Add);

        var result = await session.InvokeAsync(NodeCommandCatalogue.Invocation("Set-AzureStackHCIRegistration"), default);

        Assert.False(result.Succeeded);
        Assert.Single(nodes.Calls, c => c.Command == "Set-AzureStackHCIRegistration");
        Assert.Empty(log);
    }

    [Fact]
    public async Task GivesUpAfterTheBound()
    {
        var (nodes, log) = Node("Get-AzureStackHCI", Enumerable.Repeat<Func<NodeCommandResult>>(() => Failure("ConnectionError"), 10).ToArray());
        using var session = new ResilientNodeSession(nodes, await nodes.ConnectAsync("node1", default), log.Add);

        var result = await session.InvokeAsync(NodeCommandCatalogue.Invocation("Get-AzureStackHCI"), default);

        Assert.False(result.Succeeded);
        Assert.Equal(1 + ResilientNodeSession.MaxRetries, nodes.Calls.Count(c => c.Command == "Get-AzureStackHCI"));
    }

    [Fact]
    public async Task ReopensADroppedSessionBeforeTheNextCommand()
    {
        var (nodes, log) = Node("Get-AzureStackHCI", () => throw new NodeUnreachableException("node1", "The SSH transport process has abruptly terminated."));
        using var session = new ResilientNodeSession(nodes, await nodes.ConnectAsync("node1", default), log.Add);

        var result = await session.InvokeAsync(NodeCommandCatalogue.Invocation("Get-AzureStackHCI"), default);

        Assert.True(result.Succeeded);
        Assert.Equal(1, nodes.OpenSessions); // the dropped one closed, the new one open
        Assert.Contains(log, l => l.Contains("node1: the session dropped; opening a new one."));
    }
}
