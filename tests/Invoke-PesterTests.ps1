<#
.SYNOPSIS
    Runs the Pester suites in tests/pester against a laid-out module and writes a JSON summary.
.DESCRIPTION
    The module path reaches the tests through $env:AZSTACKHCI_TEST_MODULE, so that child pwsh processes the tests
    start inherit it. User settings are redirected to a temporary folder so no test touches the real profile, and the
    suites run in a temporary current directory so no log they write lands in the working tree.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputDirectory,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # The module's suites, and the lab's own beside the lab they test.
    [string[]] $Path = @((Join-Path $PSScriptRoot 'pester'), (Join-Path $PSScriptRoot 'lab'))
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -Force

$env:AZSTACKHCI_TEST_MODULE = (Resolve-Path $ModulePath).Path
$env:AZSTACKHCI_CONFIG_DIR = Join-Path ([IO.Path]::GetTempPath()) "azstackhci-test-$([guid]::NewGuid().ToString('N'))"
# Register and Unregister write their logs to the current directory unless told otherwise, as Microsoft's do; the
# suites (and the pwsh processes they start) run in a folder of their own so none lands in the working tree.
$Path = @($Path | ForEach-Object { (Resolve-Path $_).Path })
$OutputDirectory, $SummaryPath = $OutputDirectory, $SummaryPath | ForEach-Object { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($_) }
$workingDirectory = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "azstackhci-cwd-$([guid]::NewGuid().ToString('N'))")
Push-Location $workingDirectory
[Environment]::CurrentDirectory = $workingDirectory.FullName
try {
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = $Path
    $configuration.Run.PassThru = $true
    $configuration.Run.Exit = $false
    $configuration.Output.Verbosity = 'Detailed'
    $configuration.Output.RenderMode = 'Plaintext'
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputFormat = 'JUnitXml'
    $configuration.TestResult.OutputPath = Join-Path $OutputDirectory 'pester.xml'
    $result = Invoke-Pester -Configuration $configuration
}
finally {
    Pop-Location
    Remove-Item $env:AZSTACKHCI_CONFIG_DIR, $workingDirectory -Recurse -Force -ErrorAction SilentlyContinue
}

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount } | ConvertTo-Json | Set-Content $SummaryPath
"Pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount) skipped"
exit ([int]($failed -gt 0))
