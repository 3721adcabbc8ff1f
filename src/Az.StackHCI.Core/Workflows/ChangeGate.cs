using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows
{
    /// <summary>
    /// The one place a workflow asks before a change (ShouldProcess). Once a change is declined (-WhatIf, or No at
    /// -Confirm) the gate stays shut for the rest of the run: every later change builds on the ones before it, so it
    /// is only announced ("What if: …") and never made.
    /// </summary>
    internal sealed class ChangeGate
    {
        private readonly IOperationReporter _reporter;

        public ChangeGate(IOperationReporter reporter) => _reporter = reporter;

        /// <summary>True once any change of this run was declined.</summary>
        public bool Declined { get; private set; }

        /// <summary>Asks for the change; false (and shut from now on) when it was declined or an earlier one was.</summary>
        public async Task<bool> AllowAsync(string target, string action, CancellationToken cancellationToken)
        {
            var allowed = await _reporter.ShouldProcessAsync(target, action, cancellationToken).ConfigureAwait(false);
            Declined |= !allowed;
            return !Declined;
        }

        /// <summary>Shows a change that will not be made because an earlier one was declined.</summary>
        public Task AnnounceAsync(string target, string action, CancellationToken cancellationToken) =>
            _reporter.ShouldProcessAsync(target, action, cancellationToken);
    }
}
