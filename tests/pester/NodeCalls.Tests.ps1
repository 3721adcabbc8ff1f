# Node calls as real nodes take them (step 12), end to end against the lab cloud and the 3-node lab cluster, whose
# nodes answer with enums and local dates, refuse parameters the real commands lack, take time to enable Arc and
# report Arc to Azure only when they sync. Each test on a fresh lab state.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $group = "$($cluster.name)-rg"
    $resourceId = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$group/providers/Microsoft.AzureStackHCI/clusters/$($cluster.name)"
    $entry = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName; LogsDirectory = $TestDrive }

    function Register([hashtable] $Extra = @{}) {
        Register-AzStackHCI -SubscriptionId $lab.subscriptionId -Region eastus @entry @Extra -ErrorAction Stop -WarningAction SilentlyContinue
    }

    function Set-EveryNode([hashtable] $Switches) { foreach ($node in $cluster.nodes) { Set-LabNode $node $Switches } }

    function Get-NodeCalls([string] $Command) { @(Get-LabNodeJournal | Where-Object command -EQ $Command) }

    function Get-ConnectedNodes {
        @((Invoke-LabArm GET "$resourceId/arcSettings/default?api-version=2024-04-01").properties.perNodeDetails | Where-Object state -EQ 'Connected' | ForEach-Object name) | Sort-Object
    }
}

Describe 'Node calls' {
    BeforeEach {
        Reset-Lab
    }

    AfterEach {
        Set-LabFaults @()
        Invoke-LabControl PUT replication @{ delayMs = 0 } | Out-Null
    }

    It 'passes no CertificateThumbprint without -CertificateThumbprint, and the journal holds parameter names only' {
        (Register).Result | Should -Be 'Success'

        $certificateCalls = Get-NodeCalls 'Set-AzureStackHCIRegistrationCertificate'
        $certificateCalls.node | Sort-Object | Should -Be ($cluster.nodes | Sort-Object)
        foreach ($call in $certificateCalls + (Get-NodeCalls 'Set-AzureStackHCIRegistration')) {
            $call.parameters | Should -Contain 'AppId'
            $call.parameters | Should -Not -Contain 'CertificateThumbprint'
            [DateTimeOffset] $call.end | Should -BeGreaterOrEqual ([DateTimeOffset] $call.time)
        }
        (Get-NodeCalls 'Initialize-AzureStackHCIArcIntegration').parameters | Should -Contain 'Cloud'
        (Get-NodeCalls 'Enable-AzureStackHCIArcIntegration').parameters | Select-Object -Unique | Sort-Object |
            Should -Be @('AgentExecutablePath', 'AgentInstallerLogFile', 'AgentInstallerName', 'AgentInstallerWebLink')
        $journal = Get-Content (Get-LabNodeJournalPath) -Raw
        $journal | Should -Not -Match ([regex]::Escape($lab.tenantId)) -Because 'the journal records parameter names, never values'
        $journal | Should -Not -Match ([regex]::Escape((Get-Content (Join-Path $lab.root "nodes/$($cluster.name)/arc.json") -Raw | ConvertFrom-Json).secret))
    }

    It 'reaches the nodes by the cluster name resource''s DnsSuffix, as Microsoft does, else by the cluster''s Domain' {
        (Register @{ EnableAzureArcServer = $false }).Result | Should -Be 'Success'

        (Get-NodeCalls 'Get-ItemProperty').parameters | Sort-Object | Should -Be @('Name', 'Path')
        (Get-NodeCalls 'Get-ClusterResource').parameters | Should -Be @('Name')
        (Get-NodeCalls 'Get-ClusterParameter').parameters | Sort-Object | Should -Be @('InputObject', 'Name') -Because 'the resource is piped in on the node'

        Reset-Lab
        Set-LabNode $cluster.nodes[0] @{ failCommand = 'Get-ClusterParameter' }
        (Register @{ EnableAzureArcServer = $false }).Result | Should -Be 'Success'
    }

    It 'initializes Arc without -Cloud on a node build whose command lacks it' {
        Set-EveryNode @{ noCloudParameter = $true }

        (Register).Result | Should -Be 'Success'

        $initialize = Get-NodeCalls 'Initialize-AzureStackHCIArcIntegration'
        $initialize.Count | Should -Be 1
        $initialize[0].parameters | Should -Not -Contain 'Cloud'
        Get-ConnectedNodes | Should -Be ($cluster.nodes | Sort-Object)
    }

    It 'retries Enable on a node whose agent fails twice, then succeeds' {
        Set-LabNode $cluster.nodes[1] @{ arcEnableFailures = 2 }

        (Register).Result | Should -Be 'Success'

        (Get-NodeCalls 'Enable-AzureStackHCIArcIntegration' | Group-Object node -NoElement | Sort-Object Name | ForEach-Object { "$($_.Name):$($_.Count)" }) |
            Should -Be @("$($cluster.nodes[0]):1", "$($cluster.nodes[1]):3", "$($cluster.nodes[2]):1")
        Get-ConnectedNodes | Should -Be ($cluster.nodes | Sort-Object)
    }

    It 'waits until the nodes, syncing, report Arc to Azure 20 s after enabling it' {
        Set-EveryNode @{ arcReportDelaySeconds = 20 }

        $output = Register @{ Verbose = $true } 4>&1
        $result = $output | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }

        $result.Result | Should -Be 'Success'
        $output | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'Arc Connected yet' } | Should -Not -BeNullOrEmpty
        $enabled = (Get-NodeCalls 'Enable-AzureStackHCIArcIntegration' | ForEach-Object { [DateTimeOffset] $_.end } | Measure-Object -Maximum).Maximum
        $syncs = @(Get-NodeCalls 'Sync-AzureStackHCI' | Where-Object { [DateTimeOffset] $_.time -gt $enabled })
        $syncs.Count | Should -BeGreaterThan 1 -Because 'the first sync comes before the nodes report Arc'
        ([DateTimeOffset] $syncs[-1].end - $enabled).TotalSeconds | Should -BeGreaterOrEqual 20 -Because 'the lab nodes report Arc no earlier than 20 s after enabling it'
        Get-ConnectedNodes | Should -Be ($cluster.nodes | Sort-Object)
    }

    It 'shows a node in perNodeDetails after its own periodic sync, when nobody runs Sync-AzureStackHCI' {
        (Register).Result | Should -Be 'Success'
        $node = $cluster.nodes[2]
        Invoke-Command -HostName $node -ScriptBlock { Disable-AzureStackHCIArcIntegration -ErrorAction Stop }
        Invoke-Command -HostName $cluster.nodes[0] -ScriptBlock { Sync-AzureStackHCI -ErrorAction Stop }
        Get-ConnectedNodes | Should -Not -Contain $node
        Set-LabNode $node @{ periodicSyncSeconds = 3 }
        Clear-LabJournals

        Invoke-Command -HostName $node -ScriptBlock { Enable-AzureStackHCIArcIntegration -ErrorAction Stop } | Should -Match 'succeeded to onboard'
        Get-ConnectedNodes | Should -Not -Contain $node -Because 'the machine exists, but Azure learns of it only from a sync'

        # The node syncs by itself a few seconds later; a minute is far more than it needs on a busy machine.
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        # Its journal line is written when the sync has ended, just after Azure shows the node.
        while (-not ((Get-ConnectedNodes) -contains $node -and (Get-NodeCalls 'Sync-AzureStackHCI')) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 500 }
        Get-ConnectedNodes | Should -Contain $node
        (Get-NodeCalls 'Sync-AzureStackHCI').node | Should -Be @($node)
    }

    It 'rides out directory replication by the cloud text a registration cmdlet carries only in its inner exception' {
        Invoke-LabControl PUT replication @{ delayMs = 4000 } | Out-Null

        $output = Register @{ Verbose = $true; EnableAzureArcServer = $false } 4>&1

        ($output | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }).Result | Should -Be 'Success'
        $output | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -match 'does not know the new certificate yet \(.*AADSTS' } | Should -Not -BeNullOrEmpty
        (Get-NodeCalls 'Set-AzureStackHCIRegistrationCertificate').Count | Should -BeGreaterThan $cluster.nodes.Count
    }

    It 'names the service''s refusal, which only the inner exception carries, in the error' {
        Set-LabFaults @(@{ service = 'hci'; method = 'POST'; path = 'verifyCertificate'; status = 403 })

        $parameters = @{ SubscriptionId = $lab.subscriptionId; Region = 'eastus'; EnableAzureArcServer = $false }
        $failure = $null
        try { Register-AzStackHCI @parameters @entry -ErrorAction Stop -WarningAction SilentlyContinue -WarningVariable warnings } catch { $failure = $_ }

        "$failure" | Should -BeLike "*Couldn't set and verify registration certificate on node(s) *$($cluster.nodes[0])*"

        # The lab node puts the service's answer only in the inner exception's Detail.Error, as the OS does.
        $warnings | Where-Object { $_ -match "$($cluster.nodes[0]).*verifyCertificate.*HTTP 403" } | Should -Not -BeNullOrEmpty
    }

    It 'unregisters a cluster whose Arc uses the managed identity, with each node''s metadata token, nodes before the resource' {
        (Register).Result | Should -Be 'Success'
        Set-EveryNode @{ arcManagedIdentity = $true; arcEnableSeconds = 0 }
        Clear-LabJournals

        $result = Unregister-AzStackHCI @entry -Confirm:$false -WarningAction SilentlyContinue

        $result.Result | Should -Be 'Success'
        (Get-NodeCalls 'Invoke-RestMethod').node | Sort-Object | Should -Be ($cluster.nodes | Sort-Object)
        foreach ($call in Get-NodeCalls 'Disable-AzureStackHCIArcIntegration') { $call.parameters | Should -Contain 'AccessToken' }
        $removed = [DateTimeOffset] (Get-NodeCalls 'Remove-AzureStackHCIRegistration')[0].end
        $certificates = Get-NodeCalls 'Remove-AzureStackHCIRegistrationCertificate' | ForEach-Object { [DateTimeOffset] $_.time }
        $deleted = Get-LabJournal | Where-Object { $_.method -eq 'DELETE' -and $_.path -eq $resourceId }
        $deleted | Should -Not -BeNullOrEmpty
        $certificates | ForEach-Object { $_ | Should -BeGreaterOrEqual $removed }
        [DateTimeOffset] $deleted[0].time | Should -BeGreaterThan ($certificates | Measure-Object -Maximum).Maximum -Because 'the resource goes after the nodes, as Microsoft and the docs do it'
    }

    It 'disables Arc only on the nodes whose enum-typed status is not Disabled' {
        (Register).Result | Should -Be 'Success'
        Invoke-Command -HostName $cluster.nodes[2] -ScriptBlock { Disable-AzureStackHCIArcIntegration -ErrorAction Stop }
        (Get-AzStackHCI -ComputerName $cluster.nodes[0]).Nodes | Where-Object ComputerName -EQ $cluster.nodes[2] | ForEach-Object ArcStatus | Should -Be 'Disabled'
        Clear-LabJournals

        (Unregister-AzStackHCI @entry -Confirm:$false -WarningAction SilentlyContinue).Result | Should -Be 'Success'

        (Get-NodeCalls 'Disable-AzureStackHCIArcIntegration').node | Sort-Object | Should -Be ($cluster.nodes[0..1] | Sort-Object)
    }
}
