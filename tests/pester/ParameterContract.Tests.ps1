# The parameter contract (dbatools style): every exported command's parameters — name, type, parameter set,
# position, mandatory, pipeline binding and aliases — are pinned here, and where Microsoft's Az.StackHCI has the
# command, its parameters keep Microsoft's names, types and positional order. A change to a parameter must change
# this file, on purpose.

BeforeDiscovery {
    $contract = [ordered]@{
        'Add-AzStackHCIEnvironment' = @(
            'Name String __AllParameterSets 0 Mandatory ByPropertyName Aliases:EnvironmentName'
            'ResourceManagerEndpoint Uri __AllParameterSets 1 Mandatory ByPropertyName Aliases:ArmEndpoint,ResourceManagerUrl'
            'Scope EnvironmentSaveScope __AllParameterSets - Optional'
        )
        'Connect-AzStackHCI' = @(
            'EnvironmentName String __AllParameterSets 0 Optional'
            'TenantId String __AllParameterSets - Optional'
            'SubscriptionId String __AllParameterSets - Optional'
            'ArmAccessToken String __AllParameterSets - Optional'
            'GraphAccessToken String __AllParameterSets - Optional'
            'AccountId String __AllParameterSets - Optional'
            'UseDeviceAuthentication SwitchParameter __AllParameterSets - Optional'
            'ServicePrincipalCredential PSCredential __AllParameterSets - Optional'
            'ServicePrincipalId String __AllParameterSets - Optional'
            'ServicePrincipalCertificatePath String __AllParameterSets - Optional'
            'FederatedTokenFile String __AllParameterSets - Optional'
            'UseWorkloadIdentity SwitchParameter __AllParameterSets - Optional'
        )
        'Disconnect-AzStackHCI' = @(
            'EnvironmentName String __AllParameterSets 0 Optional'
            'PassThru SwitchParameter __AllParameterSets - Optional'
        )
        'Get-AzStackHCIContext' = @(
            'EnvironmentName String __AllParameterSets 0 Optional'
        )
        'Get-AzStackHCI' = @(
            'ComputerName String __AllParameterSets 0 Optional ByPropertyName Aliases:Cluster,ClusterName,Node'
            'EnvironmentName String __AllParameterSets 1 Optional'
            'TenantId String __AllParameterSets - Optional'
            'ArmAccessToken String __AllParameterSets - Optional'
            'AccountId String __AllParameterSets - Optional'
            'Credential PSCredential __AllParameterSets - Optional'
            'Detailed SwitchParameter __AllParameterSets - Optional'
            'GraphAccessToken String __AllParameterSets - Optional'
            'UseDeviceAuthentication SwitchParameter __AllParameterSets - Optional'
            'ServicePrincipalCredential PSCredential __AllParameterSets - Optional'
            'ServicePrincipalId String __AllParameterSets - Optional'
            'ServicePrincipalCertificatePath String __AllParameterSets - Optional'
            'FederatedTokenFile String __AllParameterSets - Optional'
            'UseWorkloadIdentity SwitchParameter __AllParameterSets - Optional'
            'Transport NodeTransport __AllParameterSets - Optional'
            'UserName String __AllParameterSets - Optional'
            'KeyFilePath String __AllParameterSets - Optional'
            'ThrottleLimit Int32 __AllParameterSets - Optional'
            'UseSSL SwitchParameter __AllParameterSets - Optional'
            'Port Int32 __AllParameterSets - Optional'
            'Authentication AuthenticationMechanism __AllParameterSets - Optional'
            'SessionOption PSSessionOption __AllParameterSets - Optional'
        )
        'Get-AzStackHCIEnvironment' = @(
            'Name String[] __AllParameterSets 0 Optional ByPropertyName Aliases:EnvironmentName'
        )
        'Register-AzStackHCI' = @(
            'SubscriptionId String __AllParameterSets 0 Mandatory ByPropertyName'
            'Region String __AllParameterSets 1 Optional ByPropertyName'
            'ResourceName String __AllParameterSets 2 Optional ByPropertyName'
            'Tag Hashtable __AllParameterSets 3 Optional'
            'TenantId String __AllParameterSets 4 Optional'
            'ResourceGroupName String __AllParameterSets 5 Optional ByPropertyName'
            'ArmAccessToken String __AllParameterSets 6 Optional'
            'AccountId String __AllParameterSets 7 Optional'
            'EnvironmentName String __AllParameterSets 8 Optional'
            'ComputerName String __AllParameterSets 9 Optional ByPropertyName Aliases:Cluster,ClusterName,Node'
            'CertificateThumbprint String __AllParameterSets 10 Optional'
            'Credential PSCredential __AllParameterSets 11 Optional'
            'ArcServerResourceGroupName String __AllParameterSets 12 Optional'
            'ArcSpnCredential PSCredential __AllParameterSets 13 Optional'
            'LogsDirectory String __AllParameterSets 14 Optional'
            'RepairRegistration SwitchParameter __AllParameterSets - Optional'
            'EnableAzureArcServer SwitchParameter __AllParameterSets - Optional'
            'UseOwnApplication SwitchParameter __AllParameterSets - Optional'
            'ArcTimeout TimeSpan __AllParameterSets - Optional'
            'GraphAccessToken String __AllParameterSets - Optional'
            'UseDeviceAuthentication SwitchParameter __AllParameterSets - Optional'
            'ServicePrincipalCredential PSCredential __AllParameterSets - Optional'
            'ServicePrincipalId String __AllParameterSets - Optional'
            'ServicePrincipalCertificatePath String __AllParameterSets - Optional'
            'FederatedTokenFile String __AllParameterSets - Optional'
            'UseWorkloadIdentity SwitchParameter __AllParameterSets - Optional'
            'Transport NodeTransport __AllParameterSets - Optional'
            'UserName String __AllParameterSets - Optional'
            'KeyFilePath String __AllParameterSets - Optional'
            'ThrottleLimit Int32 __AllParameterSets - Optional'
            'UseSSL SwitchParameter __AllParameterSets - Optional'
            'Port Int32 __AllParameterSets - Optional'
            'Authentication AuthenticationMechanism __AllParameterSets - Optional'
            'SessionOption PSSessionOption __AllParameterSets - Optional'
            'IsWAC SwitchParameter __AllParameterSets - Optional'
        )
        'Test-AzStackHCIConnection' = @(
            'EnvironmentName String __AllParameterSets 0 Optional'
            'Region String __AllParameterSets 1 Optional'
            'ComputerName String __AllParameterSets 2 Optional ByPropertyName Aliases:Cluster,ClusterName,Node'
            'Credential PSCredential __AllParameterSets 3 Optional'
            'Quiet SwitchParameter __AllParameterSets - Optional'
            'Proxy Uri __AllParameterSets - Optional'
            'ProxyCredential PSCredential __AllParameterSets - Optional'
            'IncludeArc SwitchParameter __AllParameterSets - Optional'
            'ReportPath String __AllParameterSets - Optional'
            'Transport NodeTransport __AllParameterSets - Optional'
            'UserName String __AllParameterSets - Optional'
            'KeyFilePath String __AllParameterSets - Optional'
            'ThrottleLimit Int32 __AllParameterSets - Optional'
            'UseSSL SwitchParameter __AllParameterSets - Optional'
            'Port Int32 __AllParameterSets - Optional'
            'Authentication AuthenticationMechanism __AllParameterSets - Optional'
            'SessionOption PSSessionOption __AllParameterSets - Optional'
        )
        'Set-AzStackHCI' = @(
            'ComputerName String ByComputerName 0 Optional ByPropertyName Aliases:Cluster,ClusterName,Node'
            'Credential PSCredential ByComputerName - Optional'
            'ResourceId String ByResourceId - Mandatory'
            'EnableWSSubscription Boolean __AllParameterSets - Optional'
            'DiagnosticLevel DiagnosticLevel __AllParameterSets - Optional'
            'TenantId String __AllParameterSets - Optional'
            'ArmAccessToken String __AllParameterSets - Optional'
            'AccountId String __AllParameterSets - Optional'
            'EnvironmentName String __AllParameterSets - Optional'
            'Force SwitchParameter __AllParameterSets - Optional'
            'LogsDirectory String __AllParameterSets - Optional'
            'GraphAccessToken String __AllParameterSets - Optional'
            'UseDeviceAuthentication SwitchParameter __AllParameterSets - Optional'
            'ServicePrincipalCredential PSCredential __AllParameterSets - Optional'
            'ServicePrincipalId String __AllParameterSets - Optional'
            'ServicePrincipalCertificatePath String __AllParameterSets - Optional'
            'FederatedTokenFile String __AllParameterSets - Optional'
            'UseWorkloadIdentity SwitchParameter __AllParameterSets - Optional'
            'Transport NodeTransport __AllParameterSets - Optional'
            'UserName String __AllParameterSets - Optional'
            'KeyFilePath String __AllParameterSets - Optional'
            'ThrottleLimit Int32 __AllParameterSets - Optional'
            'UseSSL SwitchParameter __AllParameterSets - Optional'
            'Port Int32 __AllParameterSets - Optional'
            'Authentication AuthenticationMechanism __AllParameterSets - Optional'
            'SessionOption PSSessionOption __AllParameterSets - Optional'
        )
        'Unregister-AzStackHCI' = @(
            'SubscriptionId String __AllParameterSets 0 Optional ByPropertyName'
            'ResourceName String __AllParameterSets 1 Optional ByPropertyName'
            'TenantId String __AllParameterSets 2 Optional'
            'ResourceGroupName String __AllParameterSets 3 Optional ByPropertyName'
            'ArmAccessToken String __AllParameterSets 4 Optional'
            'AccountId String __AllParameterSets 5 Optional'
            'EnvironmentName String __AllParameterSets 6 Optional'
            'Region String __AllParameterSets 7 Optional'
            'ComputerName String __AllParameterSets 8 Optional ByPropertyName Aliases:Cluster,ClusterName,Node'
            'Credential PSCredential __AllParameterSets 9 Optional'
            'DisableOnlyAzureArcServer SwitchParameter __AllParameterSets - Optional'
            'Force SwitchParameter __AllParameterSets - Optional'
            'CloudOnly SwitchParameter __AllParameterSets - Optional'
            'LogsDirectory String __AllParameterSets - Optional'
            'GraphAccessToken String __AllParameterSets - Optional'
            'UseDeviceAuthentication SwitchParameter __AllParameterSets - Optional'
            'ServicePrincipalCredential PSCredential __AllParameterSets - Optional'
            'ServicePrincipalId String __AllParameterSets - Optional'
            'ServicePrincipalCertificatePath String __AllParameterSets - Optional'
            'FederatedTokenFile String __AllParameterSets - Optional'
            'UseWorkloadIdentity SwitchParameter __AllParameterSets - Optional'
            'Transport NodeTransport __AllParameterSets - Optional'
            'UserName String __AllParameterSets - Optional'
            'KeyFilePath String __AllParameterSets - Optional'
            'ThrottleLimit Int32 __AllParameterSets - Optional'
            'UseSSL SwitchParameter __AllParameterSets - Optional'
            'Port Int32 __AllParameterSets - Optional'
            'Authentication AuthenticationMechanism __AllParameterSets - Optional'
            'SessionOption PSSessionOption __AllParameterSets - Optional'
            'IsWAC SwitchParameter __AllParameterSets - Optional'
        )
    }
    $commands = @($contract.Keys | ForEach-Object { @{ Command = $_; Expected = $contract[$_] } })

    # Microsoft's parameters (behaviour reference §1.1–1.3): name => type, and the positional order.
    $microsoft = @(
        @{
            Command    = 'Register-AzStackHCI'
            Types      = @{ SubscriptionId = 'String'; Region = 'String'; ResourceName = 'String'; Tag = 'Hashtable'; TenantId = 'String'; ResourceGroupName = 'String'
                ArmAccessToken = 'String'; AccountId = 'String'; EnvironmentName = 'String'; ComputerName = 'String'; CertificateThumbprint = 'String'; Credential = 'PSCredential'
                ArcServerResourceGroupName = 'String'; ArcSpnCredential = 'PSCredential'; LogsDirectory = 'String'; RepairRegistration = 'SwitchParameter'
                UseDeviceAuthentication = 'SwitchParameter'; EnableAzureArcServer = 'SwitchParameter'; GraphAccessToken = 'String'; IsWAC = 'SwitchParameter' }
            Positional = @('SubscriptionId', 'Region', 'ResourceName', 'Tag', 'TenantId', 'ResourceGroupName', 'ArmAccessToken', 'AccountId', 'EnvironmentName',
                'ComputerName', 'CertificateThumbprint', 'Credential', 'ArcServerResourceGroupName', 'ArcSpnCredential', 'LogsDirectory')
        }
        @{
            Command    = 'Unregister-AzStackHCI'
            Types      = @{ SubscriptionId = 'String'; ResourceName = 'String'; TenantId = 'String'; ResourceGroupName = 'String'; ArmAccessToken = 'String'; AccountId = 'String'
                EnvironmentName = 'String'; Region = 'String'; ComputerName = 'String'; Credential = 'PSCredential'; UseDeviceAuthentication = 'SwitchParameter'
                DisableOnlyAzureArcServer = 'SwitchParameter'; Force = 'SwitchParameter'; GraphAccessToken = 'String'; IsWAC = 'SwitchParameter' }
        }
        @{
            Command    = 'Set-AzStackHCI'
            Types      = @{ ComputerName = 'String'; Credential = 'PSCredential'; ResourceId = 'String'; EnableWSSubscription = 'Boolean'; DiagnosticLevel = 'DiagnosticLevel'
                TenantId = 'String'; ArmAccessToken = 'String'; GraphAccessToken = 'String'; AccountId = 'String'; EnvironmentName = 'String'
                UseDeviceAuthentication = 'SwitchParameter'; Force = 'SwitchParameter' }
            Positional = @('ComputerName')
        }
        @{
            Command    = 'Test-AzStackHCIConnection'
            Types      = @{ EnvironmentName = 'String'; Region = 'String'; ComputerName = 'String'; Credential = 'PSCredential' }
            Positional = @('EnvironmentName', 'Region', 'ComputerName', 'Credential')
        }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $common = [Management.Automation.Cmdlet]::CommonParameters + [Management.Automation.Cmdlet]::OptionalCommonParameters

    function Get-Contract([string] $Name) {
        foreach ($parameter in (Get-Command $Name).Parameters.Values | Where-Object Name -NotIn $common) {
            foreach ($set in $parameter.ParameterSets.GetEnumerator()) {
                $position = if ($set.Value.Position -ge 0) { $set.Value.Position } else { '-' }
                $line = "$($parameter.Name) $($parameter.ParameterType.Name) $($set.Key) $position $(if ($set.Value.IsMandatory) { 'Mandatory' } else { 'Optional' })"
                if ($set.Value.ValueFromPipelineByPropertyName) { $line += ' ByPropertyName' }
                if ($parameter.Aliases.Count) { $line += " Aliases:$($parameter.Aliases -join ',')" }
                $line
            }
        }
    }
}

Describe 'Parameter contract of <Command>' -ForEach $commands {
    It 'has exactly the pinned parameters' {
        @(Get-Contract $Command | Sort-Object) | Should -Be @($Expected | Sort-Object)
    }
}

Describe 'Compatibility of <Command> with Microsoft''s' -ForEach $microsoft {
    It 'has each of Microsoft''s parameters with its type' {
        $parameters = (Get-Command $Command).Parameters
        foreach ($name in $Types.Keys) {
            $parameters.Keys | Should -Contain $name
            $parameters[$name].ParameterType.Name | Should -Be $Types[$name] -Because $name
        }
    }
}

Describe 'Positional arguments of <Command>' -ForEach @($microsoft | Where-Object { $_.Positional }) {
    It 'come in Microsoft''s order' {
        $byPosition = @((Get-Command $Command).Parameters.Values |
                ForEach-Object { $parameter = $_; $_.ParameterSets.Values | Where-Object Position -GE 0 | Select-Object -First 1 | ForEach-Object { [pscustomobject]@{ Name = $parameter.Name; Position = $_.Position } } } |
                Sort-Object Position | ForEach-Object Name)
        $byPosition | Should -Be $Positional
    }
}
