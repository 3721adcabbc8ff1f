# The lab nodes against the module's node command catalogue (src/Az.StackHCI.Core/Nodes/NodeCommandCatalogue.json):
# every emulated OS command has exactly the catalogued parameters, and the calls Microsoft's module makes bind to it,
# so the lab refuses what a real node would refuse. In a runspace of its own: the lab module replaces standard
# commands (Get-Item, Remove-Item, Get-Date, Invoke-WebRequest) that the other suites use.

BeforeDiscovery {
    $catalogue = (Get-Content (Join-Path $PSScriptRoot '../../src/Az.StackHCI.Core/Nodes/NodeCommandCatalogue.json') -Raw | ConvertFrom-Json).commands
    $osCommands = @($catalogue.PSObject.Properties | Where-Object { $_.Value.module -in 'AzureStackHCI', 'FailoverClusters' } |
            ForEach-Object { @{ Command = $_.Name; Expected = @($_.Value.parameters.PSObject.Properties | ForEach-Object Name) } })
    # The module's own node functions (definedBy) are sent with the command and run as they are: the lab has none of them.
    $standardCommands = @($catalogue.PSObject.Properties | Where-Object { $_.Value.module -notin 'AzureStackHCI', 'FailoverClusters' -and -not $_.Value.PSObject.Properties['definedBy'] } |
            ForEach-Object { @{ Command = $_.Name; Expected = @($_.Value.parameters.PSObject.Properties | ForEach-Object Name) } })

    # The calls Microsoft's module makes on nodes (MS 1.1 Az.StackHCI.psm1, MS 2.x stackhci.ps1; see
    # ../shared/reference/real-world-evidence.md), as data: each must bind to the lab node's command.
    $microsoftCalls = @(
        'Get-AzureStackHCI'
        'New-AzureStackHCIRegistrationCertificate'
        'Set-AzureStackHCIRegistrationCertificate -ServiceEndpoint $v -BillingServiceApiScope $v -GraphServiceApiScope $v -AADAuthority $v -AppId $v -TenantId $v -CloudId $v -CertificateThumbprint $v'
        'Set-AzureStackHCIRegistration -ServiceEndpoint $v -BillingServiceApiScope $v -GraphServiceApiScope $v -AADAuthority $v -AppId $v -TenantId $v -CloudId $v -SubscriptionId $v -ObjectId $v -ResourceName $v -ProviderNamespace $v -ResourceArmId $v -ServicePrincipalClientId $v -CertificateThumbprint $v'
        'Sync-AzureStackHCI'
        'Remove-AzureStackHCIRegistration'
        'Remove-AzureStackHCIRegistrationCertificate'
        'Get-AzureStackHCIArcIntegration'
        'Initialize-AzureStackHCIArcIntegration -TenantId $v -SubscriptionId $v -Region $v -ResourceGroup $v -AppId $v -Secret $v -Cloud $v'
        'Enable-AzureStackHCIArcIntegration -AgentInstallerWebLink $v -AgentInstallerName $v -AgentInstallerLogFile $v -AgentExecutablePath $v'
        'Enable-AzureStackHCIArcIntegration -AccessToken $v'
        'Disable-AzureStackHCIArcIntegration -AgentUninstallerLogFile $v -AgentInstallerName $v -AgentExecutablePath $v'
        'Disable-AzureStackHCIArcIntegration -AccessToken $v'
        'Clear-AzureStackHCIArcIntegration -SetDisableInProgress'
        'Clear-AzureStackHCIArcIntegration'
        'Get-ItemProperty -Path HKLM:\Cluster -Name ClusterNameResource'
        'Get-ClusterResource $v'
        'Get-ClusterParameter DnsSuffix'
        'Invoke-RestMethod -Uri $v -Method GET -UseBasicParsing -Headers $v -UseDefaultCredentials'
        'Get-CimInstance -ClassName CIM_OperatingSystem'
        'Get-CimInstance CIM_OperatingSystem'
    ) | ForEach-Object { @{ Call = $_ } }

    # The connectivity check's calls on a node, with the real commands' parameters (docs: DnsClient Resolve-DnsName,
    # Invoke-WebRequest in Windows PowerShell 5.1, the proxy keys of Azure Stack HCI's configure-proxy-settings pages):
    # each must bind to the lab node's command too.
    $connectivityCalls = @(
        'Resolve-DnsName -Name $v -Type A -DnsOnly -QuickTimeout'
        'Resolve-DnsName $v A -Server $v'
        'Invoke-WebRequest -Uri $v -Method Get -UseBasicParsing -TimeoutSec 30 -Proxy $v -ProxyCredential $v'
        'Invoke-WebRequest -Uri $v -UseBasicParsing -Proxy $v -ProxyUseDefaultCredentials'
        'Get-ItemProperty -Path "HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections" -Name WinHttpSettings'
        'Get-ItemProperty -Path "HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment" -Name HTTPS_PROXY'
    ) | ForEach-Object { @{ Call = $_ } }

    # Calls no Microsoft caller makes, which the lab must refuse as a real node's binder would.
    $unknownCalls = @(
        'Remove-AzureStackHCIRegistrationCertificate -CertificateThumbprint $v'
        'Remove-AzureStackHCIRegistration -Force'
        'Get-AzureStackHCI -Detailed'
    ) | ForEach-Object { @{ Call = $_ } }
}

BeforeAll {
    $shell = [powershell]::Create()
    $null = $shell.AddScript({
            param($Module)
            Import-Module $Module
            $common = [Management.Automation.Cmdlet]::CommonParameters + [Management.Automation.Cmdlet]::OptionalCommonParameters
            function Get-LabParameters([string] $Name) { @((Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) }
            function Get-BindingErrors([string] $Call) {
                $ast = [Management.Automation.Language.Parser]::ParseInput($Call, [ref] $null, [ref] $null)
                $command = $ast.Find({ param($node) $node -is [Management.Automation.Language.CommandAst] }, $true)
                $bound = [Management.Automation.Language.StaticParameterBinder]::BindCommand($command, $true)
                @($bound.BindingExceptions.Values | ForEach-Object { $_.BindingException.Message })
            }
        }).AddArgument((Join-Path $PSScriptRoot 'node/AzStackHCI.LabNode/AzStackHCI.LabNode.psd1')).Invoke()

    function Invoke-InLabRunspace([string] $Script) {
        $shell.Commands.Clear()
        $result = $shell.AddScript($Script).Invoke()
        if ($shell.HadErrors) { throw ($shell.Streams.Error | Select-Object -First 1) }
        $result
    }
}

AfterAll {
    $shell.Dispose()
}

Describe 'Lab node <Command>' -ForEach $osCommands {
    It 'has exactly the catalogued parameters' {
        @(Invoke-InLabRunspace "Get-LabParameters '$Command'" | Sort-Object) | Should -Be @($Expected | Sort-Object)
    }
}

Describe 'Lab node <Command> (standard command)' -ForEach $standardCommands {
    It 'takes every catalogued parameter' {
        $parameters = @(Invoke-InLabRunspace "Get-LabParameters '$Command'")
        foreach ($name in $Expected) { $parameters | Should -Contain $name }
    }
}

Describe 'Microsoft''s node calls against the lab' {
    It 'binds <Call>' -ForEach $microsoftCalls {
        Invoke-InLabRunspace "Get-BindingErrors '$($Call.Replace("'", "''"))'" | Should -BeNullOrEmpty
    }

    It 'binds the connectivity check''s <Call>' -ForEach $connectivityCalls {
        Invoke-InLabRunspace "Get-BindingErrors '$($Call.Replace("'", "''"))'" | Should -BeNullOrEmpty
    }

    It 'refuses <Call>, as a real node does' -ForEach $unknownCalls {
        Invoke-InLabRunspace "Get-BindingErrors '$($Call.Replace("'", "''"))'" | Should -Match 'A parameter cannot be found that matches parameter name'
    }
}
