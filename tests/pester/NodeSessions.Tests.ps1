# How the node sessions are opened: the New-PSSession call the connector builds for WinRM and for SSH, checked
# against New-PSSession's own parameter sets (no WinRM server runs here), and the refusals of parameters that do not
# fit the transport.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $assembly = (Get-Command Register-AzStackHCI).ImplementingType.Assembly
    $flags = [Reflection.BindingFlags] 'NonPublic, Static'
    $build = $assembly.GetType('Az.StackHCI.Remoting.PowerShellNodeConnector', $true).GetMethod('SessionParameters', $flags)

    function Get-SessionParameters([hashtable] $Settings, [string] $ComputerName = 'node1.contoso.local') {
        $connection = [Activator]::CreateInstance($assembly.GetType('Az.StackHCI.Remoting.NodeConnectionSettings', $true), $true)
        foreach ($key in $Settings.Keys) { $connection.$key = $Settings[$key] }
        $build.Invoke($null, @($connection, $ComputerName))
    }

    function Get-MatchingParameterSets([System.Collections.IDictionary] $Parameters) {
        (Get-Command New-PSSession).ParameterSets | Where-Object {
            $names = $_.Parameters.Name
            @($Parameters.Keys | Where-Object { $_ -notin $names }).Count -eq 0
        } | ForEach-Object Name
    }
}

Describe 'The New-PSSession call for a node' {
    It 'over WinRM carries -UseSSL, -Port, -Authentication, -SessionOption and -Credential, and binds New-PSSession''s ComputerName set' {
        $option = New-PSSessionOption -SkipCNCheck
        $credential = [pscredential]::new('CONTOSO\hciadmin', (ConvertTo-SecureString 'x' -AsPlainText -Force))
        $parameters = Get-SessionParameters @{
            UseSsh = $false; UseSsl = $true; Port = 5986; Authentication = [Management.Automation.Runspaces.AuthenticationMechanism]::Kerberos
            SessionOption = $option; Credential = $credential
        }

        $parameters.ComputerName | Should -Be 'node1.contoso.local'
        $parameters.UseSSL | Should -BeTrue
        $parameters.Port | Should -Be 5986
        $parameters.Authentication | Should -Be 'Kerberos'
        $parameters.SessionOption | Should -Be $option
        $parameters.Credential | Should -Be $credential
        $parameters.Keys | Should -Not -Contain 'HostName'
        Get-MatchingParameterSets $parameters | Should -Contain 'ComputerName'
    }

    It 'over WinRM passes only what was given' {
        $parameters = Get-SessionParameters @{ UseSsh = $false }

        @($parameters.Keys) | Should -Be @('ComputerName')
    }

    It 'over SSH carries -HostName, -Port, -UserName and -KeyFilePath, and binds New-PSSession''s SSH set' {
        $parameters = Get-SessionParameters @{ UseSsh = $true; Port = 2222; UserName = 'hciadmin'; KeyFilePath = '/home/me/.ssh/id_ed25519' }

        $parameters.HostName | Should -Be 'node1.contoso.local'
        $parameters.Port | Should -Be 2222
        $parameters.Keys | Should -Not -Contain 'UseSSL'
        Get-MatchingParameterSets $parameters | Should -Contain 'SSHHost'
    }
}

Describe 'Remoting parameters that do not fit the transport' {
    It 'refuses <Parameter> over SSH with WinRMParametersNotForSsh, before contacting anything' -ForEach @(
        @{ Parameter = 'UseSSL'; Value = $true }
        @{ Parameter = 'Authentication'; Value = 'Kerberos' }
        @{ Parameter = 'SessionOption'; Value = (New-PSSessionOption) }
    ) {
        $arguments = @{ ComputerName = 'no-such-node'; Transport = 'SSH'; $Parameter = $Value }

        { Get-AzStackHCI @arguments -ErrorAction Stop } | Should -Throw -ErrorId 'WinRMParametersNotForSsh,*'
    }
}
