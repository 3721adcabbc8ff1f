# Azure Arc integration during Register-AzStackHCI and on re-runs, end to end against the lab cloud and the
# 3-node lab cluster (each test on a fresh lab state).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $common = @{
        SubscriptionId  = $lab.subscriptionId
        EnvironmentName = $lab.environmentName
        ComputerName    = $cluster.nodes[0]
        Region          = 'eastus'
        LogsDirectory   = $TestDrive
    }
    $group = "$($cluster.name)-rg"
    $resourceId = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$group/providers/Microsoft.AzureStackHCI/clusters/$($cluster.name)"
    $onboarding = 'b64e21ea-ac4e-4cdf-9dc9-5b892992bee7'
    $administrator = 'cd570a14-e51a-42ad-bac8-bafd67325302'

    function Register([hashtable] $Extra = @{}) {
        $parameters = $common.Clone()
        foreach ($key in $Extra.Keys) { $parameters[$key] = $Extra[$key] }
        Register-AzStackHCI @parameters -ErrorAction Stop -WarningAction SilentlyContinue
    }

    function Get-Machine([string] $Group, [string] $Name) {
        Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/resourceGroups/$Group/providers/Microsoft.HybridCompute/machines/$($Name)?api-version=2022-12-27"
    }

    function Get-ArcSettings { Invoke-LabArm GET "$resourceId/arcSettings/default?api-version=2024-04-01" }

    # The Arc onboarding secret as the nodes received it (the lab node keeps it in its cluster state).
    function Get-ArcSecret { (Get-Content (Join-Path $lab.root "nodes/$($cluster.name)/arc.json") -Raw | ConvertFrom-Json).secret }
}

Describe 'Register-AzStackHCI with Azure Arc' {
    BeforeEach {
        Reset-Lab
    }

    It 'enables Arc on every node by default, with the roles on the Arc group only and the secret nowhere else' {
        $result = Register @{ Verbose = $true } 4>&1
        $verbose = $result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $result = $result | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }

        $result.Result | Should -Be 'Success'
        foreach ($node in $cluster.nodes) {
            (Get-Machine $group $node).properties.parentClusterResourceId | Should -Be $resourceId
        }
        $settings = Get-ArcSettings
        $settings.properties.arcInstanceResourceGroup | Should -Be $group
        ($settings.properties.perNodeDetails | Where-Object state -EQ 'Connected').name | Sort-Object | Should -Be ($cluster.nodes | Sort-Object)

        $arcApp = (Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name).arc'").value
        @($arcApp).Count | Should -Be 1
        $principal = (Invoke-LabGraph GET "servicePrincipals?`$filter=appId eq '$($arcApp.appId)'").value[0].id
        $assignments = (Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&`$filter=principalId eq '$principal'").value
        ($assignments.properties.roleDefinitionId | ForEach-Object { ($_ -split '/')[-1] } | Sort-Object) | Should -Be (@($onboarding, $administrator) | Sort-Object)
        $assignments.properties.scope | Sort-Object -Unique | Should -Be "/subscriptions/$($lab.subscriptionId)/resourceGroups/$group"

        $secret = Get-ArcSecret
        $secret | Should -Not -BeNullOrEmpty
        Get-ChildItem $TestDrive -Filter 'RegisterHCI_*.log' | Get-Content -Raw | Should -Not -Match ([regex]::Escape($secret))
        ($verbose | Out-String) | Should -Not -Match ([regex]::Escape($secret))
        ($result | ConvertTo-Json -Depth 5) | Should -Not -Match ([regex]::Escape($secret))
        Get-Content $lab.journal -Raw | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'changes nothing when run again on a cluster with Arc in place' {
        (Register).Result | Should -Be 'Success'
        Set-Content -Path $lab.journal -Value ''

        (Register).Result | Should -Be 'Success'

        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'completes the registration but reports ArcPermissionsMissing for contributor, who may not assign roles' {
        Set-LabSignInUser contributor

        $result = Register

        $result.Result | Should -Be 'RegisterSucceededButArcFailed'
        $result.ErrorDetail | Should -Be 'ArcPermissionsMissing'
        $result.Details | Should -Match 'Failed to assign required roles for Azure Arc integration'
        (Invoke-LabArm GET "$($resourceId)?api-version=2024-04-01").properties.status | Should -Be 'ConnectedRecently'
    }

    It 'adds Arc to a cluster registered without it by a plain re-run' {
        (Register @{ EnableAzureArcServer = $false }).Result | Should -Be 'Success'
        { Get-Machine $group $cluster.nodes[0] } | Should -Throw

        (Register).Result | Should -Be 'Success'

        (Get-Machine $group $cluster.nodes[0]).properties.parentClusterResourceId | Should -Be $resourceId
    }

    It 'names the node that failed to enable Arc, and a re-run after the fault finishes it' {
        Set-LabNode $cluster.nodes[1] @{ failCommand = 'Enable-AzureStackHCIArcIntegration' }

        # A node that keeps failing is retried only as long as -ArcTimeout allows.
        $failed = Register @{ ArcTimeout = [timespan]::FromSeconds(8) }

        $failed.Result | Should -Be 'RegisterSucceededButArcFailed'
        $failed.ErrorDetail | Should -Be 'ArcIntegrationFailedOnNodes'
        $failed.Details | Should -Match $cluster.nodes[1]
        $failed.Details | Should -Not -Match "$($cluster.nodes[0])\b"

        Set-LabNode $cluster.nodes[1] @{}
        (Register).Result | Should -Be 'Success'
        (Get-Machine $group $cluster.nodes[1]).properties.parentClusterResourceId | Should -Be $resourceId
    }

    It 'refuses, before any change, nodes that are Arc machines of another cluster' {
        foreach ($path in "/subscriptions/$($lab.subscriptionId)/providers/Microsoft.HybridCompute/register", "/subscriptions/$($lab.subscriptionId)/resourcegroups/$($group)") {
            if ($path -like '*register') { Invoke-LabArm POST "$($path)?api-version=2022-09-01" | Out-Null }
            else { Invoke-LabArm PUT "$($path)?api-version=2022-09-01" @{ location = 'eastus' } | Out-Null }
        }
        $other = "/subscriptions/$($lab.subscriptionId)/resourceGroups/other-rg/providers/Microsoft.AzureStackHCI/clusters/other"
        foreach ($node in $cluster.nodes[0], $cluster.nodes[2]) {
            Invoke-LabArm PUT "/subscriptions/$($lab.subscriptionId)/resourceGroups/$group/providers/Microsoft.HybridCompute/machines/$($node)?api-version=2022-12-27" @{
                location = 'eastus'; properties = @{ parentClusterResourceId = $other; status = 'Connected' }
            } | Out-Null
        }
        Set-Content -Path $lab.journal -Value ''

        $err = { Register } | Should -Throw -ErrorId 'ArcAlreadyEnabledInADifferentResource,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.Exception.Message | Should -Match "$($cluster.nodes[0]):"
        $err.Exception.Message | Should -Match "$($cluster.nodes[2]):"
        $err.Exception.Message | Should -Not -Match "$($cluster.nodes[1]):"
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'puts the Arc machines in a custom -ArcServerResourceGroupName' {
        $result = Register @{ ArcServerResourceGroupName = 'arc-machines-rg' }

        $result.Result | Should -Be 'Success'
        (Get-ArcSettings).properties.arcInstanceResourceGroup | Should -Be 'arc-machines-rg'
        foreach ($node in $cluster.nodes) {
            (Get-Machine 'arc-machines-rg' $node).properties.parentClusterResourceId | Should -Be $resourceId
        }
        { Get-Machine $group $cluster.nodes[0] } | Should -Throw
    }
}
