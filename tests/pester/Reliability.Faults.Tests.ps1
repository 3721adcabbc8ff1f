# Reliability (step 8): transient faults of every service are ridden out, permanent ones fail at once naming their
# cause, and node faults are named, refused before any change, or retried where that is safe. The built module
# against the lab cloud and the 3-node lab cluster, each test on a fresh lab state.

BeforeDiscovery {
    $kinds = @(
        @{ Kind = '429 with Retry-After'; Rule = @{ status = 429; retryAfterSeconds = 1 } }
        @{ Kind = '500'; Rule = @{ status = 500 } }
        @{ Kind = '503'; Rule = @{ status = 503 } }
        @{ Kind = 'a dropped connection'; Rule = @{ drop = $true } }
        @{ Kind = '2 s more latency'; Rule = @{ latencyMs = 2000 } }
    )
    $permanent = @(
        @{ Case = '403 on creating the cluster resource'; Rule = @{ service = 'arm'; method = 'PUT'; path = 'Microsoft.AzureStackHCI/clusters/[^/]+\?'; status = 403 }; ErrorId = 'AuthorizationFailed'; Names = 'clusters' }
        @{ Case = '400 on creating the application'; Rule = @{ service = 'graph'; method = 'POST'; path = '/v1.0/applications$'; status = 400 }; ErrorId = 'BadRequest'; Names = 'applications' }
        @{ Case = '409 on creating the resource group'; Rule = @{ service = 'arm'; method = 'PUT'; path = '/resourcegroups/[^/]+\?'; status = 409 }; ErrorId = 'Conflict'; Names = 'resourcegroups' }
        @{ Case = '404 on reading the subscription'; Rule = @{ service = 'arm'; method = 'GET'; path = '^/subscriptions/[^/]+\?'; status = 404 }; ErrorId = 'NotFound'; Names = 'subscriptions' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $lab = Get-Lab
    $cluster = $lab.clusters[0]
    Add-AzStackHCIEnvironment -Name $lab.environmentName -ResourceManagerEndpoint $lab.resourceManagerEndpoint -Scope Process | Out-Null
    $entry = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName; LogsDirectory = $TestDrive }
    $register = $entry + @{ SubscriptionId = $lab.subscriptionId; Region = 'eastus'; EnableAzureArcServer = $false }

    # The same fault, a few times, on every service at once; the budget is per service, spent on its first requests.
    function Set-FaultOnEveryService([hashtable] $Rule, [int] $Count = 2) {
        Set-LabFaults @('authority', 'arm', 'graph', 'hci' | ForEach-Object { $Rule + @{ service = $_; count = $Count } })
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

    It 'registers, reads and unregisters through <Kind> from the authority, ARM, Graph and the HCI service' -ForEach $kinds {
        Set-FaultOnEveryService $Rule
        $registered = Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop
        $registered.Result | Should -Be 'Success'
        $faulted = @(Get-LabJournal | Where-Object { $_.status -in 429, 500, 503 -or $_.durationMs -ge 1900 }).service | Sort-Object -Unique
        if (-not $Rule.drop) { $faulted | Should -Be @('arm', 'authority', 'graph', 'hci') }
        if ($Rule.status) { Get-Log 'RegisterHCI' | Should -Match "answered $($Rule.status); retry 1 of" }

        Set-FaultOnEveryService $Rule
        $status = Get-AzStackHCI -ComputerName $cluster.nodes[0] -EnvironmentName $lab.environmentName -UseDeviceAuthentication -WarningAction SilentlyContinue -ErrorAction Stop
        $status.RegistrationStatus | Should -Be 'Registered'
        $status.Region | Should -Not -BeNullOrEmpty

        Set-FaultOnEveryService $Rule
        $unregistered = Unregister-AzStackHCI @entry -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop
        $unregistered.Result | Should -Be 'Success'
        Set-LabFaults @()
        (Get-AzStackHCI -ComputerName $cluster.nodes[0]).RegistrationStatus | Should -Be 'NotYet'
    }

    It 'waits as long as Retry-After asks' {
        Set-LabFaults @(@{ service = 'arm'; method = 'PUT'; path = '/resourcegroups/[^/]+\?'; status = 429; retryAfterSeconds = 3; count = 1 })
        (Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        $puts = @(Get-LabJournal | Where-Object { $_.service -eq 'arm' -and $_.method -eq 'PUT' -and $_.path -match '/resourcegroups/[^/]+$' })
        $puts.Count | Should -Be 2
        ([DateTimeOffset] $puts[1].time - [DateTimeOffset] $puts[0].time).TotalSeconds | Should -BeGreaterOrEqual 3
    }

    It 'fails at once on <Case>, naming it, without retrying' -ForEach $permanent {
        Set-LabFaults @($Rule)
        $thrown = { Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*" -PassThru
        @(Get-LabJournal | Where-Object { $_.status -eq $Rule.status }).Count | Should -Be 1
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
        Set-LabNode $cluster.nodes[2] @{ failCommand = 'Set-AzureStackHCIRegistrationCertificate'; failDropsSession = $true }
        $thrown = { Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId 'SettingCertificateFailed,*' -PassThru
        $thrown.Exception.Message | Should -Match $cluster.nodes[2]

        Set-LabNode $cluster.nodes[2] @{}
        (Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        (Get-RegistrationShape).NodeCertificates | Should -Be @($cluster.nodes | ForEach-Object { "$_ certificates:1 all-keys:True" })
        (Get-RegistrationShape).Applications | Should -Contain "$($cluster.name) keys:3 passwords:0"
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
        $thrown.Exception.Message | Should -Match "$($cluster.nodes[1]).*\+00:15:00.*AADSTS700027.*w32tm /resync"
        Get-LabWrites | Should -BeNullOrEmpty
        Get-LabNodeWrites | Should -BeNullOrEmpty
    }
}
