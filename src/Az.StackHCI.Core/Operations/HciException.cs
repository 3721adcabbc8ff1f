using System;

namespace Az.StackHCI.Core.Operations
{
    /// <summary>
    /// A failure the user can act on. <see cref="ErrorId"/> is stable (scripts match on it) and the message says
    /// what to do; <see cref="Target"/> names the node, parameter or resource at fault.
    /// </summary>
    public sealed class HciException : Exception
    {
        public HciException(string errorId, HciErrorCategory category, string? target, string message, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Category = category;
            Target = target;
        }

        public string ErrorId { get; }

        public HciErrorCategory Category { get; }

        public string? Target { get; }
    }

    /// <summary>The engine's view of PowerShell's ErrorCategory; names match so the cmdlets map them by name.</summary>
    public enum HciErrorCategory
    {
        NotSpecified,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        ObjectNotFound,
        ResourceExists,
        PermissionDenied,
        AuthenticationError,
        ConnectionError,
        OperationTimeout,
        OperationStopped,
        InvalidResult,
        ResourceBusy,
    }
}
