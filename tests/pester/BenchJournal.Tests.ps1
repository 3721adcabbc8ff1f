# The benchmark's journal arithmetic (build/bench/BenchJournal.psm1): no lab, no clock, only journal lines.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../build/bench/BenchJournal.psm1') -Force
    $base = [DateTimeOffset]::new(2026, 12, 8, 0, 0, 0, [TimeSpan]::Zero)
    function New-Line([string] $Node, [string] $Command, [double] $From, [double] $To) {
        [pscustomobject]@{ time = $base.AddSeconds($From).ToString('o'); end = $base.AddSeconds($To).ToString('o'); node = $Node; command = $Command }
    }
}

Describe 'Get-NodeRounds' {
    It 'counts a step run on every node at once as one round' {
        $journal = @(
            New-Line node1 Get-Cluster 0 1
            foreach ($node in 'node1', 'node2', 'node3') { New-Line $node New-Certificate 1.0 4.0; New-Line $node Set-Certificate 4.1 7.0 }
            New-Line node1 Set-Registration 7.2 8
        )
        $chain = @(Get-NodeRounds $journal)
        $chain.Count | Should -Be 4
        $chain.Command | Should -Be Get-Cluster, New-Certificate, Set-Certificate, Set-Registration
    }

    It 'counts a step run one node at a time once per node' {
        $journal = @(for ($i = 0; $i -lt 3; $i++) { New-Line "node$($i + 1)" New-Certificate (3 * $i) (3 * $i + 2.5) })
        @(Get-NodeRounds $journal).Count | Should -Be 3
    }

    It 'finds the longest chain even when a long command overlaps a run of short ones' {
        # A (0-10) overlaps B (1-2), C (3-4), D (5-6): the longest chain is B, C, D, not A.
        $journal = @((New-Line node1 A 0 10), (New-Line node2 B 1 2), (New-Line node2 C 3 4), (New-Line node2 D 5 6))
        @(Get-NodeRounds $journal).Command | Should -Be B, C, D
    }

    It 'ignores a command still running (no end yet) and an empty journal' {
        @(Get-NodeRounds @([pscustomobject]@{ time = $base.ToString('o'); end = $null; node = 'node1'; command = 'A' })).Count | Should -Be 0
        @(Get-NodeRounds @()).Count | Should -Be 0
    }
}

Describe 'Get-ManagementCalls' {
    It 'counts the signed-in user''s and anonymous requests per service, not the nodes''' {
        $journal = @(
            [pscustomobject]@{ service = 'authority'; principal = $null }
            [pscustomobject]@{ service = 'authority'; principal = 'admin@lab' }
            [pscustomobject]@{ service = 'authority'; principal = '02517389-12f0-4808-b3bd-5584ae4cc28e' }
            [pscustomobject]@{ service = 'arm'; principal = 'admin@lab' }
            [pscustomobject]@{ service = 'arm'; principal = '02517389-12f0-4808-b3bd-5584ae4cc28e' }
            [pscustomobject]@{ service = 'graph'; principal = 'admin@lab' }
            [pscustomobject]@{ service = 'hci'; principal = '02517389-12f0-4808-b3bd-5584ae4cc28e' }
            [pscustomobject]@{ service = 'control'; principal = $null }
        )
        $calls = Get-ManagementCalls $journal 'admin@lab'
        $calls.Arm | Should -Be 1
        $calls.Graph | Should -Be 1
        $calls.Authority | Should -Be 2
    }
}
