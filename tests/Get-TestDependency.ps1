<#
.SYNOPSIS
    Restores tests/TestDependencies (NuGet only) and returns the path of one of its files:
    Pester's manifest, or the net6.0 build of Azure.Core / Microsoft.Identity.Client.
#>
param(
    [Parameter(Mandatory)]
    [ValidateSet('Pester', 'Azure.Core', 'Microsoft.Identity.Client')]
    [string] $Name
)

$ErrorActionPreference = 'Stop'
$project = Join-Path $PSScriptRoot 'TestDependencies/TestDependencies.csproj'
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
$version = ([xml](Get-Content $project -Raw)).Project.ItemGroup.PackageDownload |
    Where-Object Include -EQ $Name | ForEach-Object { $_.Version.Trim('[', ']') }
$path = switch ($Name) {
    'Pester' { Join-Path $packages "pester/$version/tools/Pester.psd1" }
    default { Join-Path $packages "$($Name.ToLowerInvariant())/$version/lib/net6.0/$Name.dll" }
}
if (-not (Test-Path $path)) {
    dotnet restore $project --nologo -v quiet | Out-Host
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $path)) { throw "Could not restore $Name $version from NuGet ($path)." }
}
$path
