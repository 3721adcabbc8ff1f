# The shared cmdlet base: engine work runs off the pipeline thread, its messages reach the pipeline thread, and
# stopping the pipeline (Ctrl+C) returns promptly even while the engine waits on the network.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifest = Get-TestModuleManifest

    # A server that accepts connections and never answers: the TLS handshake, and so the command, hangs.
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port

    function Start-HangingCommand {
        $shell = [powershell]::Create()
        $null = $shell.AddScript("Import-Module '$manifest'; Add-AzStackHCIEnvironment -Name Hanging -ResourceManagerEndpoint https://127.0.0.1:$port/ -Scope Process -Verbose")
        $shell.Streams.Verbose.Clear()
        $null = $shell.BeginInvoke()
        # Wait until the engine is really inside its network call.
        $accept = $listener.AcceptTcpClientAsync()
        if (-not $accept.Wait(30000)) { throw 'The command never connected.' }
        $script:connection = $accept.Result
        $shell
    }
}

AfterAll {
    $listener.Stop()
}

Describe 'Stopping a running command' {
    It 'returns promptly and reports the pipeline as stopped' {
        $shell = Start-HangingCommand
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Stop()
            # A command that waited for the network instead of cancelling would take the 30-s attempt timeout at
            # least; half of it leaves room for a busy machine and still tells the two apart.
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 15 -Because 'waiting would take the 30-s attempt timeout; the tolerance is half of that'
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $connection.Dispose()
            $shell.Dispose()
        }
    }

    It 'delivers verbose messages written on worker threads to the pipeline' {
        $shell = Start-HangingCommand
        try {
            # Posted by the worker before it connects; the pipeline thread writes it while the command still runs.
            $expected = "Reading the cloud's endpoints from https://127.0.0.1:$port/metadata/endpoints?api-version=2022-09-01."
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ($shell.Streams.Verbose.Message -notcontains $expected -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $shell.InvocationStateInfo.State | Should -Be 'Running'
            $shell.Stop()
            $shell.Streams.Verbose.Message | Should -Contain $expected
        }
        finally {
            $connection.Dispose()
            $shell.Dispose()
        }
    }

    It 'stops within a host timeout as well (Wait-Job -Timeout then Stop-Job)' {
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module $using:manifest
            Add-AzStackHCIEnvironment -Name Hanging -ResourceManagerEndpoint "https://127.0.0.1:$using:port/" -Scope Process
        }
        try {
            $accept = $listener.AcceptTcpClientAsync()
            $accept.Wait(30000) | Should -BeTrue
            $job | Wait-Job -Timeout 1 | Should -BeNullOrEmpty
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $job | Stop-Job
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 15 -Because 'waiting would take the 30-s attempt timeout; the tolerance is half of that'
            $job.State | Should -Be 'Stopped'
        }
        finally {
            if ($accept.IsCompletedSuccessfully) { $accept.Result.Dispose() }
            $job | Remove-Job -Force
        }
    }
}
