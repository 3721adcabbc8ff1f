using System.Text.Json;
using Az.StackHCI.Core.Nodes;

namespace Az.StackHCI.Tests;

/// <summary>A fake cluster behind the engine's node boundary: scripted command output per node.</summary>
internal sealed class FakeNodes : INodeConnector
{
    public Dictionary<string, Func<string, IReadOnlyDictionary<string, object?>, NodeCommandResult>> Nodes { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Unreachable { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<(string Node, string Command)> Calls { get; } = new();

    public int OpenSessions { get; private set; }

    /// <summary>A cluster whose nodes answer Get-Cluster, Get-ClusterNode and Get-AzureStackHCI.</summary>
    public static FakeNodes Cluster(string name, string domain, params (string Node, string State)[] nodes)
    {
        var fake = new FakeNodes();
        foreach (var (node, _) in nodes)
        {
            foreach (var host in new[] { node, $"{node}.{domain}" })
            {
                fake.Nodes[host] = (command, _) => command switch
                {
                    "Get-Cluster" => Output(new { Name = name, Domain = domain, Id = "6f1c9a5e-0000-4000-8000-000000000001" }),
                    "Get-ClusterNode" => Output(nodes.Select(n => (object)new { Name = n.Node, State = n.State }).ToArray()),
                    "Get-AzureStackHCI" => Output(new { RegistrationStatus = "NotYet", ClusterStatus = "Clustered" }),
                    _ => Error($"The term '{command}' is not recognized."),
                };
            }
        }

        return fake;
    }

    public static NodeCommandResult Output(params object[] values) =>
        new(values.Select(v => JsonSerializer.Serialize(v)).ToList(), Array.Empty<NodeError>());

    public static NodeCommandResult Error(string message) =>
        new(Array.Empty<string>(), new[] { new NodeError(message, "Fake", "InvalidOperation") });

    public Task<INodeSession> ConnectAsync(string computerName, CancellationToken cancellationToken)
    {
        if (Unreachable.Contains(computerName) || !Nodes.ContainsKey(computerName))
        {
            throw new NodeUnreachableException(computerName, "ssh: connect to host port 22: Connection refused");
        }

        OpenSessions++;
        return Task.FromResult<INodeSession>(new Session(this, computerName));
    }

    private sealed class Session(FakeNodes owner, string computerName) : INodeSession
    {
        public string ComputerName => computerName;

        public Task<NodeCommandResult> InvokeAsync(NodeInvocation invocation, CancellationToken cancellationToken)
        {
            lock (owner.Calls)
            {
                owner.Calls.Add((computerName, invocation.Command));
            }

            return Task.FromResult(owner.Nodes[computerName](invocation.Command, invocation.Parameters));
        }

        public void Dispose() => owner.OpenSessions--;
    }
}
