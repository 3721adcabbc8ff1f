<#
.SYNOPSIS
    Register-AzStackHCI (with Arc) against the lab, once per scenario and run: wall time, the node rounds on the
    critical path (from the nodes' journal), the management process's cloud calls (from the lab's journal), its peak
    memory and CPU time. Returns one row per scenario, medians over its runs.

.DESCRIPTION
    A scenario is { nodes, throttleLimit, nodeLatencyMs, arcEnableSeconds, runs }. Scenarios of one cluster size share
    one lab and are interleaved run by run, so machine noise hits them alike. Every run starts from a fresh lab state
    and registers from a pwsh process of its own, which imports the module and adds the lab's environment before the
    clock starts; only journal lines after that start are counted. The lab's nodes share this machine's processors
    with it, so the wall time is only meaningful where the injected node latency, as on a real node, dominates; the
    node rounds and call counts do not depend on the machine at all.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # JSON: an array of scenarios (see the description).
    [Parameter(Mandatory)] [string] $Scenarios,
    [string] $Root = (Join-Path ([IO.Path]::GetTempPath()) 'azstackhci-bench-lab'),
    [int] $CloudLatencyMs = 80,
    [int] $TokenLatencyMs = 150,
    [string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repository = Split-Path -Parent (Split-Path -Parent $PSScriptRoot)
$manifest = Join-Path $ModulePath 'Az.StackHCI.psd1'
Import-Module (Join-Path $repository 'tests/pester/LabHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'BenchJournal.psm1') -Force

function Start-BenchLab([int] $Nodes) {
    $file = & (Join-Path $repository 'tests/lab/Start-Lab.ps1') -Nodes $Nodes -Root $Root | Select-Object -Last 1
    $env:AZSTACKHCI_LAB_JSON = $file
    $env:SSL_CERT_FILE = (Get-Content $file -Raw | ConvertFrom-Json).caBundle
}

function Set-BenchLatency($Scenario) {
    Set-LabFaults @(
        @{ service = 'arm'; latencyMs = $CloudLatencyMs }
        @{ service = 'graph'; latencyMs = $CloudLatencyMs }
        @{ service = 'authority'; latencyMs = $TokenLatencyMs }
    )
    foreach ($node in (Get-Lab).clusters[0].nodes) {
        Set-LabNode $node @{ latencyMs = $Scenario.nodeLatencyMs; arcEnableSeconds = $Scenario.arcEnableSeconds }
    }
}

# The registration, alone in a fresh process: JSON with its result, start, seconds, peak memory and CPU time.
$child = @'
param($Manifest, $ThrottleLimit, $LogsDirectory)
$ErrorActionPreference = 'Stop'
Import-Module $Manifest
$lab = Get-Content $env:AZSTACKHCI_LAB_JSON -Raw | ConvertFrom-Json
Add-AzStackHCIEnvironment -Name $lab.environmentName -ResourceManagerEndpoint $lab.resourceManagerEndpoint -Scope Process | Out-Null
$start = [DateTimeOffset]::UtcNow
$watch = [Diagnostics.Stopwatch]::StartNew()
$result = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -Region eastus -EnvironmentName $lab.environmentName `
    -ComputerName $lab.clusters[0].nodes[0] -ThrottleLimit $ThrottleLimit -LogsDirectory $LogsDirectory -WarningAction SilentlyContinue
$seconds = $watch.Elapsed.TotalSeconds
# PeakWorkingSet64 is VmHWM on Linux: the process's peak resident memory.
$process = [Diagnostics.Process]::GetCurrentProcess()
@{ Result = "$($result.Result)"; Start = $start.ToString('o'); Seconds = $seconds; PeakRssMb = [math]::Round($process.PeakWorkingSet64 / 1MB)
    CpuSeconds = $process.TotalProcessorTime.TotalSeconds } | ConvertTo-Json -Compress
'@
$childFile = Join-Path ([IO.Path]::GetTempPath()) "azstackhci-bench-$PID.ps1"
Set-Content -Path $childFile -Value $child
$logs = Join-Path ([IO.Path]::GetTempPath()) "azstackhci-bench-logs-$PID"
New-Item -ItemType Directory -Path $logs -Force | Out-Null

function Invoke-Registration($Scenario) {
    Reset-Lab
    Set-BenchLatency $Scenario
    $pwsh = [Environment]::ProcessPath
    $arguments = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $output = & $pwsh @arguments -NoLogo -NoProfile -NonInteractive -File $childFile -Manifest $manifest -ThrottleLimit $Scenario.throttleLimit -LogsDirectory $logs
    if ($LASTEXITCODE -ne 0) { throw "The registration failed: $($output -join "`n")" }
    $run = $output | Select-Object -Last 1 | ConvertFrom-Json
    if ($run.Result -ne 'Success') { throw "The registration ended with $($run.Result)." }
    $start = [DateTimeOffset] $run.Start
    $journal = @(Get-LabJournal | Where-Object { [DateTimeOffset] $_.time -ge $start })
    $nodeJournalFile = Join-Path (Get-Lab).root 'nodes/journal'
    $nodeJournal = @(if (Test-Path $nodeJournalFile) { Get-Content $nodeJournalFile | Where-Object { $_ } | ConvertFrom-Json })
    $rounds = @(Get-NodeRounds $nodeJournal)
    $calls = Get-ManagementCalls $journal (Get-Lab).users.admin.userName
    $enables = @($nodeJournal | Where-Object command -EQ 'Enable-AzureStackHCIArcIntegration')
    [pscustomobject]@{
        Seconds = $run.Seconds; PeakRssMb = $run.PeakRssMb; CpuSeconds = $run.CpuSeconds
        NodeRounds = $rounds.Count; CriticalPath = @(Get-CriticalPathSteps $rounds $start)
        NodeCommands = $nodeJournal.Count; Calls = $calls
        # From the first Enable's start to the last one's end: what Arc enablement cost in wall time.
        ArcEnableSeconds = if ($enables) {
            (([DateTimeOffset[]] $enables.end | Measure-Object -Maximum).Maximum - ([DateTimeOffset[]] $enables.time | Measure-Object -Minimum).Minimum).TotalSeconds
        } else { 0 }
    }
}

function Get-CriticalPathSteps($Rounds, [DateTimeOffset] $Start) {
    # Each round of the critical path with how long it ran and how long nothing ran on the path before it (sign-in,
    # sessions opening, cloud calls, the management process's own work): where the wall time that is not node latency goes.
    $previousEnd = $Start
    foreach ($round in $Rounds) {
        [ordered]@{ command = $round.Command; node = $round.Node; seconds = [math]::Round(($round.End - $round.Start).TotalSeconds, 1)
            waitBefore = [math]::Round(($round.Start - $previousEnd).TotalSeconds, 1) }
        $previousEnd = $round.End
    }
}

function Get-Median([double[]] $Values) { $sorted = @($Values | Sort-Object); $sorted[[int][math]::Floor($sorted.Count / 2)] }

$plan = @(ConvertFrom-Json $Scenarios)
$rows = [Collections.Generic.List[object]]::new()
try {
    foreach ($group in $plan | Group-Object nodes | Sort-Object { [int] $_.Name }) {
        $size = [int] $group.Name
        Write-Host "Lab with a $size-node cluster..."
        Start-BenchLab $size
        $samples = [ordered]@{}
        $runs = ($group.Group.runs | Measure-Object -Maximum).Maximum
        for ($i = 1; $i -le $runs; $i++) {
            foreach ($scenario in $group.Group | Where-Object runs -GE $i) {
                $name = '{0} node(s), throttle {1}, {2} ms per node command, Arc enable {3} s' -f $scenario.nodes, $scenario.throttleLimit, $scenario.nodeLatencyMs, $scenario.arcEnableSeconds
                $run = Invoke-Registration $scenario
                Write-Host ('  {0}, run {1}: {2:N1} s, {3} node rounds, peak {4} MB' -f $name, $i, $run.Seconds, $run.NodeRounds, $run.PeakRssMb)
                if (-not $samples.Contains($name)) { $samples[$name] = [Collections.Generic.List[object]]::new() }
                $samples[$name].Add([pscustomobject]@{ Scenario = $scenario; Run = $run })
            }
        }
        foreach ($name in $samples.Keys) {
            $scenario = $samples[$name][0].Scenario
            $runsOf = @($samples[$name].Run)
            $last = $runsOf[-1]
            $rows.Add([pscustomobject][ordered]@{
                    nodes                = $scenario.nodes
                    throttleLimit        = $scenario.throttleLimit
                    nodeLatencyMs        = $scenario.nodeLatencyMs
                    arcEnableSeconds     = $scenario.arcEnableSeconds
                    runs                 = $runsOf.Count
                    seconds              = [math]::Round((Get-Median $runsOf.Seconds), 1)
                    nodeRounds           = ($runsOf.NodeRounds | Measure-Object -Maximum).Maximum
                    nodeCommands         = $last.NodeCommands
                    arcEnableWallSeconds = [math]::Round((Get-Median $runsOf.ArcEnableSeconds), 1)
                    managementArmCalls   = $last.Calls.Arm
                    managementGraphCalls = $last.Calls.Graph
                    managementAuthorityCalls = $last.Calls.Authority
                    peakRssMb            = ($runsOf.PeakRssMb | Measure-Object -Maximum).Maximum
                    cpuSeconds           = [math]::Round((Get-Median $runsOf.CpuSeconds), 1)
                    criticalPath         = $last.CriticalPath
                })
        }
    }
}
finally {
    & (Join-Path $repository 'tests/lab/Stop-Lab.ps1') -Root $Root | Out-Null
    if ($ResultPath) { Set-Content -Path $ResultPath -Value (ConvertTo-Json -InputObject @($rows) -Depth 4) }
    Remove-Item $childFile, $logs -Recurse -Force -ErrorAction SilentlyContinue
}
$rows
