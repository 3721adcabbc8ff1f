<#
.SYNOPSIS
    Register-AzStackHCI (with Arc) against the lab under injected latency: wall time for each cluster size, the
    same 8 nodes one at a time (-ThrottleLimit 1, the shape of Microsoft's module), peak memory of the management
    process, and the cloud calls and node commands each registration makes. Returns one row per scenario.

.DESCRIPTION
    The lab (cloud and nodes) runs under -Root. Every registration starts from a fresh lab state and runs in its own
    pwsh process, which imports the module and adds the lab environment before the clock starts; its peak resident
    memory (VmHWM) and the CPU time it used (import included) are read at its end. The lab's nodes share this
    machine's processors with it: on two cores their PowerShell start-ups, not the module, set the pace. Scenarios of one cluster size are interleaved run by run, so machine noise
    hits them alike. Injected latency: every ARM and Graph request, every authority request (tokens), and every
    node command (the lab node's latencyMs switch applies to each OS command the module calls on a node).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Root = (Join-Path ([IO.Path]::GetTempPath()) 'azstackhci-bench-lab'),
    [string] $Sizes = '1,4,8,16',
    [int] $Runs = 3,
    # The cluster size also registered one node at a time (-ThrottleLimit 1).
    [int] $SequentialSize = 8,
    [int] $CloudLatencyMs = 80,
    [int] $TokenLatencyMs = 150,
    [int] $NodeLatencyMs = 300,
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repository = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$manifest = Join-Path $ModulePath 'Az.StackHCI.psd1'
Import-Module (Join-Path $repository 'tests/pester/LabHelpers.psm1') -Force

function Start-BenchLab([int] $Nodes) {
    $file = & (Join-Path $repository 'tests/lab/Start-Lab.ps1') -Nodes $Nodes -Root $Root | Select-Object -Last 1
    $env:AZSTACKHCI_LAB_JSON = $file
    $env:SSL_CERT_FILE = (Get-Content $file -Raw | ConvertFrom-Json).caBundle
}

function Set-BenchLatency {
    Set-LabFaults @(
        @{ service = 'arm'; latencyMs = $CloudLatencyMs }
        @{ service = 'graph'; latencyMs = $CloudLatencyMs }
        @{ service = 'authority'; latencyMs = $TokenLatencyMs }
    )
    foreach ($node in (Get-Lab).clusters[0].nodes) { Set-LabNode $node @{ latencyMs = $NodeLatencyMs } }
}

# The registration, alone in a fresh process: JSON with the result, seconds and peak memory.
$child = @'
param($Manifest, $ThrottleLimit, $LogsDirectory)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$lab = Get-Content $env:AZSTACKHCI_LAB_JSON -Raw | ConvertFrom-Json
Add-AzStackHCIEnvironment -Name $lab.environmentName -ResourceManagerEndpoint $lab.resourceManagerEndpoint -Scope Process | Out-Null
$watch = [Diagnostics.Stopwatch]::StartNew()
$sessions = $null
$result = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -Region eastus -EnvironmentName $lab.environmentName `
    -ComputerName $lab.clusters[0].nodes[0] -ThrottleLimit $ThrottleLimit -LogsDirectory $LogsDirectory -WarningAction SilentlyContinue -Verbose 4>&1 |
    ForEach-Object {
        # Sign-in and the sessions to every node come before the pre-flight's first step.
        if ($_ -isnot [Management.Automation.VerboseRecord]) { $_ }
        elseif ($null -eq $sessions -and $_.Message -like 'Validating the parameters*') { $sessions = $watch.Elapsed.TotalSeconds }
    }
$seconds = $watch.Elapsed.TotalSeconds
# The process's peak resident memory (VmHWM on Linux).
$process = [Diagnostics.Process]::GetCurrentProcess()
@{ Result = "$($result.Result)"; Seconds = $seconds; SessionSeconds = $sessions; PeakRssMB = [math]::Round($process.PeakWorkingSet64 / 1MB)
    CpuSeconds = $process.TotalProcessorTime.TotalSeconds } | ConvertTo-Json -Compress
'@
$childFile = Join-Path ([IO.Path]::GetTempPath()) "azstackhci-bench-$PID.ps1"
Set-Content -Path $childFile -Value $child
$logs = Join-Path ([IO.Path]::GetTempPath()) "azstackhci-bench-logs-$PID"
New-Item -ItemType Directory -Path $logs -Force | Out-Null

function Invoke-Registration([int] $ThrottleLimit) {
    Reset-Lab
    Set-BenchLatency
    $pwsh = [Environment]::ProcessPath
    $arguments = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $output = & $pwsh @arguments -NoLogo -NoProfile -NonInteractive -File $childFile -Manifest $manifest -ThrottleLimit $ThrottleLimit -LogsDirectory $logs
    if ($LASTEXITCODE -ne 0) { throw "The registration failed: $($output -join "`n")" }
    $run = $output | Select-Object -Last 1 | ConvertFrom-Json
    if ($run.Result -ne 'Success') { throw "The registration ended with $($run.Result)." }
    $journal = @(Get-LabJournal)
    $nodeJournal = Join-Path (Get-Lab).root 'nodes/journal'
    $run | Add-Member -NotePropertyMembers ([ordered]@{
            ArmCalls       = @($journal | Where-Object service -EQ 'arm').Count
            GraphCalls     = @($journal | Where-Object service -EQ 'graph').Count
            AuthorityCalls = @($journal | Where-Object service -EQ 'authority').Count
            HciCalls       = @($journal | Where-Object service -EQ 'hci').Count
            NodeCommands   = if (Test-Path $nodeJournal) { @(Get-Content $nodeJournal | Where-Object { $_ }).Count } else { 0 }
        }) -PassThru
}

function Get-Median([double[]] $Values) { $sorted = @($Values | Sort-Object); $sorted[[int][math]::Floor($sorted.Count / 2)] }

$rows = [Collections.Generic.List[object]]::new()
try {
    foreach ($size in $Sizes -split ',' | ForEach-Object { [int] $_ }) {
        Write-Host "Lab with a $size-node cluster..."
        Start-BenchLab $size
        $scenarios = [ordered]@{ "$size node(s)" = 16 }
        if ($size -eq $SequentialSize) { $scenarios["$size nodes, one at a time"] = 1 }
        $samples = @{}
        foreach ($name in $scenarios.Keys) { $samples[$name] = [Collections.Generic.List[object]]::new() }
        for ($i = 1; $i -le $Runs; $i++) {
            foreach ($name in $scenarios.Keys) {
                $run = Invoke-Registration $scenarios[$name]
                Write-Host ("  {0}, run {1}: {2:N1} s ({3:N1} s signing in and opening sessions), peak {4} MB" -f $name, $i, $run.Seconds, $run.SessionSeconds, $run.PeakRssMB)
                $samples[$name].Add($run)
            }
        }
        foreach ($name in $scenarios.Keys) {
            $last = $samples[$name][-1]
            $rows.Add([pscustomobject][ordered]@{
                Scenario       = $name
                Nodes          = $size
                ThrottleLimit  = $scenarios[$name]
                MedianSeconds  = [math]::Round((Get-Median $samples[$name].Seconds), 2)
                SignInAndSessionsSeconds = [math]::Round((Get-Median $samples[$name].SessionSeconds), 2)
                AfterSessionsSeconds = [math]::Round((Get-Median ($samples[$name] | ForEach-Object { $_.Seconds - $_.SessionSeconds })), 2)
                PeakRssMB      = ($samples[$name].PeakRssMB | Measure-Object -Maximum).Maximum
                ManagementCpuSeconds = [math]::Round((Get-Median $samples[$name].CpuSeconds), 1)
                ArmCalls       = $last.ArmCalls
                GraphCalls     = $last.GraphCalls
                AuthorityCalls = $last.AuthorityCalls
                HciCalls       = $last.HciCalls
                NodeCommands   = $last.NodeCommands
                Runs           = $Runs
            })
        }
    }
}
finally {
    & (Join-Path $repository 'tests/lab/Stop-Lab.ps1') -Root $Root | Out-Null
    if ($ResultPath) { Set-Content -Path $ResultPath -Value (ConvertTo-Json -InputObject @($rows) -Depth 3) }
    Remove-Item $childFile, $logs -Recurse -Force -ErrorAction SilentlyContinue
}
$rows
