<#
.SYNOPSIS
    Every benchmark, side by side in one run: module import (Measure-Import.ps1) and registration under injected
    latency (Measure-Registration.ps1). Prints the tables and the targets of docs/performance.md, and writes the
    figures as JSON to out/bench/ (bench-<version>-<time>.json and latest.json) for comparison between versions.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $OutputDirectory = (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'out/bench'),
    [int[]] $Sizes = @(1, 4, 8, 16),
    [int] $Runs = 3,
    [int] $CloudLatencyMs = 80,
    [int] $TokenLatencyMs = 150,
    [int] $NodeLatencyMs = 300
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$version = (Import-PowerShellDataFile (Join-Path $ModulePath 'Az.StackHCI.psd1')).ModuleVersion

Write-Host 'Module import (fresh pwsh processes)...'
$import = @(& (Join-Path $PSScriptRoot 'Measure-Import.ps1') -ModulePath $ModulePath)
Write-Host "Registration under injected latency ($CloudLatencyMs ms per ARM/Graph call, $TokenLatencyMs ms per authority call, $NodeLatencyMs ms per node command)..."
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
    -Sizes ($Sizes -join ',') -Runs $Runs -CloudLatencyMs $CloudLatencyMs -TokenLatencyMs $TokenLatencyMs -NodeLatencyMs $NodeLatencyMs -ResultPath $resultFile
if ($LASTEXITCODE -ne 0) { throw 'The registration benchmark failed.' }
$registration = @(Get-Content $resultFile -Raw | ConvertFrom-Json)
Remove-Item $resultFile

$import | Format-Table -AutoSize | Out-Host
$registration | Format-Table Scenario, @{ n = 'Seconds'; e = 'MedianSeconds' }, @{ n = 'Sessions'; e = 'SignInAndSessionsSeconds' }, @{ n = 'Rest'; e = 'AfterSessionsSeconds' },
    @{ n = 'PeakMB'; e = 'PeakRssMB' }, @{ n = 'CpuS'; e = 'ManagementCpuSeconds' }, @{ n = 'ARM'; e = 'ArmCalls' }, @{ n = 'Graph'; e = 'GraphCalls' }, @{ n = 'Authority'; e = 'AuthorityCalls' },
    @{ n = 'HCI'; e = 'HciCalls' }, @{ n = 'NodeCmds'; e = 'NodeCommands' } -AutoSize | Out-Host

function Get-Scenario([string] $Name) { $registration | Where-Object Scenario -EQ $Name | Select-Object -First 1 }
$targets = [Collections.Generic.List[object]]::new()
function Add-Target([string] $Name, $Value, [string] $Goal, [bool] $Met) {
    $targets.Add([pscustomobject]@{ Target = $Name; Measured = $Value; Goal = $Goal; Met = $Met })
}
$importExtra = ($import | Where-Object Scenario -EQ 'Import-Module').ExtraMs
Add-Target 'Import adds to a bare pwsh start' "$importExtra ms" '<= 250 ms' ($importExtra -le 250)
if ((Get-Scenario '1 node(s)') -and (Get-Scenario '16 node(s)')) {
    $ratio = [math]::Round((Get-Scenario '16 node(s)').MedianSeconds / (Get-Scenario '1 node(s)').MedianSeconds, 2)
    Add-Target '16 nodes against 1 node' "${ratio}x" '<= 1.5x' ($ratio -le 1.5)
}
if ((Get-Scenario '8 node(s)') -and (Get-Scenario '8 nodes, one at a time')) {
    $ratio = [math]::Round((Get-Scenario '8 node(s)').MedianSeconds / (Get-Scenario '8 nodes, one at a time').MedianSeconds, 2)
    Add-Target '8 nodes at once against one at a time' "${ratio}x" '<= 0.3x' ($ratio -le 0.3)
}
if (Get-Scenario '8 node(s)') {
    $peak = (Get-Scenario '8 node(s)').PeakRssMB
    Add-Target 'Peak memory, 8 nodes' "$peak MB" '< 300 MB' ($peak -lt 300)
}
$targets | Format-Table -AutoSize | Out-Host

New-Item -ItemType Directory -Path $OutputDirectory -Force | Out-Null
$figures = [ordered]@{
    version      = $version
    time         = [DateTimeOffset]::UtcNow.ToString('o')
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
