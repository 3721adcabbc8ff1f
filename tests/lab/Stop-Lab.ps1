<#
.SYNOPSIS
    Stops everything Start-Lab.ps1 started with this -Root and removes what it wrote outside -Root.
#>
[CmdletBinding()]
param(
    [string] $Root = (Join-Path ([IO.Path]::GetTempPath()) 'azstackhci-lab')
)

$ErrorActionPreference = 'Stop'
$Root = [IO.Path]::GetFullPath($Root)
$pidFile = Join-Path $Root 'lab.pid'

# Nodes first (their sshd and every session's pwsh, by pid), then the Include line in ~/.ssh/config.
if (Test-Path (Join-Path $Root 'nodes')) {
    Import-Module (Join-Path $PSScriptRoot 'LabNodes.psm1') -Force
    Stop-LabNodes -Root $Root
}

if (Test-Path $pidFile) {
    $process = Get-Process -Id ([int](Get-Content $pidFile -Raw)) -ErrorAction SilentlyContinue
    if ($process -and $process.ProcessName -eq 'dotnet') {
        # SIGTERM first so the lab closes its listeners; kill if it does not go within 10 s.
        if ($IsWindows) { $process.Kill() } else { kill -TERM $process.Id }
        if (-not $process.WaitForExit(10000)) { $process.Kill($true) }
    }
    Remove-Item $pidFile -Force
}
Remove-Item (Join-Path $Root 'lab.json') -ErrorAction SilentlyContinue
Write-Host "The lab for $Root is stopped."
