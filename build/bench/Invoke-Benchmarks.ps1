<#
.SYNOPSIS
    Every benchmark, side by side in one run: module import (Measure-Import.ps1) and registration against the lab
    (Measure-Registration.ps1). Prints the tables and the targets of docs/performance.md and writes the figures as
    JSON to out/bench/ (bench-<version>-<time>.json and latest.json) for comparison between versions.
.DESCRIPTION
    Registrations run with a real node's latency (3 s per node command), so the waits the module overlaps, not the
    lab's processors, set the wall time. Full run: 1, 4, 8 and 16 nodes in parallel and 8 one at a time, -Runs
    each; then 8 nodes with Enable-AzureStackHCIArcIntegration taking 60 s, in parallel and one at a time, once.
    -Quick: 1 and 8 nodes in parallel and 8 one at a time, once each (under ten minutes on two cores).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $OutputDirectory = (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'out/bench'),
    [switch] $Quick,
    [int] $Runs = 3,
    [int] $CloudLatencyMs = 80,
    [int] $TokenLatencyMs = 150,
    [int] $NodeLatencyMs = 3000,
    # The lab's default Enable time, and the slow one of the Arc scenario (installing the agent takes minutes).
    [int] $ArcEnableSeconds = 2,
    [int] $SlowArcEnableSeconds = 60
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
# The child processes start elsewhere: they need the module's full path.
$ModulePath = (Resolve-Path $ModulePath).Path
$version = (Import-PowerShellDataFile (Join-Path $ModulePath 'Az.StackHCI.psd1')).ModuleVersion
$parallel = 16   # the module's default -ThrottleLimit

function New-Scenario([int] $Nodes, [int] $ThrottleLimit, [int] $Runs, [int] $ArcSeconds = $ArcEnableSeconds) {
    [ordered]@{ nodes = $Nodes; throttleLimit = $ThrottleLimit; nodeLatencyMs = $NodeLatencyMs; arcEnableSeconds = $ArcSeconds; runs = $Runs }
}
$scenarios = if ($Quick) {
    (New-Scenario 1 $parallel 1), (New-Scenario 8 $parallel 1), (New-Scenario 8 1 1)
}
else {
    @(foreach ($size in 1, 4, 8, 16) { New-Scenario $size $parallel $Runs }) + (New-Scenario 8 1 $Runs) +
        (New-Scenario 8 $parallel 1 $SlowArcEnableSeconds) + (New-Scenario 8 1 1 $SlowArcEnableSeconds)
}

Write-Host 'Module import (fresh pwsh processes)...'
$importRows = @(& (Join-Path $PSScriptRoot 'Measure-Import.ps1') -ModulePath $ModulePath)
Write-Host "Registration ($CloudLatencyMs ms per ARM/Graph call, $TokenLatencyMs ms per authority call, $NodeLatencyMs ms per node command)..."
# The lab's CA is trusted through SSL_CERT_FILE, which a process reads once: start the lab cloud (its CA stays in
# the lab root), then measure from a child process that starts with the variable set.
$labRoot = Join-Path ([IO.Path]::GetTempPath()) 'azstackhci-bench-lab'
$labFile = & (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'tests/lab/Start-Lab.ps1') -Nodes 0 -Root $labRoot | Select-Object -Last 1
$resultFile = Join-Path ([IO.Path]::GetTempPath()) "azstackhci-bench-$PID.json"
$env:SSL_CERT_FILE = (Get-Content $labFile -Raw | ConvertFrom-Json).caBundle
$env:AZSTACKHCI_LAB_JSON = $labFile
$pwsh = [Environment]::ProcessPath
$arguments = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
& $pwsh @arguments -NoLogo -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Measure-Registration.ps1') -ModulePath $ModulePath -Root $labRoot `
    -Scenarios (ConvertTo-Json -InputObject @($scenarios) -Compress) -CloudLatencyMs $CloudLatencyMs -TokenLatencyMs $TokenLatencyMs -ResultPath $resultFile
if ($LASTEXITCODE -ne 0) { throw 'The registration benchmark failed.' }
$registration = @(Get-Content $resultFile -Raw | ConvertFrom-Json)
Remove-Item $resultFile

$importRows | Format-Table -AutoSize | Out-Host
$registration | Format-Table nodes, @{ n = 'throttle'; e = 'throttleLimit' }, @{ n = 'arcS'; e = 'arcEnableSeconds' }, seconds, @{ n = 'R'; e = 'nodeRounds' },
    @{ n = 'nodeCmds'; e = 'nodeCommands' }, @{ n = 'arcWallS'; e = 'arcEnableWallSeconds' }, @{ n = 'ARM'; e = 'managementArmCalls' },
    @{ n = 'Graph'; e = 'managementGraphCalls' }, @{ n = 'authority'; e = 'managementAuthorityCalls' }, @{ n = 'peakMB'; e = 'peakRssMb' }, @{ n = 'cpuS'; e = 'cpuSeconds' } -AutoSize | Out-Host

function Get-Row([int] $Nodes, [int] $ThrottleLimit, [int] $ArcSeconds = $ArcEnableSeconds) {
    $registration | Where-Object { $_.nodes -eq $Nodes -and $_.throttleLimit -eq $ThrottleLimit -and $_.arcEnableSeconds -eq $ArcSeconds } | Select-Object -First 1
}
$targets = [Collections.Generic.List[object]]::new()
function Add-Target([string] $Name, $Value, [string] $Goal, [bool] $Met) {
    $targets.Add([pscustomobject][ordered]@{ target = $Name; measured = "$Value"; goal = $Goal; met = $Met })
}
$import = [ordered]@{
    bareMs         = ($importRows | Where-Object Scenario -EQ 'pwsh start only').MedianMs
    importMs       = ($importRows | Where-Object Scenario -EQ 'Import-Module').MedianMs
    firstCommandMs = ($importRows | Where-Object Scenario -EQ 'Import + first command').MedianMs
    runs           = $importRows[0].Runs
}
Add-Target 'Import adds to a bare pwsh start' "$($import.importMs - $import.bareMs) ms" '<= 250 ms' (($import.importMs - $import.bareMs) -le 250)
$inParallel = @($registration | Where-Object { $_.throttleLimit -eq $parallel -and $_.arcEnableSeconds -eq $ArcEnableSeconds } | Sort-Object nodes)
$smallest, $largest = $inParallel[0], $inParallel[-1]
if ($largest.nodes -gt $smallest.nodes) {
    Add-Target "Node rounds, $($largest.nodes) nodes against $($smallest.nodes)" "R($($largest.nodes)) = $($largest.nodeRounds), R($($smallest.nodes)) = $($smallest.nodeRounds)" 'equal' ($largest.nodeRounds -eq $smallest.nodeRounds)
    $constant = @($inParallel | Select-Object managementArmCalls, managementGraphCalls, managementAuthorityCalls -Unique).Count -eq 1
    Add-Target 'Management cloud calls against the number of nodes' (($inParallel | ForEach-Object { "$($_.nodes): $($_.managementArmCalls)/$($_.managementGraphCalls)/$($_.managementAuthorityCalls)" }) -join ', ') 'constant (ARM/Graph/authority)' $constant
    Add-Target "Peak memory, $($largest.nodes) nodes" "$($largest.peakRssMb) MB" '<= 300 MB' ($largest.peakRssMb -le 300)
}
$eight, $eightInTurn = (Get-Row 8 $parallel), (Get-Row 8 1)
if ($eight -and $eightInTurn) {
    Add-Target '8 nodes one at a time: node rounds' "R = $($eightInTurn.nodeRounds) (parallel $($eight.nodeRounds))" 'grows with N' ($eightInTurn.nodeRounds -gt $eight.nodeRounds)
    $ratio = [math]::Round($eight.seconds / $eightInTurn.seconds, 2)
    Add-Target "8 nodes at once against one at a time, $NodeLatencyMs ms per node command" "${ratio}x" '<= 0.3x' ($ratio -le 0.3)
}
$slowArc = Get-Row 8 $parallel $SlowArcEnableSeconds
if ($slowArc) {
    # One Enable is the node's latency and the install; all nodes at once should cost about that, not eight of them.
    $one = $SlowArcEnableSeconds + $NodeLatencyMs / 1000
    Add-Target "Arc on 8 nodes, Enable taking $SlowArcEnableSeconds s each" "$($slowArc.arcEnableWallSeconds) s (one Enable: $one s)" "<= $([math]::Round(1.5 * $one)) s" ($slowArc.arcEnableWallSeconds -le 1.5 * $one)
}
$targets | Format-Table -AutoSize | Out-Host

New-Item -ItemType Directory -Path $OutputDirectory -Force | Out-Null
$figures = [ordered]@{
    version      = $version
    time         = [DateTimeOffset]::UtcNow.ToString('o')
    quick        = [bool] $Quick
    machine      = [ordered]@{ processors = [Environment]::ProcessorCount; os = [Runtime.InteropServices.RuntimeInformation]::OSDescription }
    latency      = [ordered]@{ cloudMs = $CloudLatencyMs; tokenMs = $TokenLatencyMs; nodeCommandMs = $NodeLatencyMs }
    import       = $import
    registration = $registration
    targets      = $targets
}
$json = $figures | ConvertTo-Json -Depth 5
$file = Join-Path $OutputDirectory "bench-$version-$([DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss')).json"
Set-Content -Path $file -Value $json
Set-Content -Path (Join-Path $OutputDirectory 'latest.json') -Value $json
Write-Host "Figures written to $file"
