<#
.SYNOPSIS
    Builds, tests, packages, demonstrates and benchmarks Az.StackHCI.
.DESCRIPTION
    Build    restore, compile and lay the module out in bin/ (next to the repository's manifest, so
             Import-Module ./Az.StackHCI.psd1 works) and in out/Az.StackHCI/<version>/ as users get it.
    Test     Build and Package, then every test: xunit, then Pester against the built module and package.
             Ends with "N passed, N failed"; exits non-zero when anything failed.
    Package  out/Az.StackHCI.<version>.nupkg, installable with Install-PSResource/Save-PSResource.
    Demo     Build and run build/demo.ps1 against the built module.
    Bench    Build and run the benchmarks in build/bench/ (-Quick: the short set, under ten minutes).
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Bench')]
    [string] $Task = 'Build',
    [string] $Configuration = 'Release',
    # Bench only: 1 and 8 nodes, parallel and one at a time, one run each.
    [switch] $Quick
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = Split-Path -Parent $PSScriptRoot
$manifestPath = Join-Path $root 'Az.StackHCI.psd1'
$version = (Import-PowerShellDataFile $manifestPath).ModuleVersion
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out "Az.StackHCI/$version"

function Invoke-Native([string] $What, [scriptblock] $Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

function Reset-Directory([string] $Path) {
    if (Test-Path $Path) { Remove-Item $Path -Recurse -Force }
    New-Item -ItemType Directory -Path $Path -Force | Out-Null
}

function Set-ReleaseNotes([string] $Manifest) {
    <# The laid-out manifest (and so the package) carries this version's CHANGELOG.md section, or [Unreleased]'s. #>
    $changelog = Get-Content (Join-Path $root 'CHANGELOG.md') -Raw
    $section = [regex]::Match($changelog, "(?ms)^## \[(?:$([regex]::Escape($version))|Unreleased)\][^\n]*\n(.*?)(?=^## \[|\z)").Groups[1].Value.Trim()
    if (-not $section) { throw "CHANGELOG.md has no section for $version or [Unreleased]." }
    if ($section -match "(?m)^'@") { throw "CHANGELOG.md's section cannot go into a here-string." }
    $text = Get-Content $Manifest -Raw
    $replaced = [regex]::Replace($text, "ReleaseNotes\s*=\s*'[^']*'", { "ReleaseNotes = @'`n$section`n'@" })
    if ($replaced -eq $text) { throw "The manifest has no ReleaseNotes = '...' to fill." }
    Set-Content -Path $Manifest -Value $replaced -NoNewline
}

function Get-WorkingTreeChanges {
    <# git status --porcelain of the repository, or $null outside a git checkout. #>
    if (-not (Get-Command git -ErrorAction SilentlyContinue)) { return $null }
    $lines = @(git -C $root status --porcelain --untracked-files=all 2>$null)
    if ($LASTEXITCODE -ne 0) { return $null }
    , $lines
}

function Invoke-BuildTask {
    $publish = Join-Path $out 'publish'
    Reset-Directory $publish
    Invoke-Native 'dotnet publish' { dotnet publish (Join-Path $root 'src/Az.StackHCI/Az.StackHCI.csproj') -c $Configuration -o $publish --nologo -v quiet }

    # bin/ holds only what PowerShell must see; the engine and every dependency go to bin/Dependencies, where
    # the default load context never looks (see src/Az.StackHCI/Loading).
    $bin = Join-Path $root 'bin'
    Reset-Directory $bin
    New-Item -ItemType Directory (Join-Path $bin 'Dependencies') | Out-Null
    $cmdletFiles = 'Az.StackHCI.dll', 'Az.StackHCI.pdb'
    $skip = 'Az.StackHCI.deps.json', 'Az.StackHCI.xml'
    foreach ($file in Get-ChildItem $publish -File) {
        if ($file.Name -in $skip) { continue }
        $target = if ($file.Name -in $cmdletFiles) { $bin } else { Join-Path $bin 'Dependencies' }
        Copy-Item $file.FullName $target
    }
    Copy-Item (Join-Path $root 'src/Az.StackHCI/Az.StackHCI.Format.ps1xml'), (Join-Path $root 'src/Az.StackHCI/Az.StackHCI.Types.ps1xml') $bin
    # Get-Help looks in <ModuleBase>/<culture>, next to the manifest.
    $help = Join-Path $root 'en-US'
    Reset-Directory $help
    & (Join-Path $PSScriptRoot 'New-MamlHelp.ps1') -DocsPath (Join-Path $root 'docs') -OutputPath $help

    Reset-Directory $moduleOut
    Copy-Item $manifestPath, (Join-Path $root 'LICENSE') $moduleOut
    Set-ReleaseNotes (Join-Path $moduleOut 'Az.StackHCI.psd1')
    Copy-Item $bin, $help $moduleOut -Recurse
    Write-Host "Module laid out in $moduleOut"
}

function Invoke-PackageTask {
    Get-ChildItem $out -Filter 'Az.StackHCI.*.nupkg' -ErrorAction SilentlyContinue | Remove-Item -Force
    Compress-PSResource -Path $moduleOut -DestinationPath $out
    $package = Join-Path $out "Az.StackHCI.$version.nupkg"
    if (-not (Test-Path $package)) { throw "Compress-PSResource did not write $package." }
    Write-Host "Package written to $package"
}

function Invoke-TestTask {
    $results = Join-Path $out 'test-results'
    Reset-Directory $results
    $passed = 0; $failed = 0

    # The lab cloud the conformance and end-to-end tests talk to; trusted through SSL_CERT_FILE, like any CA.
    $labRoot = Join-Path $out 'lab'
    # hcicluster1 of 3 nodes for the end-to-end suites, and nine more of one node: the reliability suite registers ten
    # clusters at once from one process.
    $labJson = & (Join-Path $root 'tests/lab/Start-Lab.ps1') -Nodes 3, 1 -Clusters 10 -Root $labRoot
    $env:AZSTACKHCI_LAB_JSON = $labJson
    $env:SSL_CERT_FILE = (Get-Content $labJson -Raw | ConvertFrom-Json).caBundle
    try {
        # xunit: the engine and cmdlet plumbing, and the lab's conformance with the real Azure SDK clients.
        dotnet test (Join-Path $root 'Az.StackHCI.sln') -c $Configuration --nologo --results-directory $results `
            --logger trx --logger 'console;verbosity=normal' | Out-Host
        $xunitExit = $LASTEXITCODE
        foreach ($trx in Get-ChildItem $results -Filter *.trx) {
            $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
            $passed += [int]$counters.passed
            $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
        }
        if ($xunitExit -ne 0 -and $failed -eq 0) { $failed++ }   # the run itself broke (build error, crash)

        # Pester: the built module and package as users load them, in a fresh pwsh.
        $pester = & (Join-Path $root 'tests/Get-TestDependency.ps1') -Name Pester
        $pesterJson = Join-Path $results 'pester-summary.json'
        dotnet tool run pwsh -NoLogo -NoProfile -NonInteractive -File (Join-Path $root 'tests/Invoke-PesterTests.ps1') `
            -PesterManifest $pester -ModulePath $moduleOut -OutputDirectory $results -SummaryPath $pesterJson | Out-Host
        $pesterExit = $LASTEXITCODE
        if (Test-Path $pesterJson) {
            $summary = Get-Content $pesterJson -Raw | ConvertFrom-Json
            $passed += $summary.Passed
            $failed += $summary.Failed
        }
        if ($pesterExit -ne 0 -and -not (Test-Path $pesterJson)) { $failed++ }
    }
    finally {
        & (Join-Path $root 'tests/lab/Stop-Lab.ps1') -Root $labRoot
    }

    # The last test: the build and the tests changed nothing in the working tree that .gitignore does not name.
    if ($null -ne $script:treeBefore) {
        $left = @(Get-WorkingTreeChanges | Where-Object { $_ -notin $script:treeBefore })
        if ($left) { $failed++; Write-Host "FAILED: the test run left files in the working tree:`n$($left -join "`n")" }
        else { $passed++; Write-Host 'The test run left the working tree as it found it.' }
    }

    "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Package' { Invoke-BuildTask; Invoke-PackageTask }
    'Test' { $script:treeBefore = Get-WorkingTreeChanges; Invoke-BuildTask; Invoke-PackageTask; Invoke-TestTask }
    'Demo' { Invoke-BuildTask; & (Join-Path $PSScriptRoot 'demo.ps1') -ModulePath $moduleOut }
    'Bench' { Invoke-BuildTask; & (Join-Path $PSScriptRoot 'bench/Invoke-Benchmarks.ps1') -ModulePath $moduleOut -Quick:$Quick }
}
