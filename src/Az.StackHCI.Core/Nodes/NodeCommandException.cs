using System;
using System.Collections.Generic;
using System.Linq;

namespace Az.StackHCI.Core.Nodes
{
    /// <summary>A node command that wrote errors; the node's own words are kept.</summary>
    public sealed class NodeCommandException : Exception
    {
        public NodeCommandException(string computerName, string command, IReadOnlyList<NodeError> errors)
            : base($"{command} failed on '{computerName}': {string.Join(" ", errors.Select(e => e.Message.TrimEnd('.') + "."))}")
        {
            ComputerName = computerName;
            Command = command;
            Errors = errors;
        }

        public string ComputerName { get; }

        public string Command { get; }

        public IReadOnlyList<NodeError> Errors { get; }
    }
}
