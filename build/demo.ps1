<#
.SYNOPSIS
    The README's main job: start the lab (cloud + a 3-node cluster); with the built module add the lab's cloud,
    register the cluster (device code, approved by the lab), show Get-AzStackHCI, test the nodes' connectivity,
    unregister; stop the lab. Prints what a user would see, and the whole run's time.
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$labRoot = Join-Path $root 'out/demo-lab'
$watch = [Diagnostics.Stopwatch]::StartNew()
$labJson = & (Join-Path $root 'tests/lab/Start-Lab.ps1') -Nodes 3 -Root $labRoot | Select-Object -Last 1
try {
    # The lab's CA is trusted the standard way; .NET reads SSL_CERT_FILE when a process starts, so the demo runs
    # in a child pwsh that inherits it.
    $env:SSL_CERT_FILE = (Get-Content $labJson -Raw | ConvertFrom-Json).caBundle
    $pwsh = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoLogo -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'demo-register.ps1') -ModulePath $ModulePath -LabJson $labJson
    if ($LASTEXITCODE -ne 0) { throw "The demo failed ($LASTEXITCODE)." }
}
finally {
    & (Join-Path $root 'tests/lab/Stop-Lab.ps1') -Root $labRoot
}
Write-Host "The demo took $([math]::Round($watch.Elapsed.TotalSeconds)) s, lab start and stop included."

