using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;

namespace Az.StackHCI.Core.Nodes
{
    /// <summary>
    /// A node session that rides out what a node does once: a command failing on a busy or unreachable service, or
    /// the session dropping (reopened before the next command). Only commands the catalogue marks repeatable are
    /// repeated: reads, and writes that set a state rather than add one. Creating a certificate is never repeated
    /// (each call makes another), nor is a connectivity probe (its failure is the answer). Failures another layer already waits out
    /// (directory replication, categories such as InvalidOperation or AuthenticationError) are not retried here.
    /// </summary>
    internal sealed class ResilientNodeSession : INodeSession
    {
        internal const int MaxRetries = 2;

        /// <summary>Error categories of a passing condition: a service busy or failing, a network hiccup, an unknown fault.</summary>
        private static readonly HashSet<string> TransientCategories = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "ConnectionError", "OperationTimeout", "ResourceUnavailable", "ResourceBusy", "NotSpecified",
        };

        private readonly INodeConnector _connector;
        private readonly Action<string> _log;
        private readonly SemaphoreSlim _reconnect = new SemaphoreSlim(1, 1);
        private INodeSession _session;
        private bool _dropped;

        public ResilientNodeSession(INodeConnector connector, INodeSession session, Action<string> log)
        {
            _connector = connector;
            _session = session;
            _log = log;
        }

        public string ComputerName => _session.ComputerName;

        internal static bool IsTransient(NodeCommandResult result) =>
            !result.Succeeded && result.Errors.All(e => TransientCategories.Contains(e.Category));

        public Task<NodeCommandResult> InvokeAsync(NodeInvocation invocation, CancellationToken cancellationToken)
        {
            if (!invocation.Spec.Repeatable)
            {
                return AttemptAsync(invocation, cancellationToken);
            }

            return new ResiliencePipelineBuilder<NodeCommandResult>()
                .AddRetry(new RetryStrategyOptions<NodeCommandResult>
                {
                    MaxRetryAttempts = MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(1),
                    ShouldHandle = new PredicateBuilder<NodeCommandResult>().Handle<NodeUnreachableException>().HandleResult(IsTransient),
                    OnRetry = args =>
                    {
                        var reason = args.Outcome.Exception?.Message ?? string.Join(" ", args.Outcome.Result!.Errors.Select(e => e.Message));
                        _log($"{ComputerName}: {invocation.Command} failed ({reason}); retry {args.AttemptNumber + 1} of {MaxRetries}.");
                        return default;
                    },
                })
                .Build()
                .ExecuteAsync(async token => await AttemptAsync(invocation, token).ConfigureAwait(false), cancellationToken)
                .AsTask();
        }

        public void Dispose() => _session.Dispose();

        private async Task<NodeCommandResult> AttemptAsync(NodeInvocation invocation, CancellationToken cancellationToken)
        {
            var session = await CurrentAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await session.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeUnreachableException)
            {
                _dropped = true;
                throw;
            }
        }

        /// <summary>The open session; after a drop, a new one to the same node.</summary>
        private async Task<INodeSession> CurrentAsync(CancellationToken cancellationToken)
        {
            if (!_dropped)
            {
                return _session;
            }

            await _reconnect.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_dropped)
                {
                    _log($"{ComputerName}: the session dropped; opening a new one.");
                    var fresh = await _connector.ConnectAsync(ComputerName, cancellationToken).ConfigureAwait(false);
                    _session.Dispose();
                    _session = fresh;
                    _dropped = false;
                }

                return _session;
            }
            finally
            {
                _reconnect.Release();
            }
        }
    }
}
