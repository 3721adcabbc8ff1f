using System;
using System.Threading;

namespace Az.StackHCI.Core.Operations
{
    /// <summary>
    /// The reporter of the command on this async flow. A sign-in kept for the PowerShell session outlives the command
    /// that made it, so its prompts (a device code) and SDK retries go to the command asking for a token now.
    /// </summary>
    public static class CommandReporter
    {
        private static readonly AsyncLocal<IOperationReporter?> Reporter = new AsyncLocal<IOperationReporter?>();

        public static IOperationReporter? Current => Reporter.Value;

        /// <summary>Until disposed, <see cref="Current"/> is <paramref name="reporter"/> on this flow and the flows it starts.</summary>
        public static IDisposable Use(IOperationReporter reporter)
        {
            var previous = Reporter.Value;
            Reporter.Value = reporter;
            return new Restore(previous);
        }

        private sealed class Restore : IDisposable
        {
            private readonly IOperationReporter? _previous;

            public Restore(IOperationReporter? previous) => _previous = previous;

            public void Dispose() => Reporter.Value = _previous;
        }
    }
}
