using System;
using Az.StackHCI.Core.Nodes;

namespace Az.StackHCI.Core.Operations
{
    /// <summary>Node failures as the stable errors users see (NodeCommandFailed, NodeUnreachable).</summary>
    internal static class NodeFailures
    {
        /// <summary>The HciException for a node failure, the exception itself when it already is one, else null.</summary>
        public static HciException? AsHci(Exception exception) => exception switch
        {
            HciException hci => hci,
            NodeCommandException command => new HciException("NodeCommandFailed", HciErrorCategory.InvalidOperation, command.ComputerName, command.Message, command),
            NodeUnreachableException unreachable => new HciException("NodeUnreachable", HciErrorCategory.ConnectionError, unreachable.ComputerName, unreachable.Message, unreachable),
            _ => null,
        };
    }
}
