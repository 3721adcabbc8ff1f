<#
.SYNOPSIS
    The README's main job, run against the built module. Registration arrives in later steps; for now the demo
    shows what the module knows about clouds, as a user would see it.
#>
param([Parameter(Mandatory)] [string] $ModulePath)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'Az.StackHCI.psd1') -Force
$module = Get-Module Az.StackHCI

Write-Host "Az.StackHCI $($module.Version) from $($module.ModuleBase)"
Write-Host "Commands: $((Get-Command -Module Az.StackHCI).Name -join ', ')"
Write-Host ''
Write-Host '> Get-AzStackHCIEnvironment'
Get-AzStackHCIEnvironment | Format-Table | Out-Host
Write-Host '> Get-AzStackHCIEnvironment -Name AzureCloud | Format-List'
Get-AzStackHCIEnvironment -Name AzureCloud | Format-List | Out-Host
