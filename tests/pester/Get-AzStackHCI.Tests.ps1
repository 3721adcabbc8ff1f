# Get-AzStackHCI end to end: one cluster registered with Arc against the lab, then read from its nodes and,
# signed in, from the lab cloud. Get changes nothing, so the tests share the registration.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $resourceId = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$($cluster.name)-rg/providers/Microsoft.AzureStackHCI/clusters/$($cluster.name)"
    Reset-Lab
    $registered = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -Region eastus -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -LogsDirectory $TestDrive -ErrorAction Stop -WarningAction SilentlyContinue
}

AfterAll {
    Set-LabNode $cluster.nodes[2] @{ down = $false }
}

Describe 'Get-AzStackHCI' {
    BeforeEach {
        Set-Content -Path $lab.journal -Value ''
    }

    It 'reads the registration from every node without signing in' {
        $status = Get-AzStackHCI -ComputerName $cluster.nodes[0]

        $status.ClusterName | Should -Be $cluster.name
        $status.RegistrationStatus | Should -Be 'Registered'
        $status.ConnectionStatus | Should -Be 'Connected'
        $status.AzureResourceId | Should -Be $resourceId
        $status.SubscriptionId | Should -Be $lab.subscriptionId
        $status.ResourceName | Should -Be $cluster.name
        $status.DaysUntilOutOfPolicy | Should -BeIn 29, 30
        $status.ArcStatus | Should -Be 'Enabled'
        $status.CloudStatus | Should -BeNullOrEmpty
        $status.Nodes.Count | Should -Be 3
        foreach ($node in $status.Nodes) {
            $node.RegistrationStatus | Should -Be 'Registered'
            $node.ArcStatus | Should -Be 'Enabled'
            # No skew is set; the measurement is off by at most half a round trip, which a busy machine can stretch
            # to seconds. 60 s is still far from the 5-minute tolerance and the skews other tests set.
            [Math]::Abs($node.ClockOffset.TotalSeconds) | Should -BeLessThan 60 -Because 'no skew is set; the tolerance of 60 s covers half a round trip on a busy machine'
        }
        Get-LabJournal | Should -BeNullOrEmpty
    }

    It 'joins the cloud resource and each node''s certificate when signed in' {
        $status = Get-AzStackHCI -ComputerName $cluster.nodes[0] -EnvironmentName $lab.environmentName -UseDeviceAuthentication -WarningAction SilentlyContinue

        $status.CloudStatus | Should -Be 'ConnectedRecently'
        $status.Region | Should -Be 'eastus'
        $status.LastSyncTimestamp | Should -Not -BeNullOrEmpty
        ($status.Nodes.CertificateThumbprint | Sort-Object) | Should -Be ($registered.Nodes.CertificateThumbprint | Sort-Object)
        $status.Nodes.CertificateExpiry | ForEach-Object { $_ | Should -BeGreaterThan (Get-Date).AddDays(60) }
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'shows a table by default and a list with -Detailed' {
        $table = Get-AzStackHCI -ComputerName $cluster.nodes[0] | Out-String
        $table | Should -Match 'DaysLeft'
        $list = Get-AzStackHCI -ComputerName $cluster.nodes[0] -Detailed
        $list.PSObject.TypeNames[0] | Should -Be 'Az.StackHCI.Models.AzStackHCIClusterStatus#Detailed'
        ($list | Out-String) | Should -Match 'DaysUntilOutOfPolicy\s*:'
    }

    It 'shows OutOfPolicy and 0 days left after 31 days without a sync' {
        Set-LabLastSync -DaysAgo 31

        $status = Get-AzStackHCI -ComputerName $cluster.nodes[1]

        $status.RegistrationStatus | Should -Be 'OutOfPolicy'
        $status.DaysUntilOutOfPolicy | Should -Be 0
        Set-LabLastSync -DaysAgo 0
    }

    It 'lists a node that is down instead of failing' {
        Set-LabNode $cluster.nodes[2] @{ down = $true }

        $status = Get-AzStackHCI -ComputerName $cluster.nodes[0]

        $status.RegistrationStatus | Should -Be 'Registered'
        ($status.Nodes | Where-Object ComputerName -EQ $cluster.nodes[2]).Error | Should -Match 'not up'
        @($status.Nodes | Where-Object RegistrationStatus -EQ 'Registered').Count | Should -Be 2
        Set-LabNode $cluster.nodes[2] @{ down = $false }
    }

    It 'accepts computer names from the pipeline' {
        $statuses = $cluster.nodes[0], $cluster.nodes[1] | Get-AzStackHCI
        $statuses.ComputerName | Should -Be @($cluster.nodes[0], $cluster.nodes[1])
        $statuses.ClusterName | Select-Object -Unique | Should -Be $cluster.name
    }
}
