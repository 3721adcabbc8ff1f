<#
.SYNOPSIS
    What an admin does, against the lab: add the cloud, register the cluster (device code sign-in, approved by the
    lab as its admin), look at its state, test the nodes' connectivity, and unregister it.
#>
param([Parameter(Mandatory)] [string] $ModulePath, [Parameter(Mandatory)] [string] $LabJson)

$ErrorActionPreference = 'Stop'
$lab = Get-Content $LabJson -Raw | ConvertFrom-Json
$env:AZSTACKHCI_CONFIG_DIR = Join-Path (Split-Path $LabJson) 'demo-config'
Import-Module (Join-Path $ModulePath 'Az.StackHCI.psd1')
$cluster = $lab.clusters[0]
$logs = Split-Path $LabJson
$watch = [Diagnostics.Stopwatch]::StartNew()
# A clean start, also after a demo that stopped halfway: the seeded cloud and unregistered nodes.
Invoke-RestMethod -Method Post -Uri "$($lab.controlEndpoint)reset" | Out-Null
Invoke-RestMethod -Method Post -Uri "$($lab.controlEndpoint)nodes/reset" | Out-Null

function Show-Step([string] $Command) {
    Write-Host "`nPS> $Command" -ForegroundColor Cyan
    $watch.Restart()
}

function Show-Time { Write-Host "($([math]::Round($watch.Elapsed.TotalSeconds, 1)) s)" -ForegroundColor DarkGray }

Show-Step "Add-AzStackHCIEnvironment -Name $($lab.environmentName) -ResourceManagerEndpoint $($lab.resourceManagerEndpoint)"
Add-AzStackHCIEnvironment -Name $lab.environmentName -ResourceManagerEndpoint $lab.resourceManagerEndpoint | Out-Host

Show-Step "`$result = Register-AzStackHCI -SubscriptionId $($lab.subscriptionId) -EnvironmentName $($lab.environmentName) -ComputerName $($cluster.nodes[0]) -Region 'East US'"
$result = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Region 'East US' -LogsDirectory $logs
$result | Format-List | Out-Host
$result.Nodes | Format-Table | Out-Host
Show-Time
if ($result.Result -ne 'Success') { exit 1 }

Show-Step "Get-AzStackHCI -ComputerName $($cluster.nodes[0])"
Get-AzStackHCI -ComputerName $cluster.nodes[0] | Out-Host
Show-Time

Show-Step "Test-AzStackHCIConnection -EnvironmentName $($lab.environmentName) -ComputerName $($cluster.nodes[0])"
$tests = Test-AzStackHCIConnection -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0]
$tests | Out-Host
Show-Time
if ($tests | Where-Object { $_.IsRequired -and $_.Result -ne 'Succeeded' }) { exit 1 }

Show-Step "Unregister-AzStackHCI -EnvironmentName $($lab.environmentName) -ComputerName $($cluster.nodes[0]) -Confirm:`$false"
$removed = Unregister-AzStackHCI -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Confirm:$false -LogsDirectory $logs
$removed | Format-List | Out-Host
Show-Time
if ($removed.Result -ne 'Success') { exit 1 }
