# Unregister-AzStackHCI end to end: a cluster registered with Arc against the lab cloud and the 3-node lab
# cluster, then taken apart; each test on a fresh lab state.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $group = "$($cluster.name)-rg"
    $resourceId = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$group/providers/Microsoft.AzureStackHCI/clusters/$($cluster.name)"
    $entry = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName; LogsDirectory = $TestDrive }

    function Register {
        $result = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -Region eastus @entry -ErrorAction Stop -WarningAction SilentlyContinue
        $result.Result | Should -Be 'Success'
    }

    function Unregister([hashtable] $Extra = @{}) {
        Unregister-AzStackHCI @entry @Extra -Confirm:$false -WarningAction SilentlyContinue
    }

    function Get-ArmStatus([string] $Path) {
        try { Invoke-LabArm GET $Path | Out-Null; 200 } catch { [int] $_.Exception.Response.StatusCode }
    }

    function Get-NodeRegistration { (Get-AzStackHCI -ComputerName $cluster.nodes[0]).Nodes }
}

Describe 'Unregister-AzStackHCI' {
    BeforeEach {
        Reset-Lab
    }

    AfterEach {
        Set-LabFaults @()
    }

    It 'removes everything registration made, and a second run is a clean success' {
        $before = Get-CloudInventory
        Register
        $status = Get-AzStackHCI -ComputerName $cluster.nodes[0]
        $status.RegistrationStatus | Should -Be 'Registered'
        $status.ConnectionStatus | Should -Be 'Connected'
        $status.Nodes.Count | Should -Be 3

        $result = Unregister

        $result.Result | Should -Be 'Success'
        $result.Details | Should -Match 'successfully unregistered'
        ($result.Nodes | Where-Object Status -EQ 'Unregistered').Count | Should -Be 3
        $after = Get-CloudInventory
        $after.Applications | Should -Be $before.Applications
        $after.Principals | Should -Be $before.Principals
        $after.RoleAssignments | Should -Be $before.RoleAssignments
        $after.Groups | Should -Be $before.Groups
        Get-ArmStatus "$($resourceId)?api-version=2024-04-01" | Should -Be 404
        foreach ($node in Get-NodeRegistration) {
            $node.RegistrationStatus | Should -Be 'NotYet'
            Get-LabNodeCertificateFiles $node.ComputerName | Should -BeNullOrEmpty
        }
        (Get-AzStackHCI -ComputerName $cluster.nodes[0]).ArcStatus | Should -Be 'Disabled'
        Get-ChildItem $TestDrive -Filter 'UnregisterHCI_*.log' | Should -Not -BeNullOrEmpty

        Set-Content -Path $lab.journal -Value ''
        $again = Unregister @{ SubscriptionId = $lab.subscriptionId; ResourceName = $cluster.name; IsWAC = $true }
        $again.Result | Should -Be 'Success'
        $again.WacResult | Should -Be 'Success'
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'refuses (9115) a cluster that is not registered when the resource is not named' {
        { Unregister-AzStackHCI @entry -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistrationInfoNotFound,Az.StackHCI.Commands.UnregisterAzStackHCICommand'
    }

    It 'returns 9115 as a Failed result with Microsoft''s code under -IsWAC, and still writes the error' {
        $result = Unregister-AzStackHCI @entry -IsWAC -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $result.Result | Should -Be 'Failed'
        $result.WacResult | Should -Be 'Failed'
        $result.WacErrorCode | Should -Be '9115'
        $result.WacErrorDetail | Should -Be 'RegistrationInfoNotFound'
        $result.WacExceptionMessage | Should -Not -BeNullOrEmpty
        $problems.FullyQualifiedErrorId | Should -Be 'RegistrationInfoNotFound,Az.StackHCI.Commands.UnregisterAzStackHCICommand'
    }

    It 'lists every removal under -WhatIf and changes nothing' {
        Register
        Set-Content -Path $lab.journal -Value ''

        # "What if:" lines go to the host; the transcript keeps them.
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { Unregister-AzStackHCI @entry -WhatIf -WarningAction SilentlyContinue | Should -BeNullOrEmpty }
        finally { Stop-Transcript | Out-Null }
        $output = Get-Content $transcript -Raw

        $output | Should -Match 'Disable Azure Arc integration on node\(s\)'
        $output | Should -Match ([regex]::Escape("Delete the Azure Stack HCI resource $resourceId"))
        $output | Should -Match 'Remove the registration certificates from node\(s\)'
        Get-LabWrites | Should -BeNullOrEmpty
        (Get-NodeRegistration).RegistrationStatus | Should -Be @('Registered', 'Registered', 'Registered')
    }

    It 'unregisters the nodes before the resource, and when Azure then refuses the resource, the re-run it names finishes' {
        Register
        # 409, as when a lock keeps the resource: not worth retrying.
        Set-LabFaults @(@{ service = 'arm'; method = 'DELETE'; path = "clusters/$($cluster.name)(\?|$)"; status = 409 })

        $failed = Unregister-AzStackHCI @entry -Confirm:$false -WarningAction SilentlyContinue -ErrorVariable problem -ErrorAction SilentlyContinue

        $failed.Result | Should -Be 'Failed'
        $failed.Details | Should -Match 'To finish, fix the cause and run: Unregister-AzStackHCI -SubscriptionId \S+ -ResourceGroupName \S+ -ResourceName \S+'
        $problem[0].FullyQualifiedErrorId | Should -Match 'Conflict,Az.StackHCI.Commands.UnregisterAzStackHCICommand'
        (Get-NodeRegistration).RegistrationStatus | Should -Be @('NotYet', 'NotYet', 'NotYet') -Because 'the nodes go first, as Microsoft and the docs do it'
        Get-ArmStatus "$($resourceId)?api-version=2024-04-01" | Should -Be 200

        Set-LabFaults @()
        (Unregister @{ SubscriptionId = $lab.subscriptionId; ResourceGroupName = $group; ResourceName = $cluster.name }).Result | Should -Be 'Success'
        Get-ArmStatus "$($resourceId)?api-version=2024-04-01" | Should -Be 404
        (Get-NodeRegistration).RegistrationStatus | Should -Be @('NotYet', 'NotYet', 'NotYet')
    }

    It 'removes only Arc with -DisableOnlyAzureArcServer' {
        Register

        $result = Unregister @{ DisableOnlyAzureArcServer = $true }

        $result.Result | Should -Be 'Success'
        Get-ArmStatus "$($resourceId)?api-version=2024-04-01" | Should -Be 200
        Get-ArmStatus "$resourceId/arcSettings/default?api-version=2024-04-01" | Should -Be 404
        foreach ($node in $cluster.nodes) {
            Get-ArmStatus "/subscriptions/$($lab.subscriptionId)/resourceGroups/$group/providers/Microsoft.HybridCompute/machines/$($node)?api-version=2022-12-27" | Should -Be 404
        }
        @((Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name).arc'").value).Count | Should -Be 0
        @((Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name)'").value).Count | Should -Be 1
        $status = Get-AzStackHCI -ComputerName $cluster.nodes[0]
        $status.RegistrationStatus | Should -Be 'Registered'
        $status.ArcStatus | Should -Be 'Disabled'
    }

    It 'takes the cluster from Get-AzStackHCI through the pipeline' {
        Register

        $result = Get-AzStackHCI -ComputerName $cluster.nodes[0] | Unregister-AzStackHCI -EnvironmentName $lab.environmentName -LogsDirectory $TestDrive -Confirm:$false -WarningAction SilentlyContinue

        $result.Result | Should -Be 'Success'
        $result.AzureResourceId | Should -Be $resourceId
        (Get-NodeRegistration).RegistrationStatus | Should -Be @('NotYet', 'NotYet', 'NotYet')
    }
}
