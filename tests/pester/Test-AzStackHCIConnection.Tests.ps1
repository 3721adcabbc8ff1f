# Test-AzStackHCIConnection end to end: every lab node reaches the lab cloud's endpoints over its own HTTPS, and
# its clock is compared with UTC; node switches cut a node's network and skew another's clock.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $test = @{ EnvironmentName = $lab.environmentName; ComputerName = $cluster.nodes[0] }
}

Describe 'Test-AzStackHCIConnection' {
    BeforeAll {
        Reset-Lab
    }

    AfterAll {
        Invoke-LabControl POST nodes/reset | Out-Null
    }

    It 'passes on a healthy lab, from every node, without signing in' {
        Set-Content -Path $lab.journal -Value ''

        $results = Test-AzStackHCIConnection @test

        $results.Test | Should -Contain 'Connect to Azure Stack HCI Service'
        ($results | Where-Object Test -EQ 'Connect to Azure Stack HCI Service').EndpointTested | Should -Be "$($lab.hciServiceEndpoint.TrimEnd('/'))/health"
        $results | ForEach-Object { $_.Result | Should -Be 'Succeeded' }
        $results | ForEach-Object { @($_.Nodes).Count | Should -Be 3 }
        ($results[0].Nodes | Where-Object Duration -GT 0).Count | Should -Be 3
        Test-AzStackHCIConnection @test -Quiet | Should -BeTrue
        @(Get-LabJournal | Where-Object service -EQ 'authority' | Where-Object path -Match 'token') | Should -BeNullOrEmpty
    }

    It 'names the node without connectivity and the node with a skewed clock' {
        Set-LabNode $cluster.nodes[1] @{ noConnectivity = $true }
        Set-LabNode $cluster.nodes[2] @{ clockSkewSeconds = 600 }

        $results = Test-AzStackHCIConnection @test -WarningVariable warnings -WarningAction SilentlyContinue

        foreach ($endpoint in $results | Where-Object Test -Like 'Connect to*') {
            $endpoint.Result | Should -Be 'Failed'
            $endpoint.FailedNodes | Should -Be @($cluster.nodes[1])
            ($endpoint.Nodes | Where-Object ComputerName -EQ $cluster.nodes[1]).Detail | Should -Match 'No route to host'
        }
        $clock = $results | Where-Object Test -Like '*clock*'
        $clock.Result | Should -Be 'Failed'
        $clock.FailedNodes | Should -Be @($cluster.nodes[2])
        ($warnings -join ' ') | Should -Match "$($cluster.nodes[2]).*AADSTS700027"
        Test-AzStackHCIConnection @test -Quiet -WarningAction SilentlyContinue | Should -BeFalse
    }
}
