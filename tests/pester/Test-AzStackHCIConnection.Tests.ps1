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

Describe 'Test-AzStackHCIConnection with proxies' {
    BeforeAll {
        Reset-Lab
        $forwarding = [uri] $lab.proxies.forwarding
        $inspecting = [uri] $lab.proxies.inspecting.uri
        $authenticated = [uri] $lab.proxies.authenticated.uri
        $proxyPassword = $lab.proxies.authenticated.password
        function Use-NodeProxy([string] $Node, [uri] $Proxy, [switch] $WinInetOnly, [string[]] $UnresolvableNames = @()) {
            $settings = @{ winInet = @{ proxyServer = $Proxy.GetLeftPart('Authority'); proxyBypass = ''; perMachine = $true } }
            if (-not $WinInetOnly) {
                $settings.winHttp = @{ proxyServer = $Proxy.Authority }
                $settings.environment = @{ httpsProxy = $Proxy.GetLeftPart('Authority'); noProxy = '' }
            }
            Set-LabNode $Node @{ proxy = $settings; unresolvableNames = $UnresolvableNames }
        }
        function Get-Row($Results, [string] $Like) { @($Results | Where-Object Test -Like $Like) }
        function Get-ProxyJournal([string] $Name) { @(Get-LabJournal | Where-Object { $_.service -eq 'proxy' -and $_.proxy -eq $Name }) }
    }

    AfterEach {
        Invoke-LabControl POST nodes/reset | Out-Null
    }

    It 'reaches every endpoint through the nodes'' WinINet proxy and reports the three settings side by side' {
        $cluster.nodes | ForEach-Object { Use-NodeProxy $_ $forwarding }
        Set-Content -Path $lab.journal -Value ''

        $results = Test-AzStackHCIConnection @test

        $results | ForEach-Object { $_.Result | Should -Be 'Succeeded' -Because $_.Test }
        (Get-ProxyJournal forwarding | Where-Object method -EQ 'CONNECT').Count | Should -BeGreaterOrEqual 9 -Because 'three nodes, three required endpoints each'
        $proxyRow = Get-Row $results 'Proxy settings*'
        $proxyRow.Nodes.Count | Should -Be 3
        foreach ($node in $proxyRow.Nodes) {
            $node.Detail | Should -Match ([regex]::Escape("WinINet $($forwarding.Authority) (per machine)"))
            $node.Detail | Should -Match ([regex]::Escape("WinHTTP $($forwarding.Authority)"))
            $node.Data.WinINet | Should -Be $forwarding.GetLeftPart('Authority')
            $node.Data.WinHTTP | Should -Be $forwarding.Authority
            $node.Data.HTTPS_PROXY | Should -Be $forwarding.GetLeftPart('Authority')
        }
        $proxyRow.Remediation | Should -BeNullOrEmpty
    }

    It 'names the node whose proxy is missing, and the node whose three settings disagree' {
        Use-NodeProxy $cluster.nodes[0] $forwarding
        Use-NodeProxy $cluster.nodes[1] $forwarding -WinInetOnly

        $results = Test-AzStackHCIConnection @test

        $proxyRow = Get-Row $results 'Proxy settings*'
        $proxyRow.Result | Should -Be 'Failed'
        $proxyRow.IsRequired | Should -BeFalse
        $proxyRow.FailedNodes | Sort-Object | Should -Be @($cluster.nodes[1], $cluster.nodes[2])
        ($proxyRow.Nodes | Where-Object ComputerName -EQ $cluster.nodes[1]).Detail | Should -Match 'The proxy settings differ: WinINet localhost:\d+, WinHTTP direct, HTTPS_PROXY direct'
        ($proxyRow.Nodes | Where-Object ComputerName -EQ $cluster.nodes[2]).Detail | Should -Match 'differ from the other nodes'
        $proxyRow.Remediation | Should -Match 'Set-WinInetProxy.*netsh winhttp set proxy.*HTTPS_PROXY.*https://learn\.microsoft\.com/azure-stack/hci/manage/configure-proxy-settings'
        # The endpoints are still reached, each node its own way.
        (Get-Row $results 'Connect to*') | ForEach-Object { $_.Result | Should -Be 'Succeeded' }
    }

    It 'finds TLS inspection by the certificate chain the nodes are shown' {
        $cluster.nodes | ForEach-Object { Use-NodeProxy $_ $inspecting }

        $results = Test-AzStackHCIConnection @test

        $tls = Get-Row $results 'No TLS inspection of*'
        $tls.Count | Should -Be 3
        foreach ($row in $tls) {
            $row.Result | Should -Be 'Failed'
            $row.IsRequired | Should -BeTrue
            $row.FailedNodes.Count | Should -Be 3
            # The nodes trust only the lab's CA, so the re-signed chain fails their validation.
            $row.Nodes[0].Detail | Should -Match 'does not trust the certificate it is shown'
            $row.Remediation | Should -Match 'TLS \(SSL\) inspection.*https://learn\.microsoft\.com/azure-stack/hci/manage/configure-proxy-settings-23h2'
        }
        (Get-Row $results 'Connect to Azure Stack HCI Service').Result | Should -Be 'Failed'
        Test-AzStackHCIConnection @test -Quiet | Should -BeFalse
    }

    It 'tests through a given proxy, with its credential, and resolves the proxy''s name on every node' {
        $without = Test-AzStackHCIConnection @test -Proxy $authenticated
        (Get-Row $without 'Connect to Azure Stack HCI Service').Result | Should -Be 'Failed'
        (Get-Row $without 'Connect to Azure Stack HCI Service').Nodes[0].Detail | Should -Match '407'

        Set-Content -Path $lab.journal -Value ''
        $credential = [pscredential]::new($lab.proxies.authenticated.userName, (ConvertTo-SecureString $proxyPassword -AsPlainText -Force))
        $results = Test-AzStackHCIConnection @test -Proxy $authenticated -ProxyCredential $credential -Verbose 4>&1 | Tee-Object -Variable stream | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }

        (Get-Row $results 'Connect to*') | ForEach-Object { $_.Result | Should -Be 'Succeeded' -Because $_.Test }
        (Get-Row $results 'No TLS inspection of*') | ForEach-Object { $_.Result | Should -Be 'Succeeded' }
        $dns = Get-Row $results 'Resolve localhost (DNS)'
        $dns.Result | Should -Be 'Succeeded'
        $dns.IsRequired | Should -BeTrue
        @(Get-ProxyJournal authenticated | Where-Object { $_.status -eq 200 -and $_.principal -eq 'proxyuser' }).Count | Should -BeGreaterOrEqual 9
        ($stream | Out-String) | Should -Not -Match ([regex]::Escape($proxyPassword))
    }

    It 'names the node that cannot resolve the proxy''s name' {
        Set-LabNode $cluster.nodes[1] @{ unresolvableNames = @('localhost') }

        $results = Test-AzStackHCIConnection @test -Proxy $forwarding

        $dns = Get-Row $results 'Resolve localhost (DNS)'
        $dns.Result | Should -Be 'Failed'
        $dns.FailedNodes | Should -Be @($cluster.nodes[1])
        ($dns.Nodes | Where-Object ComputerName -EQ $cluster.nodes[1]).Detail | Should -Match 'DNS name does not exist'
        $dns.Remediation | Should -Match 'DNS servers resolve localhost.*firewall-requirements'
        (Get-Row $results 'Connect to Azure Stack HCI Service').FailedNodes | Should -Be @($cluster.nodes[1])
    }

    It 'writes a JSON and a text report, without the proxy''s credential' {
        Use-NodeProxy $cluster.nodes[0] $forwarding -WinInetOnly
        $credential = [pscredential]::new($lab.proxies.authenticated.userName, (ConvertTo-SecureString $proxyPassword -AsPlainText -Force))

        $results = Test-AzStackHCIConnection @test -Proxy $authenticated -ProxyCredential $credential -ReportPath (Join-Path $TestDrive 'connectivity.json')

        $report = Get-Content (Join-Path $TestDrive 'connectivity.json') -Raw | ConvertFrom-Json
        $report.environment | Should -Be $lab.environmentName
        $report.passed | Should -BeTrue
        $report.tests.Count | Should -Be @($results).Count
        ($report.tests | Where-Object test -Like 'Proxy settings*').result | Should -Be 'Failed'
        ($report.tests | Where-Object test -Like 'Proxy settings*').remediation | Should -Match 'configure-proxy-settings'
        $text = Get-Content (Join-Path $TestDrive 'connectivity.txt') -Raw
        $text | Should -Match '\[PASS\] Connect to Azure Stack HCI Service'
        $text | Should -Match '\[FAIL\] Proxy settings agree.*\(optional\)'
        $text | Should -Match 'What to do: Configure one proxy'
        foreach ($file in 'connectivity.json', 'connectivity.txt') {
            Get-Content (Join-Path $TestDrive $file) -Raw | Should -Not -Match ([regex]::Escape($proxyPassword))
        }
    }

    It 'refuses a bad proxy, a credential without a proxy and a report in no folder, before contacting any node' {
        Set-Content -Path (Get-LabNodeJournalPath) -Value ''
        { Test-AzStackHCIConnection @test -Proxy 'ftp://localhost:21' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidProxy,*'
        { Test-AzStackHCIConnection @test -ProxyCredential ([pscredential]::new('u', (ConvertTo-SecureString 'p' -AsPlainText -Force))) -ErrorAction Stop } | Should -Throw -ErrorId 'ProxyCredentialWithoutProxy,*'
        { Test-AzStackHCIConnection @test -ReportPath (Join-Path $TestDrive 'missing/report') -ErrorAction Stop } | Should -Throw -ErrorId 'ReportPathNotFound,*'
        Get-LabNodeJournal | Should -BeNullOrEmpty
    }
}
