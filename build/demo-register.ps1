<#
.SYNOPSIS
    What an admin does, against the lab: add the cloud, register the cluster (device code sign-in, approved by the
    lab as its admin), and look at the result.
#>
param([Parameter(Mandatory)] [string] $ModulePath, [Parameter(Mandatory)] [string] $LabJson)

$ErrorActionPreference = 'Stop'
$lab = Get-Content $LabJson -Raw | ConvertFrom-Json
$env:AZSTACKHCI_CONFIG_DIR = Join-Path (Split-Path $LabJson) 'demo-config'
Import-Module (Join-Path $ModulePath 'Az.StackHCI.psd1')
$cluster = $lab.clusters[0]

Write-Host "> Add-AzStackHCIEnvironment -Name $($lab.environmentName) -ResourceManagerEndpoint $($lab.resourceManagerEndpoint)"
Add-AzStackHCIEnvironment -Name $lab.environmentName -ResourceManagerEndpoint $lab.resourceManagerEndpoint | Format-List | Out-Host

Write-Host "> Register-AzStackHCI -SubscriptionId $($lab.subscriptionId) -EnvironmentName $($lab.environmentName) -ComputerName $($cluster.nodes[0]) -Region 'East US'"
$watch = [Diagnostics.Stopwatch]::StartNew()
$result = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Region 'East US' -LogsDirectory (Split-Path $LabJson)
$result | Format-List | Out-Host
$result.Nodes | Format-Table | Out-Host
Write-Host "Registered $($cluster.nodes.Count) nodes with Azure Arc in $([math]::Round($watch.Elapsed.TotalSeconds, 1)) s."

Write-Host '> Running it again changes nothing:'
$watch.Restart()
(Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0]).Result | Out-Host
Write-Host "Checked in $([math]::Round($watch.Elapsed.TotalSeconds, 1)) s."
if ($result.Result -ne 'Success') { exit 1 }
