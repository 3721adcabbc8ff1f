using System.Collections.Concurrent;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Tests;

/// <summary>Keeps what the engine says (verbose, warnings, progress) and allows every change.</summary>
internal sealed class RecordingReporter : IOperationReporter
{
    private readonly ConcurrentQueue<string> _verbose = new();
    private readonly ConcurrentQueue<OperationProgress> _progress = new();

    public IReadOnlyCollection<string> Verbose => _verbose;

    public IReadOnlyCollection<OperationProgress> Progress => _progress;

    void IOperationReporter.Verbose(string message) => _verbose.Enqueue(message);

    public void Debug(string message) { }

    public void Warning(string message) => _verbose.Enqueue("WARNING: " + message);

    void IOperationReporter.Progress(OperationProgress progress) => _progress.Enqueue(progress);

    public Task<bool> ShouldProcessAsync(string target, string action, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> ConfirmAsync(string description, string question, CancellationToken cancellationToken) => Task.FromResult(true);
}
