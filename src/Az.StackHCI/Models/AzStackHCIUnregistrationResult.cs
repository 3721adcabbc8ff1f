using System.Collections.Generic;

namespace Az.StackHCI.Models
{
    /// <summary>What Unregister-AzStackHCI returns: Microsoft's Result and Details, the resource and each node.</summary>
    public sealed class AzStackHCIUnregistrationResult
    {
        /// <summary>Success, Failed or Cancelled.</summary>
        public OperationStatus Result { get; set; }

        public string? AzureResourceId { get; set; }

        public string? Details { get; set; }

        /// <summary>The stable error id when Result is Failed.</summary>
        public string? ErrorDetail { get; set; }

        public IReadOnlyList<AzStackHCINodeResult> Nodes { get; set; } = new List<AzStackHCINodeResult>();
    }
}
