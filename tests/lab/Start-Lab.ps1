<#
.SYNOPSIS
    Starts the lab: the lab cloud (Entra ID, ARM, Graph, HCI service, control) and, with -Nodes > 0, the lab
    clusters. Idempotent: a lab already running for -Root is left as it is.
.OUTPUTS
    Progress lines, then the full path of <Root>/lab.json as the last line.
.NOTES
    Lab nodes need openssh-server, and the scripted browser curl; the script installs them with apt-get when missing, which needs root. The
    distribution's own sshd is never started. -Nodes is each cluster's node count, its last value repeating:
    -Nodes 3 -Clusters 2 gives two clusters of 3, -Nodes 3,1 -Clusters 10 one of 3 and nine of 1. Node names: cluster k
    (hcicluster<k>, domain hcicluster<k>.lab.local) holds the next numbers after cluster k-1's (node1..node3, then
    node4..), so names are unique across clusters.
#>
[CmdletBinding()]
param(
    [ValidateRange(0, 16)] [int[]] $Nodes = 3,
    [ValidateRange(1, 10)] [int] $Clusters = 1,
    [string] $Root = (Join-Path ([IO.Path]::GetTempPath()) 'azstackhci-lab'),
    [string] $FaultFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = [IO.Path]::GetFullPath($Root)
$connectionFile = Join-Path $Root 'lab.json'
$pidFile = Join-Path $Root 'lab.pid'
New-Item -ItemType Directory -Path $Root -Force | Out-Null

function Test-LabRunning {
    if (-not (Test-Path $pidFile) -or -not (Test-Path $connectionFile)) { return $false }
    $process = Get-Process -Id ([int](Get-Content $pidFile -Raw)) -ErrorAction SilentlyContinue
    $process -and (Get-Content $connectionFile -Raw | ConvertFrom-Json).pid -eq $process.Id
}

if (Test-LabRunning) {
    Write-Host "The lab cloud is already running for $Root."
}
else {
    $project = Join-Path $PSScriptRoot '../Az.StackHCI.Lab/Az.StackHCI.Lab.csproj'
    $binaries = Join-Path $Root 'bin'
    Write-Host 'Building the lab cloud...'
    $output = dotnet build $project -c Release -o $binaries --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Building the lab cloud failed:`n$($output -join "`n")" }

    Remove-Item $connectionFile -ErrorAction SilentlyContinue
    $arguments = @((Join-Path $binaries 'Az.StackHCI.Lab.dll'), '--root', $Root)
    if ($FaultFile) { $arguments += '--fault-file', (Resolve-Path $FaultFile).Path }
    $process = Start-Process -FilePath 'dotnet' -ArgumentList $arguments -PassThru `
        -RedirectStandardOutput (Join-Path $Root 'lab.out.log') -RedirectStandardError (Join-Path $Root 'lab.err.log')
    Set-Content -Path $pidFile -Value $process.Id

    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path $connectionFile)) {
        if ($process.HasExited) { throw "The lab cloud exited at start ($($process.ExitCode)): $(Get-Content (Join-Path $Root 'lab.err.log') -Raw)" }
        if ([DateTime]::UtcNow -gt $deadline) { throw 'The lab cloud did not start within 60 seconds.' }
        Start-Sleep -Milliseconds 100
    }
    Write-Host "The lab cloud is running (pid $($process.Id))."
}

# Lab nodes: an sshd per node on its own loopback address whose powershell subsystem is this pwsh, reachable by
# name through an Include in ~/.ssh/config (see LabNodes.psm1). Listed in lab.json before its path is printed.
Import-Module (Join-Path $PSScriptRoot 'LabNodes.psm1') -Force
$clusterList = @()
if ($Nodes -gt 0) {
    $caBundle = (Get-Content $connectionFile -Raw | ConvertFrom-Json).caBundle
    $clusterList = @(Start-LabNodes -Root $Root -Nodes $Nodes -Clusters $Clusters -ConnectionFile $connectionFile -CaBundle $caBundle)
}
elseif (Test-Path (Join-Path $Root 'nodes')) {
    Stop-LabNodes -Root $Root
}
Set-LabConnectionClusters -ConnectionFile $connectionFile -Clusters $clusterList -Root $Root

$connectionFile
