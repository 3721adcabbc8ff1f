# Shared by the Pester suites: where the module under test is, and how to run code in a fresh pwsh.

function Get-TestModuleManifest {
    if (-not $env:AZSTACKHCI_TEST_MODULE) { throw 'Set $env:AZSTACKHCI_TEST_MODULE to the laid-out module folder (tests/Invoke-PesterTests.ps1 does).' }
    Join-Path $env:AZSTACKHCI_TEST_MODULE 'Az.StackHCI.psd1'
}

function Invoke-Pwsh {
    <#
    .SYNOPSIS
        Runs a script in a new pwsh process (same PowerShell as this one) and returns its output converted from
        JSON. Fresh processes are how we test what import order and loaded assemblies do.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [hashtable] $Environment = @{}
    )
    $file = Join-Path ([IO.Path]::GetTempPath()) "azstackhci-$([guid]::NewGuid().ToString('N')).ps1"
    Set-Content -Path $file -Value $Script
    $saved = @{}
    try {
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        # The dotnet-tool pwsh runs as `dotnet pwsh.dll`; an installed pwsh is its own executable.
        $output = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') {
            & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoLogo -NoProfile -NonInteractive -File $file 2>&1
        }
        else {
            & ([Environment]::ProcessPath) -NoLogo -NoProfile -NonInteractive -File $file 2>&1
        }
        if ($LASTEXITCODE -ne 0) { throw "Child pwsh failed ($LASTEXITCODE): $($output -join [Environment]::NewLine)" }
        ($output | Out-String) | ConvertFrom-Json
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

function Start-Pwsh {
    <# Starts a script in a new pwsh process (same PowerShell as this one) without waiting; output goes to files beside it. #>
    param([Parameter(Mandatory)] [string] $ScriptPath)
    $arguments = @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $ScriptPath)
    $executable = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { $arguments = @((Join-Path $PSHOME 'pwsh.dll')) + $arguments }
    Start-Process -FilePath $executable -ArgumentList $arguments -PassThru -RedirectStandardOutput "$ScriptPath.out" -RedirectStandardError "$ScriptPath.err"
}

Export-ModuleMember -Function Get-TestModuleManifest, Invoke-Pwsh, Start-Pwsh
