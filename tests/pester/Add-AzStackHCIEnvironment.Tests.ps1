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
