using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Logging
{
    /// <summary>
    /// The run's log file (e.g. RegisterHCI_20261130-054200.log), written alongside everything the reporter shows:
    /// each step, retry, warning and the result, in Microsoft's "yyyy/MM/dd HH:mm:ss , LEVEL , message" lines.
    /// Nothing secret reaches it: the engine never reports tokens, secrets or keys.
    /// </summary>
    public sealed class OperationLog : IOperationReporter, IDisposable
    {
        private readonly IOperationReporter _inner;
        private readonly StreamWriter? _writer;
        private readonly object _gate = new object();

        private OperationLog(IOperationReporter inner, StreamWriter? writer, string? path)
        {
            _inner = inner;
            _writer = writer;
            Path = path;
        }

        /// <summary>The log file, or null when no folder could be written.</summary>
        public string? Path { get; }

        /// <summary>
        /// Opens &lt;prefix&gt;_yyyyMMdd-HHmmss.log, readable by this user only, in the folder the user named (refused
        /// when it cannot be written), else in the default folder, falling back (with a warning) to a temporary one.
        /// </summary>
        /// <exception cref="HciException">LogsDirectoryNotWritable.</exception>
        public static OperationLog Open(string? directory, string? defaultDirectory, string prefix, IOperationReporter inner)
        {
            var name = $"{prefix}_{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.log";
            if (directory is not null)
            {
                try
                {
                    return Create(directory, name, inner);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    throw new HciException("LogsDirectoryNotWritable", HciErrorCategory.InvalidArgument, directory,
                        $"Cannot write the log file in -LogsDirectory '{directory}': {ex.Message} Give a folder you can write to, or leave -LogsDirectory out.", ex);
                }
            }

            var preferred = defaultDirectory ?? Directory.GetCurrentDirectory();
            var fallback = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "Az.StackHCI", "Logs");
            foreach (var folder in new[] { preferred, fallback })
            {
                try
                {
                    var log = Create(folder, name, inner);
                    if (folder == fallback)
                    {
                        inner.Warning($"Access to folder {preferred} is denied, switching to default logs directory: {fallback}");
                    }

                    return log;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                }
            }

            inner.Warning("No folder could be written for the log file; continuing without one.");
            return new OperationLog(inner, null, null);
        }

        private static OperationLog Create(string folder, string name, IOperationReporter inner)
        {
            Directory.CreateDirectory(folder);
            var path = System.IO.Path.Combine(folder, name);
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            try
            {
                UserOnlyFile.Restrict(path);
            }
            catch
            {
                stream.Dispose();
                throw;
            }

            return new OperationLog(inner, new StreamWriter(stream) { AutoFlush = true }, path);
        }

        public void Info(string message) => Write("INFO", message);

        public void Error(string message) => Write("ERROR", message);

        public void Verbose(string message)
        {
            Write("DEBUG", message);
            _inner.Verbose(message);
        }

        public void Debug(string message) => _inner.Debug(message);

        public void Warning(string message)
        {
            Write("WARN", message);
            _inner.Warning(message);
        }

        public void Progress(OperationProgress progress) => _inner.Progress(progress);

        public async Task<bool> ShouldProcessAsync(string target, string action, CancellationToken cancellationToken)
        {
            var allowed = await _inner.ShouldProcessAsync(target, action, cancellationToken).ConfigureAwait(false);
            Write("INFO", $"{(allowed ? "Change" : "Skipped change")}: {action} on {target}");
            return allowed;
        }

        public async Task<bool> ConfirmAsync(string description, string question, CancellationToken cancellationToken)
        {
            var allowed = await _inner.ConfirmAsync(description, question, cancellationToken).ConfigureAwait(false);
            Write("INFO", $"{(allowed ? "Changes" : "Skipped changes")}: {description}");
            return allowed;
        }

        public void Dispose() => _writer?.Dispose();

        private void Write(string level, string message)
        {
            if (_writer is null)
            {
                return;
            }

            lock (_gate)
            {
                _writer.WriteLine($"{DateTime.Now.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture)} , {level} , {message}");
            }
        }
    }
}
