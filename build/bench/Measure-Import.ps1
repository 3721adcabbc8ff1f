<#
.SYNOPSIS
    Module import cost, measured side by side in one run: fresh pwsh processes that only start, that import
    Az.StackHCI, and that import it and run a first command. Returns medians and the ratios to a bare start.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Runs = 7
)

$ErrorActionPreference = 'Stop'
$manifest = Join-Path $ModulePath 'Az.StackHCI.psd1'
$scenarios = [ordered]@{
    'pwsh start only'          = '$null'
    'Import-Module'            = "Import-Module '$manifest'"
    'Import + first command'   = "Import-Module '$manifest'; `$null = Get-AzStackHCIEnvironment"
}

function Start-Pwsh([string] $Command) {
    if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
        & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoLogo -NoProfile -NonInteractive -Command $Command
    }
    else {
        & ([Environment]::ProcessPath) -NoLogo -NoProfile -NonInteractive -Command $Command
    }
    if ($LASTEXITCODE -ne 0) { throw "pwsh failed for: $Command" }
}

# Interleave scenarios run by run so machine noise hits them all alike.
$times = @{}
foreach ($name in $scenarios.Keys) { $times[$name] = [Collections.Generic.List[double]]::new() }
Start-Pwsh '$null'   # warm the disk cache once
for ($i = 0; $i -lt $Runs; $i++) {
    foreach ($name in $scenarios.Keys) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Start-Pwsh $scenarios[$name]
        $times[$name].Add($watch.Elapsed.TotalMilliseconds)
    }
}

function Get-Median([double[]] $Values) { $sorted = $Values | Sort-Object; $sorted[[int][math]::Floor($sorted.Count / 2)] }
$baseline = Get-Median $times['pwsh start only']
foreach ($name in $scenarios.Keys) {
    $median = Get-Median $times[$name]
    [pscustomobject]@{
        Scenario       = $name
        MedianMs       = [math]::Round($median)
        RatioToStart   = [math]::Round($median / $baseline, 2)
        ExtraMs        = [math]::Round($median - $baseline)
        Runs           = $Runs
    }
}
