using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Nodes;

namespace Az.StackHCI.Remoting
{
    /// <summary>
    /// Nodes over real PowerShell remoting. Sessions are opened and used from a private runspace pool, so many
    /// nodes are worked on at once without touching the caller's runspace; names resolve the way the user's own
    /// New-PSSession would resolve them (DNS, ssh_config).
    /// </summary>
    internal sealed class PowerShellNodeConnector : INodeConnector, IDisposable
    {
        private readonly NodeConnectionSettings _settings;
        private readonly RunspacePool _pool;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<PowerShellNodeSession, bool> _open =
            new System.Collections.Concurrent.ConcurrentDictionary<PowerShellNodeSession, bool>();

        public PowerShellNodeConnector(NodeConnectionSettings settings, int throttleLimit)
        {
            _settings = settings;
            _pool = RunspaceFactory.CreateRunspacePool(InitialSessionState.CreateDefault2());
            _pool.SetMaxRunspaces(Math.Max(1, throttleLimit));
            _pool.Open();
        }

        public async Task<INodeSession> ConnectAsync(string computerName, CancellationToken cancellationToken)
        {
            using var shell = PowerShell.Create();
            shell.RunspacePool = _pool;
            shell.AddCommand("New-PSSession").AddParameters(SessionParameters(_settings, computerName));
            Collection<PSObject> output;
            try
            {
                output = await Invocation.RunAsync(shell, cancellationToken).ConfigureAwait(false);
            }
            catch (RuntimeException ex)
            {
                throw new NodeUnreachableException(computerName, ex.Message, ex);
            }

            if (output.Count == 0 || shell.Streams.Error.Count > 0)
            {
                var reason = shell.Streams.Error.Select(e => e.ToString()).FirstOrDefault() ?? "no session was returned.";
                throw new NodeUnreachableException(computerName, reason);
            }

            var session = new PowerShellNodeSession(computerName, output[0], _pool, closed => _open.TryRemove(closed, out _));
            _open[session] = true;
            return session;
        }

        /// <summary>
        /// New-PSSession's parameters for one node: -HostName (SSH: -UserName, -KeyFilePath, -Port) or -ComputerName
        /// (WinRM: -Credential, -UseSSL, -Port, -Authentication, -SessionOption), each only when given.
        /// </summary>
        internal static Dictionary<string, object> SessionParameters(NodeConnectionSettings settings, string computerName)
        {
            var parameters = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            void Add(string name, object? value)
            {
                if (value is not null)
                {
                    parameters[name] = value;
                }
            }

            if (settings.UseSsh)
            {
                Add("HostName", computerName);
                Add("ConnectingTimeout", settings.ConnectingTimeoutMilliseconds);
                Add("UserName", settings.UserName);
                Add("KeyFilePath", settings.KeyFilePath);
            }
            else
            {
                Add("ComputerName", computerName);
                Add("Credential", settings.Credential);
                Add("UseSSL", settings.UseSsl ? new SwitchParameter(true) : null);
                Add("Authentication", settings.Authentication);
                Add("SessionOption", settings.SessionOption);
            }

            Add("Port", settings.Port);
            return parameters;
        }

        /// <summary>Closes every session still open (work abandoned by Ctrl+C included), then the pool.</summary>
        public void Dispose()
        {
            foreach (var session in _open.Keys)
            {
                session.Dispose();
            }

            _pool.Dispose();
        }
    }

    /// <summary>One open PSSession; commands run in it through Invoke-Command.</summary>
    internal sealed class PowerShellNodeSession : INodeSession
    {
        // Runs on the node: the command's output as JSON of plain values, its errors as plain records (Invoke-NodeCommand.ps1).
        private static readonly Lazy<string> RemoteScript = new Lazy<string>(() => Script("Invoke-NodeCommand.ps1"));

        // The module's own node-side functions (catalogue definedBy), sent with the commands that need them.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Definitions = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();

        private static string Script(string name)
        {
            using var stream = typeof(PowerShellNodeSession).Assembly.GetManifestResourceStream("Az.StackHCI.Remoting." + name)
                ?? throw new InvalidOperationException($"The node script {name} is missing from the module.");
            using var reader = new System.IO.StreamReader(stream);
            return reader.ReadToEnd();
        }

        private readonly PSObject _session;
        private readonly RunspacePool _pool;
        private readonly Action<PowerShellNodeSession> _closed;

        // A remote runspace runs one pipeline at a time: callers sharing the session take turns.
        private readonly SemaphoreSlim _turn = new SemaphoreSlim(1, 1);
        private int _disposed;

        public PowerShellNodeSession(string computerName, PSObject session, RunspacePool pool, Action<PowerShellNodeSession> closed)
        {
            ComputerName = computerName;
            _session = session;
            _pool = pool;
            _closed = closed;
        }

        public string ComputerName { get; }

        public async Task<NodeCommandResult> InvokeAsync(NodeInvocation invocation, CancellationToken cancellationToken)
        {
            static Hashtable Table(IReadOnlyDictionary<string, object?> parameters)
            {
                var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (var parameter in parameters)
                {
                    // The engine holds no PowerShell types: a credential travels to the node as the PSCredential it expects.
                    table[parameter.Key] = parameter.Value is System.Net.NetworkCredential credential
                        ? new PSCredential(credential.UserName, credential.SecurePassword)
                        : parameter.Value;
                }

                return table;
            }

            using var shell = PowerShell.Create();
            shell.RunspacePool = _pool;
            shell.AddCommand("Invoke-Command")
                .AddParameter("Session", _session)
                .AddParameter("ScriptBlock", ScriptBlock.Create(RemoteScript.Value))
                .AddParameter("ArgumentList", new object?[]
                {
                    invocation.Command, Table(invocation.Parameters), invocation.Spec.Select.ToArray(), invocation.Spec.ExpandOnNode.ToArray(),
                    invocation.Input?.Command, invocation.Input is null ? null : Table(invocation.Input.Parameters),
                    invocation.Spec.DefinedBy is string definedBy ? Definitions.GetOrAdd(definedBy, Script) : null,
                });
            Collection<PSObject> results;
            await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                results = await Invocation.RunAsync(shell, cancellationToken).ConfigureAwait(false);
            }
            catch (RuntimeException ex)
            {
                throw new NodeUnreachableException(ComputerName, ex.Message, ex);
            }
            finally
            {
                _turn.Release();
            }

            if (results.Count == 0)
            {
                var reason = shell.Streams.Error.Select(e => e.ToString()).FirstOrDefault() ?? "the session returned nothing.";
                throw new NodeUnreachableException(ComputerName, reason);
            }

            var result = results[0];
            var output = Strings(result.Properties["Output"]?.Value);
            var errors = Objects(result.Properties["Errors"]?.Value)
                .Select(e => new NodeError(
                    e.Properties["Message"]?.Value?.ToString() ?? "",
                    e.Properties["ErrorId"]?.Value?.ToString() ?? "",
                    e.Properties["Category"]?.Value?.ToString() ?? ""))
                .ToList();
            var elapsed = result.Properties["ElapsedMilliseconds"]?.Value is object ms ? TimeSpan.FromMilliseconds(Convert.ToDouble(ms, System.Globalization.CultureInfo.InvariantCulture)) : TimeSpan.Zero;
            return new NodeCommandResult(output, errors, elapsed);
        }

        /// <summary>Closes the remote runspace itself, which needs no pool (it may be gone after Ctrl+C).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            if (_session.BaseObject is PSSession session)
            {
                session.Runspace.Dispose();
            }

            _closed(this);
        }

        private static IEnumerable<PSObject> Objects(object? value) =>
            (PSObject.AsPSObject(value ?? Array.Empty<object>()).BaseObject as IEnumerable ?? Array.Empty<object>())
                .Cast<object>().Select(PSObject.AsPSObject);

        private static List<string> Strings(object? value) => Objects(value).Select(o => o.BaseObject.ToString()!).ToList();
    }

    /// <summary>Runs a PowerShell pipeline asynchronously; cancellation stops it.</summary>
    internal static class Invocation
    {
        public static async Task<Collection<PSObject>> RunAsync(PowerShell shell, CancellationToken cancellationToken)
        {
            using var registration = cancellationToken.Register(() => shell.BeginStop(null, null));
            try
            {
                var output = await Task.Factory.FromAsync(shell.BeginInvoke(), shell.EndInvoke).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                return new Collection<PSObject>(output.ToList());
            }
            catch (PipelineStoppedException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }
}
