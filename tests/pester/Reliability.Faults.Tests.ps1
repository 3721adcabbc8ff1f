# Reliability (step 8): transient faults of every service are ridden out, permanent ones fail at once naming their
# cause, and node faults are named, refused before any change, or retried where that is safe. The built module
# against the lab cloud and the 3-node lab cluster, each test on a fresh lab state.

BeforeDiscovery {
    $permanent = @(
        @{ Case = '403 on creating the cluster resource'; Rule = @{ service = 'arm'; method = 'PUT'; path = 'Microsoft.AzureStackHCI/clusters/[^/]+\?'; status = 403 }; ErrorId = 'AuthorizationFailed'; Names = 'clusters' }
        @{ Case = '400 on creating the own application'; Rule = @{ service = 'graph'; method = 'POST'; path = '/v1.0/applications$'; status = 400 }; ErrorId = 'BadRequest'; Names = 'applications'; Own = $true }
        @{ Case = '409 on creating the resource group'; Rule = @{ service = 'arm'; method = 'PUT'; path = '/resourcegroups/[^/]+\?'; status = 409 }; ErrorId = 'Conflict'; Names = 'resourcegroups' }
        # Asked twice, each once: without a token for its tenant, then signed in by the pre-flight.
        @{ Case = '404 on reading the subscription'; Rule = @{ service = 'arm'; method = 'GET'; path = '^/subscriptions/[^/]+\?'; status = 404 }; ErrorId = 'NotFound'; Names = 'subscriptions'; Requests = 2 }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $entry = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName; LogsDirectory = $TestDrive }
    $register = $entry + @{ SubscriptionId = $lab.subscriptionId; Region = 'eastus'; EnableAzureArcServer = $false }

    # Every kind of transient fault in a row, once each, on each service: 429 with Retry-After, 500, 503, a dropped
    # connection, then 2 s of latency on the attempt that succeeds. The SDKs' and Graph's 4 retries ride out the
    # four failures; the HCI service is called by the nodes, whose commands are retried twice, so it gets two
    # failures per command.
    $transient = @(@{ status = 429; retryAfterSeconds = 1 }, @{ status = 500 }, @{ status = 503 }, @{ drop = $true }, @{ latencyMs = 2000 })
    function Set-TransientFaults([hashtable[]] $HciFaults) {
        Set-LabFaults @(
            foreach ($service in 'authority', 'arm', 'graph') { foreach ($fault in $transient) { $fault + @{ service = $service; count = 1 } } }
            foreach ($fault in $HciFaults + @(@{ latencyMs = 2000 })) { $fault + @{ service = 'hci'; count = 1 } }
        )
    }

    function Get-Log([string] $Prefix) { Get-ChildItem $TestDrive -Filter "$Prefix*.log" | Sort-Object LastWriteTime | Select-Object -Last 1 | Get-Content -Raw }
}

Describe 'Reliability: faults' -Tag 'Reliability' {
    BeforeEach {
        Reset-Lab
        Get-ChildItem $TestDrive -Filter *.log | Remove-Item
    }

    AfterEach {
        Set-LabFaults @()
    }

    It 'registers, reads and unregisters through 429, 500, 503, a dropped connection and latency from every service' {
        Set-TransientFaults @(@{ status = 429; retryAfterSeconds = 1 }, @{ status = 500 })
        # Its own application, so that registration calls Graph too.
        (Register-AzStackHCI @register -UseOwnApplication -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        $journal = Get-LabJournal
        foreach ($service in 'authority', 'arm', 'graph') {
            @($journal | Where-Object { $_.service -eq $service -and $_.status -in 429, 500, 503 }).Count | Should -Be 3 -Because "$service answered 429, 500 and 503 once each"
            @($journal | Where-Object { $_.service -eq $service -and $_.durationMs -ge 1900 }).Count | Should -BeGreaterOrEqual 1 -Because "$service was slow once"
        }
        @($journal | Where-Object { $_.service -eq 'hci' -and $_.status -in 429, 500 }).Count | Should -Be 2
        $log = Get-Log 'RegisterHCI'
        $log | Should -Match 'answered 429; retry 1 of 4'
        $log | Should -Match 'retry 4 of 4'   # four failures in a row, the fifth attempt succeeds
        $log | Should -Match 'Set-AzureStackHCIRegistrationCertificate failed \(.*HTTP (429|500).*\); retry 1 of 2'

        Set-TransientFaults @()
        $status = Get-AzStackHCI -ComputerName $cluster.nodes[0] -EnvironmentName $lab.environmentName -UseDeviceAuthentication -WarningAction SilentlyContinue -ErrorAction Stop
        $status.RegistrationStatus | Should -Be 'Registered'
        $status.Region | Should -Not -BeNullOrEmpty

        # Unregister signs in anew, so that the authority's faults meet its sign-in, as Register's did (the session's
        # sign-in would otherwise leave them to the nodes' own token requests).
        Disconnect-LabSession
        Set-TransientFaults @(@{ status = 503 }, @{ drop = $true })
        (Unregister-AzStackHCI @entry -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        Set-LabFaults @()
        (Get-AzStackHCI -ComputerName $cluster.nodes[0]).RegistrationStatus | Should -Be 'NotYet'
    }

    It 'waits as long as Retry-After asks' {
        Set-LabFaults @(@{ service = 'arm'; method = 'PUT'; path = '/resourcegroups/[^/]+\?'; status = 429; retryAfterSeconds = 3; count = 1 })
        (Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        $puts = @(Get-LabJournal | Where-Object { $_.service -eq 'arm' -and $_.method -eq 'PUT' -and $_.path -match '/resourcegroups/[^/]+$' })
        $puts.Count | Should -Be 2
        # The stamps are the lab's wall clock when each request arrived; the client's wait is timed by another clock and
        # a 3-s wait can measure a few milliseconds short. Without Retry-After the SDK's first retry comes after at
        # most 0.96 s (0.8 s, 20 % jitter), so 2.5 s tells the two apart without depending on clock precision.
        ([DateTimeOffset] $puts[1].time - [DateTimeOffset] $puts[0].time).TotalSeconds | Should -BeGreaterOrEqual 2.5
    }

    It 'fails at once on <Case>, naming it, without retrying' -ForEach $permanent {
        Set-LabFaults @($Rule)
        $flow = @{ UseOwnApplication = [bool] $Own }
        $thrown = { Register-AzStackHCI @register @flow -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*" -PassThru
        @(Get-LabJournal | Where-Object { $_.status -eq $Rule.status }).Count | Should -Be ($Requests ?? 1)
        $thrown.Exception.Message | Should -Match $Names
    }

    It 'changes nothing in the cloud when a node is down at the start' {
        Set-LabNode $cluster.nodes[2] @{ down = $true }
        $thrown = { Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId 'ClusterNodeDown,*' -PassThru
        $thrown.Exception.Message | Should -Match $cluster.nodes[2]
        Get-LabWrites | Should -BeNullOrEmpty
        Get-LabNodeWrites | Should -BeNullOrEmpty
    }

    It 'names the node lost midway, and a re-run after it returns completes with no extra certificate or key' {
        # Its own application: the keys of the provider's application are the provider's to keep.
        $register.UseOwnApplication = $true
        Set-LabNode $cluster.nodes[2] @{ failCommand = 'Set-AzureStackHCIRegistrationCertificate'; failDropsSession = $true }
        $thrown = { Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId 'SettingCertificateFailed,*' -PassThru
        $thrown.Exception.Message | Should -Match $cluster.nodes[2]

        Set-LabNode $cluster.nodes[2] @{}
        (Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        (Get-RegistrationShape).NodeCertificates | Should -Be @($cluster.nodes | ForEach-Object { "$_ certificates:1 all-keys:True" })
        (Get-RegistrationShape).Applications | Should -Contain "$($cluster.name) keys:3 passwords:0"
        $register.Remove('UseOwnApplication')
    }

    It 'rides out a node command failing once and a session dropping once, and logs both' {
        Set-LabNode $cluster.nodes[1] @{ failCommand = 'Set-AzureStackHCIRegistrationCertificate'; failCount = 1 }
        Set-LabNode $cluster.nodes[2] @{ failCommand = 'Set-AzureStackHCIRegistrationCertificate'; failCount = 1; failDropsSession = $true }
        (Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        $log = Get-Log 'RegisterHCI'
        $log | Should -Match "$($cluster.nodes[1])\S*: Set-AzureStackHCIRegistrationCertificate failed \(.*\); retry 1 of 2"
        $log | Should -Match "$($cluster.nodes[2])\S*: the session dropped; opening a new one"
    }

    It 'refuses a node with a skewed clock in pre-flight, pointing at the clock' {
        Set-LabNode $cluster.nodes[1] @{ clockSkewSeconds = 900 }
        $thrown = { Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId 'NodeClockSkewed,*' -PassThru
        # The skew is 15 minutes; the offset measured includes the round trip, so a slow machine may see 15:01.
        $thrown.Exception.Message | Should -Match "$($cluster.nodes[1]).*\+00:1[45]:\d\d.*AADSTS700027.*w32tm /resync"
        Get-LabWrites | Should -BeNullOrEmpty
        Get-LabNodeWrites | Should -BeNullOrEmpty
    }
}
