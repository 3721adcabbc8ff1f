using System.Collections.Concurrent;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Tests;

/// <summary>Keeps what the engine says (verbose, warnings, progress, the changes it asks for) and allows every change, or (-WhatIf) none.</summary>
internal sealed class RecordingReporter : IOperationReporter
{
    private readonly ConcurrentQueue<string> _verbose = new();
    private readonly ConcurrentQueue<OperationProgress> _progress = new();
    private readonly ConcurrentQueue<string> _asked = new();

    /// <summary>False answers every ShouldProcess and Confirm with No, as -WhatIf does.</summary>
    public bool AllowChanges { get; init; } = true;

    public IReadOnlyCollection<string> Verbose => _verbose;

    public IReadOnlyCollection<OperationProgress> Progress => _progress;

    /// <summary>The actions ShouldProcess was asked about, in order.</summary>
    public IReadOnlyList<string> Asked => _asked.ToList();

    void IOperationReporter.Verbose(string message) => _verbose.Enqueue(message);

    public void Debug(string message) { }

    public void Warning(string message) => _verbose.Enqueue("WARNING: " + message);

    void IOperationReporter.Progress(OperationProgress progress) => _progress.Enqueue(progress);

    public Task<bool> ShouldProcessAsync(string target, string action, CancellationToken cancellationToken)
    {
        _asked.Enqueue(action);
        return Task.FromResult(AllowChanges);
    }

    public Task<bool> ConfirmAsync(string description, string question, CancellationToken cancellationToken) => Task.FromResult(AllowChanges);
}
