using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Nodes;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>Every node's own word on its registration (Get-AzureStackHCI), asked of all at once.</summary>
    internal static class NodeStates
    {
        public static async Task<IReadOnlyList<NodeResult>> ReadAsync(RegistrationContext context, CancellationToken cancellationToken)
        {
            var states = await NodeFanOut.RunAsync(context.Cluster.Nodes, n => n.ComputerName,
                (node, token) => NodeCommands.GetAzureStackHCIAsync(node, token), context.Request.ThrottleLimit, cancellationToken).ConfigureAwait(false);
            return states.Select(s => new NodeResult(s.ComputerName, s.Succeeded && s.Value.IsRegistered ? "Registered" : "Failed", s.Failure?.Message ?? s.Value?.RegistrationStatus)).ToList();
        }
    }
}
