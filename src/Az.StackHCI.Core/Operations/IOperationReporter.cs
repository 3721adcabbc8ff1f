using System.Threading;
using System.Threading.Tasks;

namespace Az.StackHCI.Core.Operations
{
    /// <summary>
    /// What an engine operation tells its caller while it runs, and the one question it asks (may I make this
    /// change?). Engine code calls it from any thread; the PowerShell implementation forwards every call to the
    /// pipeline thread.
    /// </summary>
    public interface IOperationReporter
    {
        void Verbose(string message);

        void Debug(string message);

        void Warning(string message);

        void Progress(OperationProgress progress);

        /// <summary>Asks before a side effect (ShouldProcess). False means: skip it, change nothing.</summary>
        Task<bool> ShouldProcessAsync(string target, string action, CancellationToken cancellationToken);

        /// <summary>
        /// Asks once for a change made of many parts: -WhatIf shows <paramref name="description"/> (every part),
        /// -Confirm asks <paramref name="question"/>. False means: change nothing.
        /// </summary>
        Task<bool> ConfirmAsync(string description, string question, CancellationToken cancellationToken);
    }

    /// <summary>One progress update; <see cref="Completed"/> closes the activity.</summary>
    public sealed class OperationProgress
    {
        public OperationProgress(int activityId, string activity, string status)
        {
            ActivityId = activityId;
            Activity = activity;
            Status = status;
        }

        public int ActivityId { get; }

        public string Activity { get; }

        public string Status { get; }

        public int ParentActivityId { get; set; } = -1;

        public int PercentComplete { get; set; } = -1;

        public string? CurrentOperation { get; set; }

        public bool Completed { get; set; }
    }

    /// <summary>A reporter that says nothing and allows everything: for engine callers outside PowerShell.</summary>
    public sealed class SilentReporter : IOperationReporter
    {
        public static readonly SilentReporter Instance = new SilentReporter();

        public void Verbose(string message) { }

        public void Debug(string message) { }

        public void Warning(string message) { }

        public void Progress(OperationProgress progress) { }

        public Task<bool> ShouldProcessAsync(string target, string action, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task<bool> ConfirmAsync(string description, string question, CancellationToken cancellationToken) =>
            Task.FromResult(true);
    }
}
