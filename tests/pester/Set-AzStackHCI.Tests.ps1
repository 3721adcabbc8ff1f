# Set-AzStackHCI end to end: a cluster registered (without Arc) against the lab, its settings changed in Azure,
# synced by a node and reported back in reportedProperties; bad input refused before anything is contacted.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $resourceId = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$($cluster.name)-rg/providers/Microsoft.AzureStackHCI/clusters/$($cluster.name)"
    $node = $cluster.nodes[0]
    $common = @{ EnvironmentName = $lab.environmentName; UseDeviceAuthentication = $true; Confirm = $false; LogsDirectory = $TestDrive; WarningAction = 'SilentlyContinue' }
    function Get-ClusterResource { (Invoke-LabArm GET "$($resourceId)?api-version=2024-04-01").properties }
    function Get-SettingWrites { @(Get-LabWrites | Where-Object { $_.service -eq 'arm' -and $_.path -like '*/clusters/*' }) }

    Reset-Lab
    # Before registration: the node refuses with Microsoft's message, and nothing is contacted in the cloud.
    Clear-LabJournals
    $notRegistered = $null
    Set-AzStackHCI -ComputerName $node -DiagnosticLevel Enhanced @common -ErrorVariable notRegistered -ErrorAction SilentlyContinue
    $notRegisteredJournal = @(Get-LabJournal)

    Register-AzStackHCI -SubscriptionId $lab.subscriptionId -Region eastus -EnvironmentName $lab.environmentName -ComputerName $node `
        -EnableAzureArcServer:$false -LogsDirectory $TestDrive -ErrorAction Stop -WarningAction SilentlyContinue | Out-Null
}

AfterAll {
    Set-LabNode $cluster.nodes[2] @{ down = $false }
}

Describe 'Set-AzStackHCI' {
    BeforeEach {
        Clear-LabJournals
    }

    It 'refuses an unregistered cluster with Microsoft''s message, before signing in' {
        $notRegistered[0].FullyQualifiedErrorId | Should -BeLike 'ClusterNotRegistered,*'
        $notRegistered[0].Exception.Message | Should -Be 'The cluster is not registered with Azure. Register the cluster using Register-AzStackHCI and then try again.'
        $notRegisteredJournal | Should -BeNullOrEmpty
    }

    It 'refuses a call that names no setting, or an id that is not a cluster''s, before contacting anything' {
        { Set-AzStackHCI -ComputerName $node @common -ErrorAction Stop } | Should -Throw -ErrorId 'NoSettingGiven,*'
        { Set-AzStackHCI -ResourceId '/subscriptions/nope/resourceGroups/rg' -DiagnosticLevel Basic @common -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidResourceId,*'
        Get-LabJournal | Should -BeNullOrEmpty
        Get-LabNodeJournal | Should -BeNullOrEmpty
    }

    It 'shows the change with -WhatIf and makes none' {
        # "What if:" lines go to the host; the transcript keeps them.
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { Set-AzStackHCI -ComputerName $node -DiagnosticLevel Enhanced @common -WhatIf | Should -BeNullOrEmpty }
        finally { Stop-Transcript | Out-Null }

        Get-Content $transcript -Raw | Should -Match ([regex]::Escape("(diagnosticLevel: Basic -> Enhanced)"" on target ""$resourceId""."))
        Get-SettingWrites | Should -BeNullOrEmpty
        (Get-ClusterResource).desiredProperties.diagnosticLevel | Should -Be 'Basic'
        @(Get-LabNodeJournal | Where-Object command -EQ 'Sync-AzureStackHCI') | Should -BeNullOrEmpty
    }

    It 'PATCHes only what differs, has the cluster sync, and reports when the cluster applied it' {
        $result = Set-AzStackHCI -ComputerName $node -DiagnosticLevel Enhanced -EnableWSSubscription $true -Force @common

        $result.Result | Should -Be 'Success'
        $result.ResourceId | Should -Be $resourceId
        $result.Changes | Should -Be @('windowsServerSubscription: Disabled -> Enabled', 'diagnosticLevel: Basic -> Enhanced')
        $result.Applied | Should -BeTrue
        $result.WindowsServerSubscription | Should -Be 'Enabled'
        $result.DiagnosticLevel | Should -Be 'Enhanced'
        $result.Details | Should -Match '^Successfully enabled Windows Server Subscription\. Successfully configured the Azure Stack HCI diagnostic level to Enhanced\.'
        $result.ReportedAt | Should -BeGreaterThan (Get-Date).ToUniversalTime().AddMinutes(-5)

        $writes = Get-SettingWrites
        $writes.method | Should -Be @('PATCH')
        $writes[0].body.properties.desiredProperties.PSObject.Properties.Name | Sort-Object | Should -Be @('diagnosticLevel', 'windowsServerSubscription')
        $properties = Get-ClusterResource
        $properties.reportedProperties.diagnosticLevel | Should -Be 'Enhanced'
        $properties.reportedProperties.nodes.windowsServerSubscription | Should -Be @('Enabled', 'Enabled', 'Enabled')
        @(Get-LabNodeJournal | Where-Object command -EQ 'Sync-AzureStackHCI').Count | Should -Be 1
    }

    It 'writes nothing and syncs nothing when the cluster has the settings already' {
        $result = Set-AzStackHCI -ComputerName $node -DiagnosticLevel Enhanced -EnableWSSubscription $true -Force @common

        $result.Result | Should -Be 'Success'
        $result.Changes | Should -BeNullOrEmpty
        $result.Details | Should -Match 'Nothing to change'
        Get-LabWrites | Should -BeNullOrEmpty
        @(Get-LabNodeJournal | Where-Object command -EQ 'Sync-AzureStackHCI') | Should -BeNullOrEmpty
    }

    It 'with -ResourceId changes Azure only, warns as Microsoft''s does, and a later run from a node syncs without writing' {
        $warnings = $null
        $result = Set-AzStackHCI -ResourceId $resourceId -DiagnosticLevel Off @common -WarningVariable warnings

        $result.Result | Should -Be 'Success'
        $result.Applied | Should -BeNullOrEmpty
        $result.Details | Should -Match 'next sync'
        $warnings.Message | Should -Contain 'Setting diagnostic level to Off will prevent Microsoft from collecting important diagnostic information that helps improve Azure Stack HCI.'
        Get-LabNodeJournal | Should -BeNullOrEmpty
        (Get-ClusterResource).reportedProperties.diagnosticLevel | Should -Be 'Enhanced'

        Clear-LabJournals
        $synced = Set-AzStackHCI -ComputerName $node -DiagnosticLevel Off @common
        $synced.Changes | Should -BeNullOrEmpty
        $synced.Applied | Should -BeTrue
        Get-SettingWrites | Should -BeNullOrEmpty
        (Get-ClusterResource).reportedProperties.diagnosticLevel | Should -Be 'Off'
    }

    It 'takes clusters from the pipeline and warns when the Windows Server subscription is turned off' {
        $warnings = $null
        $result = [pscustomobject]@{ ComputerName = $node } | Set-AzStackHCI -EnableWSSubscription $false -Force @common -WarningVariable warnings

        $result.WindowsServerSubscription | Should -Be 'Disabled'
        $result.Applied | Should -BeTrue
        $warnings.Message | Should -Contain 'Windows Server Subscription will no longer activate your Windows Server VMs. Please check that your VMs are being activated another way.'
        (Get-ClusterResource).reportedProperties.nodes.windowsServerSubscription | Should -Be @('Disabled', 'Disabled', 'Disabled')
    }

    It 'refuses while a node is down, naming it, before changing anything' {
        Set-LabNode $cluster.nodes[2] @{ down = $true }
        try {
            $failure = $null
            Set-AzStackHCI -ComputerName $node -DiagnosticLevel Basic @common -ErrorVariable failure -ErrorAction SilentlyContinue
            $failure[0].FullyQualifiedErrorId | Should -BeLike 'ClusterNodeDown,*'
            $failure[0].Exception.Message | Should -Match ([regex]::Escape($cluster.nodes[2]))
            Get-LabWrites | Should -BeNullOrEmpty
        }
        finally {
            Set-LabNode $cluster.nodes[2] @{ down = $false }
        }
    }

    It 'writes a typed result with a list view and its log' {
        $result = Set-AzStackHCI -ResourceId $resourceId -DiagnosticLevel Basic @common
        $result.GetType().FullName | Should -Be 'Az.StackHCI.Models.AzStackHCISettingsResult'
        ($result | Out-String) | Should -Match 'DiagnosticLevel\s*:\s*Basic'
        Get-ChildItem $TestDrive -Filter 'SetAzStackHCI_*.log' | Should -Not -BeNullOrEmpty
    }
}
