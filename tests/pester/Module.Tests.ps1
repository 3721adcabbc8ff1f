# The module as users get it: manifest, exported commands, help, formats, the repository-root import and the package.

BeforeDiscovery {
    $commands = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../Az.StackHCI.psd1')).CmdletsToExport
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifest = Get-TestModuleManifest
    $repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $declared = (Import-PowerShellDataFile $manifest).CmdletsToExport
    Import-Module $manifest -Force
}

Describe 'Manifest' {
    It 'is valid' {
        { Test-ModuleManifest $manifest -ErrorAction Stop } | Should -Not -Throw
    }

    It 'carries the assembly''s version' {
        $dll = Join-Path (Split-Path $manifest) 'bin/Az.StackHCI.dll'
        $assemblyVersion = [Reflection.AssemblyName]::GetAssemblyName($dll).Version
        (Test-ModuleManifest $manifest).Version | Should -Be ([version]::new($assemblyVersion.Major, $assemblyVersion.Minor, $assemblyVersion.Build))
    }

    It 'exports exactly the commands it names, in a fresh session' {
        $exported = Invoke-Pwsh -Script "Import-Module '$manifest' -ErrorAction Stop; ConvertTo-Json @((Get-Command -Module Az.StackHCI).Name)"
        $exported | Sort-Object | Should -Be ($declared | Sort-Object)
    }

    It 'imports from the repository root after a build' {
        $exported = Invoke-Pwsh -Script "Import-Module '$repositoryRoot/Az.StackHCI.psd1' -ErrorAction Stop; ConvertTo-Json @((Get-AzStackHCIEnvironment).Name)"
        $exported | Should -Contain 'AzureCloud'
    }
}

Describe 'Addresses' {
    It 'links only to addresses that exist: Microsoft''s clouds and docs, reserved example names, loopback' {
        # A link to a made-up organisation sends users nowhere (Get-Help -Online, the gallery page, the about topic).
        $known = '(^|\.)(microsoft\.com|microsoft\.us|microsoftonline\.(com|us|cn)|azure\.(com|us|cn)|windows(-int|-ppe)?\.net|' +
            'usgovcloudapi\.net|chinacloudapi\.cn|azure-test\.net|azurewebsites\.net|azurefd\.net|trafficmanager\.net|' +
            'azurestack\.external|aka\.ms|local|example)$|^(127\.[0-9.]+|localhost|msh)$'
        $files = @(Get-ChildItem (Join-Path $repositoryRoot 'src'), (Join-Path $repositoryRoot 'docs'), (Join-Path $repositoryRoot 'build') -Recurse -File -Include *.cs, *.md, *.ps1, *.psm1, *.ps1xml |
                Where-Object FullName -NotMatch '[\\/](bin|obj)[\\/]') + @(Get-Item (Join-Path $repositoryRoot '*.md'), (Join-Path $repositoryRoot 'Az.StackHCI.psd1'))
        $unknown = foreach ($file in $files) {
            foreach ($match in [regex]::Matches((Get-Content $file.FullName -Raw), 'https?://([A-Za-z0-9.-]+)')) {
                if ($match.Groups[1].Value -notmatch $known) { "$($file.Name): $($match.Value)" }
            }
        }
        $unknown | Should -BeNullOrEmpty
    }
}

Describe 'Help for <_>' -ForEach $commands {
    BeforeAll {
        $help = Get-Help $_ -Full
        $command = Get-Command $_
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape($_) + '\s*\[')   # not the auto-generated syntax
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples, each with code and an explanation' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty -Because $example.Title
            ($example.Remarks.Text -join '') | Should -Not -BeNullOrEmpty -Because $example.Title
        }
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $parameterHelp = $help.Parameters.Parameter | Where-Object Name -EQ $name
            ($parameterHelp.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'has related links and its outputs, and no online link until the project has a public address' {
        $command.HelpUri | Should -BeNullOrEmpty
        { Get-Help $_ -Online -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidOperation,Microsoft.PowerShell.Commands.GetHelpCommand'
        @($help.relatedLinks.navigationLink).Count | Should -BeGreaterOrEqual 1
        ($help.returnValues.returnValue.type.name -join '') | Should -Not -BeNullOrEmpty
    }
}

Describe 'Formats' {
    It 'has a view for every type a command writes, and for the node rows inside them' {
        $types = @(Get-Command -Module Az.StackHCI | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_ -ne [bool] } | Sort-Object FullName -Unique)
        $types.Count | Should -BeGreaterOrEqual 5
        $nested = 'AzStackHCINodeResult', 'AzStackHCINodeStatus', 'AzStackHCINodeTestResult' | ForEach-Object { "Az.StackHCI.Models.$_" }
        foreach ($name in @($types.FullName) + $nested + 'Az.StackHCI.Models.AzStackHCIClusterStatus#Detailed') {
            Get-FormatData -TypeName $name | Should -Not -BeNullOrEmpty -Because $name
        }
    }
}

Describe 'Package' {
    BeforeAll {
        $version = (Import-PowerShellDataFile $manifest).ModuleVersion
        $package = Join-Path $repositoryRoot "out/Az.StackHCI.$version.nupkg"
        $feed = Join-Path $TestDrive 'feed'
        $saved = Join-Path $TestDrive 'saved'
        New-Item -ItemType Directory $feed, $saved | Out-Null
        Copy-Item $package $feed
        $repository = "AzStackHCITest$([guid]::NewGuid().ToString('N'))"
        Register-PSResourceRepository -Name $repository -Uri $feed -Trusted
    }

    AfterAll {
        Unregister-PSResourceRepository -Name $repository -ErrorAction SilentlyContinue
    }

    It 'is found in a local repository' {
        (Find-PSResource -Name Az.StackHCI -Repository $repository).Version.ToString() | Should -Be $version
    }

    It 'carries the manifest''s metadata and this version''s release notes from CHANGELOG.md' {
        $found = Find-PSResource -Name Az.StackHCI -Repository $repository
        $found.Description | Should -Match 'Azure Stack HCI'
        $found.Tags | Should -Contain 'AzureStackHCI'
        $found.ProjectUri | Should -BeNullOrEmpty   # no made-up addresses (see the manifest)
        $found.LicenseUri | Should -BeNullOrEmpty
        $found.ReleaseNotes | Should -Match 'Register-AzStackHCI'
        $installedManifest = Test-ModuleManifest $manifest
        $installedManifest.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $installedManifest.PowerShellVersion | Should -Be '5.1'
    }

    It 'installs with Install-PSResource into a clean module path and registers a cluster from there' -Skip:(-not $env:AZSTACKHCI_LAB_JSON) {
        # A child pwsh with a home of its own, so its user module path (where Install-PSResource -Scope CurrentUser
        # puts modules) and PSResourceGet's repositories start empty. .NET reads XDG_DATA_HOME only when it exists.
        $userHome = Join-Path $TestDrive 'home'
        $userData = New-Item -ItemType Directory (Join-Path $userHome '.local/share')
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name Local -Uri '$feed' -Trusted
Install-PSResource -Name Az.StackHCI -Repository Local -Scope CurrentUser -TrustRepository -Quiet
Import-Module Az.StackHCI
`$lab = Get-Content `$env:AZSTACKHCI_LAB_JSON -Raw | ConvertFrom-Json
Invoke-RestMethod -Method Post -Uri "`$(`$lab.controlEndpoint)reset" | Out-Null
Invoke-RestMethod -Method Post -Uri "`$(`$lab.controlEndpoint)nodes/reset" | Out-Null
Add-AzStackHCIEnvironment -Name `$lab.environmentName -ResourceManagerEndpoint `$lab.resourceManagerEndpoint -Scope Process | Out-Null
`$result = Register-AzStackHCI -SubscriptionId `$lab.subscriptionId -Region eastus -ComputerName `$lab.clusters[0].nodes[0] -EnvironmentName `$lab.environmentName ``
    -EnableAzureArcServer:`$false -LogsDirectory '$TestDrive' -WarningAction SilentlyContinue
@{ ModuleBase = (Get-Module Az.StackHCI).ModuleBase; Result = `$result.Result.ToString() } | ConvertTo-Json
"@
        $installed = Invoke-Pwsh -Script $script -Environment @{ HOME = $userHome; XDG_DATA_HOME = $userData.FullName }
        $installed.ModuleBase | Should -BeLike "$userHome/*"
        $installed.Result | Should -Be 'Success'
    }

    It 'saves from it and imports' {
        Save-PSResource -Name Az.StackHCI -Repository $repository -Path $saved -TrustRepository -SkipDependencyCheck
        $savedManifest = Join-Path $saved "Az.StackHCI/$version/Az.StackHCI.psd1"
        $savedManifest | Should -Exist
        $names = Invoke-Pwsh -Script "Import-Module '$savedManifest' -ErrorAction Stop; ConvertTo-Json @((Get-AzStackHCIEnvironment).Name)"
        $names | Should -Contain 'AzureCloud'
    }
}
