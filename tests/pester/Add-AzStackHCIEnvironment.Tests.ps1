BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
}

Describe 'Add-AzStackHCIEnvironment pre-flight' {
    It 'refuses a built-in name before it contacts anything' {
        { Add-AzStackHCIEnvironment -Name AzureCloud -ResourceManagerEndpoint https://127.0.0.1:1/ -ErrorAction Stop } |
            Should -Throw -ErrorId 'EnvironmentNameReserved,Az.StackHCI.Commands.AddAzStackHCIEnvironmentCommand'
    }

    It 'refuses an http endpoint' {
        $err = { Add-AzStackHCIEnvironment -Name Lab -ResourceManagerEndpoint http://127.0.0.1:1/ -ErrorAction Stop } |
            Should -Throw -ErrorId 'ResourceManagerEndpointNotHttps,Az.StackHCI.Commands.AddAzStackHCIEnvironmentCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'http://127.0.0.1:1/'
    }

    It 'says which URL it could not reach, and saves nothing' {
        $err = { Add-AzStackHCIEnvironment -Name Lab -ResourceManagerEndpoint https://127.0.0.1:1/ -ErrorAction Stop } |
            Should -Throw -ErrorId 'ArmMetadataUnreachable,Az.StackHCI.Commands.AddAzStackHCIEnvironmentCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.Exception.Message | Should -Match ([regex]::Escape('https://127.0.0.1:1/metadata/endpoints'))
        Get-AzStackHCIEnvironment -Name Lab -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Add-AzStackHCIEnvironment against the lab cloud' {
    BeforeAll {
        $lab = Get-Content $env:AZSTACKHCI_LAB_JSON -Raw | ConvertFrom-Json
        $name = "Lab$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    }

    It 'learns every endpoint from the metadata endpoint and saves it for later sessions' {
        $added = Add-AzStackHCIEnvironment -Name $name -ResourceManagerEndpoint $lab.resourceManagerEndpoint
        $added.Type | Should -Be 'Custom'
        $added.ResourceManagerEndpoint | Should -Be $lab.resourceManagerEndpoint
        $added.ActiveDirectoryAuthority | Should -Be $lab.authorityEndpoint
        $added.GraphEndpoint | Should -Be $lab.graphEndpoint
        $added.HciServiceEndpoint | Should -Be $lab.hciServiceEndpoint
        $added.MetadataEndpoint | Should -Be "$($lab.resourceManagerEndpoint)metadata/endpoints?api-version=2022-09-01"

        $later = Invoke-Pwsh -Script "Import-Module '$(Get-TestModuleManifest)'; Get-AzStackHCIEnvironment -Name $name | Select-Object Name, Type, HciServiceEndpoint | ConvertTo-Json"
        $later.Type | Should -Be 'Custom'
        $later.HciServiceEndpoint | Should -Be $lab.hciServiceEndpoint
    }

    It 'changes nothing with -WhatIf, after reading the metadata' {
        $other = "$name-whatif"
        Add-AzStackHCIEnvironment -Name $other -ResourceManagerEndpoint $lab.resourceManagerEndpoint -WhatIf | Should -BeNullOrEmpty
        Get-AzStackHCIEnvironment -Name $other -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'keeps a -Scope Process environment out of other sessions' {
        $other = "$name-process"
        Add-AzStackHCIEnvironment -Name $other -ResourceManagerEndpoint $lab.resourceManagerEndpoint -Scope Process | Out-Null
        (Get-AzStackHCIEnvironment -Name $other).Name | Should -Be $other
        $elsewhere = Invoke-Pwsh -Script "Import-Module '$(Get-TestModuleManifest)'; ConvertTo-Json @(Get-AzStackHCIEnvironment -Name '$other' -ErrorAction SilentlyContinue)"
        $elsewhere | Should -BeNullOrEmpty
    }

    It 'goes on with the next piped environment after one fails' {
        $rows = @(
            [pscustomobject]@{ Name = 'AzureCloud'; ArmEndpoint = $lab.resourceManagerEndpoint }
            [pscustomobject]@{ Name = "$name-piped"; ArmEndpoint = $lab.resourceManagerEndpoint }
        )
        $added = $rows | Add-AzStackHCIEnvironment -Scope Process -ErrorVariable problems -ErrorAction SilentlyContinue
        $added.Name | Should -Be "$name-piped"
        $problems.FullyQualifiedErrorId | Should -Be 'EnvironmentNameReserved,Az.StackHCI.Commands.AddAzStackHCIEnvironmentCommand'
    }
}
