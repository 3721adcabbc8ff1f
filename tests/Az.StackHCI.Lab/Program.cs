using Az.StackHCI.Lab.Hosting;

// Usage: Az.StackHCI.Lab --root <dir> [--fault-file <file>]
// Normally started by tests/lab/Start-Lab.ps1, which waits for <root>/lab.json.
string? root = null, faultFile = null;
for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--root": root = args[++i]; break;
        case "--fault-file": faultFile = args[++i]; break;
    }
}

if (root is null)
{
    Console.Error.WriteLine("Usage: Az.StackHCI.Lab --root <dir> [--fault-file <file>]");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
return await LabHost.RunAsync(Path.GetFullPath(root), faultFile, stop.Token);
