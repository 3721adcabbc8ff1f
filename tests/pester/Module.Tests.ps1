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

    It 'has at least one example with code and an explanation' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $help.Examples.Example[0].Code | Should -Not -BeNullOrEmpty
        ($help.Examples.Example[0].Remarks.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($name in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $parameterHelp = $help.Parameters.Parameter | Where-Object Name -EQ $name
            ($parameterHelp.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'has an online link' {
        $command.HelpUri | Should -Match '^https://'
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

    It 'saves from it and imports' {
        Save-PSResource -Name Az.StackHCI -Repository $repository -Path $saved -TrustRepository -SkipDependencyCheck
        $savedManifest = Join-Path $saved "Az.StackHCI/$version/Az.StackHCI.psd1"
        $savedManifest | Should -Exist
        $names = Invoke-Pwsh -Script "Import-Module '$savedManifest' -ErrorAction Stop; ConvertTo-Json @((Get-AzStackHCIEnvironment).Name)"
        $names | Should -Contain 'AzureCloud'
    }
}
