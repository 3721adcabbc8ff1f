using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Az.StackHCI.Core.Nodes
{
    /// <summary>
    /// The engine's one door to cluster nodes. Production opens PowerShell remoting sessions (WinRM on Windows, SSH
    /// elsewhere); unit tests fake it. Everything crossing it is text and JSON, so no PowerShell type enters the engine.
    /// </summary>
    public interface INodeConnector
    {
        /// <summary>Opens a session; fails with <see cref="NodeUnreachableException"/> naming the node.</summary>
        Task<INodeSession> ConnectAsync(string computerName, CancellationToken cancellationToken);
    }

    /// <summary>An open session to one node.</summary>
    public interface INodeSession : IDisposable
    {
        string ComputerName { get; }

        /// <summary>
        /// Runs a catalogued node command (<see cref="NodeCommandCatalogue"/>). Its output comes back as JSON (one
        /// element per output object, only the catalogue's properties where it selects some), its errors (terminating
        /// or not, as the OS writes them) in <see cref="NodeCommandResult.Errors"/>.
        /// </summary>
        Task<NodeCommandResult> InvokeAsync(NodeInvocation invocation, CancellationToken cancellationToken);
    }

    /// <summary>What a node command produced.</summary>
    public sealed class NodeCommandResult
    {
        public NodeCommandResult(IReadOnlyList<string> outputJson, IReadOnlyList<NodeError> errors, TimeSpan elapsed = default)
        {
            OutputJson = outputJson;
            Errors = errors;
            Elapsed = elapsed;
        }

        /// <summary>How long the command ran on the node (remoting not included).</summary>
        public TimeSpan Elapsed { get; }

        /// <summary>Each output object as a JSON document.</summary>
        public IReadOnlyList<string> OutputJson { get; }

        public IReadOnlyList<NodeError> Errors { get; }

        public bool Succeeded => Errors.Count == 0;
    }

    /// <summary>An error a node command wrote, as the node's PowerShell described it.</summary>
    public sealed class NodeError
    {
        public NodeError(string message, string errorId, string category)
        {
            Message = message;
            ErrorId = errorId;
            Category = category;
        }

        public string Message { get; }

        public string ErrorId { get; }

        public string Category { get; }
    }

    /// <summary>A node that could not be reached (down, name not resolvable, authentication refused).</summary>
    public sealed class NodeUnreachableException : Exception
    {
        public NodeUnreachableException(string computerName, string reason, Exception? inner = null)
            : base($"Could not open a PowerShell session to '{computerName}': {reason}", inner)
        {
            ComputerName = computerName;
            Reason = reason;
        }

        public string ComputerName { get; }

        public string Reason { get; }
    }
}
