using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace Az.StackHCI.Threading
{
    /// <summary>
    /// PowerShell accepts Write*, WriteProgress and ShouldProcess only on the pipeline thread, while the engine runs
    /// on pool threads. The pipeline thread calls <see cref="Run{T}"/>, which executes what workers
    /// <see cref="Post"/> or <see cref="InvokeAsync{T}"/> until the work ends or is cancelled (Ctrl+C).
    /// </summary>
    internal sealed class PipelineDispatcher
    {
        private readonly BlockingCollection<Action> _queue = new BlockingCollection<Action>();
        private int _pumpThreadId = -1;

        /// <summary>Queues an action for the pipeline thread; runs it at once if called on that thread while pumping.</summary>
        public void Post(Action action)
        {
            if (Environment.CurrentManagedThreadId == Volatile.Read(ref _pumpThreadId))
            {
                action();
                return;
            }

            try
            {
                _queue.Add(action);
            }
            catch (InvalidOperationException)
            {
                // The pump has ended (the work finished or was cancelled): nobody is left to show this.
            }
        }

        /// <summary>Runs a function on the pipeline thread and hands its result (or exception) back to the worker.</summary>
        public Task<T> InvokeAsync<T>(Func<T> function, CancellationToken cancellationToken)
        {
            var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            var registration = cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
            completion.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
            Post(() =>
            {
                if (completion.Task.IsCompleted)
                {
                    return;
                }

                try
                {
                    completion.TrySetResult(function());
                }
                catch (Exception ex)
                {
                    completion.TrySetException(ex);
                }
            });
            if (_queue.IsAddingCompleted)
            {
                completion.TrySetCanceled();
            }

            return completion.Task;
        }

        /// <summary>
        /// Starts <paramref name="work"/> on the thread pool and pumps queued actions on the calling thread until it
        /// ends. Returns its result or rethrows its exception. When <paramref name="cancellationToken"/> is cancelled
        /// this returns at once with <see cref="OperationCanceledException"/>, even if the work has not noticed yet.
        /// An exception thrown by a queued action (e.g. PipelineStoppedException from a Write) ends the pump too.
        /// </summary>
        public T Run<T>(Func<Task<T>> work, CancellationToken cancellationToken)
        {
            Volatile.Write(ref _pumpThreadId, Environment.CurrentManagedThreadId);
            var task = Task.Run(work, cancellationToken);
            task.ContinueWith(_ => _queue.CompleteAdding(), TaskScheduler.Default);
            try
            {
                foreach (var action in _queue.GetConsumingEnumerable(cancellationToken))
                {
                    action();
                }
            }
            finally
            {
                Volatile.Write(ref _pumpThreadId, -1);
                _queue.CompleteAdding();
                // Abandoned work (cancelled, or the pump failed) must not leave an unobserved exception behind.
                task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }

            return task.GetAwaiter().GetResult();
        }
    }
}
