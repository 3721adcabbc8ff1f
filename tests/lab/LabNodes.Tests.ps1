# The lab nodes (tests/lab/LabNodes.psm1, tests/lab/node): real PowerShell remoting over SSH to a 3-node lab cluster
# with the node-side OS commands, against a lab cloud of its own. The suite starts and stops that lab itself
# (its own -Root), so it does not depend on the lab the other suites share. Lab nodes need Linux (sshd per node).

Describe 'Lab nodes' -Skip:(-not $IsLinux) {
    BeforeAll {
        $labScripts = $PSScriptRoot
        Import-Module (Join-Path $labScripts 'LabNodes.psm1') -Force
        $root = Join-Path ([IO.Path]::GetTempPath()) "azstackhci-labnodes-$([guid]::NewGuid().ToString('N').Substring(0, 8))"

        function Get-OutsideSnapshot {
            # What the lab may touch outside its folder: ~/.ssh (the Include line), /run/sshd, /etc/hosts.
            $sshHome = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.ssh'
            [ordered]@{
                sshHome   = @(if (Test-Path $sshHome) { Get-ChildItem -Force $sshHome | ForEach-Object { "$($_.Name):$(if (-not $_.PSIsContainer) { (Get-FileHash $_.FullName).Hash })" } } else { '<none>' }) -join ';'
                runSshd   = Test-Path /run/sshd
                etcHosts  = (Get-FileHash /etc/hosts).Hash
                homeItems = @(Get-ChildItem -Force ([Environment]::GetFolderPath('UserProfile')) | ForEach-Object Name) -join ';'
            } | ConvertTo-Json -Compress
        }

        # HTTPS to this lab trusts its CA explicitly (chain validation with the lab CA as the only root): this
        # process's SSL_CERT_FILE, read once at start, may name another lab's bundle.
        function Initialize-LabHttp([string] $CaPath) {
            $policy = [Security.Cryptography.X509Certificates.X509ChainPolicy]::new()
            $policy.TrustMode = [Security.Cryptography.X509Certificates.X509ChainTrustMode]::CustomRootTrust
            $policy.CustomTrustStore.Add([Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem([IO.File]::ReadAllText($CaPath))) | Out-Null
            $policy.RevocationMode = [Security.Cryptography.X509Certificates.X509RevocationMode]::NoCheck
            $handler = [Net.Http.SocketsHttpHandler]::new()
            $handler.SslOptions.CertificateChainPolicy = $policy
            $script:http = [Net.Http.HttpClient]::new($handler)
        }

        function Invoke-LabApi {
            param([string] $Method = 'GET', [Parameter(Mandatory)] [string] $Uri, $Body, [hashtable] $Form, [string] $Token)
            $request = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::new($Method), $Uri)
            if ($Token) { $request.Headers.Authorization = [Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $Token) }
            if ($Form) {
                $pairs = [Collections.Generic.Dictionary[string, string]]::new()
                foreach ($key in $Form.Keys) { $pairs[$key] = [string] $Form[$key] }
                $request.Content = [Net.Http.FormUrlEncodedContent]::new($pairs)
            }
            elseif ($null -ne $Body) {
                $request.Content = [Net.Http.StringContent]::new((ConvertTo-Json -InputObject $Body -Depth 10 -Compress), [Text.Encoding]::UTF8, 'application/json')
            }
            $response = $script:http.SendAsync($request).GetAwaiter().GetResult()
            $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
            [pscustomobject]@{ Status = [int] $response.StatusCode; Body = if ($text) { $text | ConvertFrom-Json } else { $null }; Text = $text }
        }

        function Set-NodeSwitch([string] $Node, [hashtable] $Switches = @{}) {
            $result = Invoke-LabApi -Method PUT -Uri "$($lab.controlEndpoint)nodes/$($cluster.name)/$Node" -Body $Switches
            $result.Status | Should -Be 200 -Because $result.Text
            $result.Body
        }

        function Get-CiToken([string] $Resource) {
            $result = Invoke-LabApi -Method POST -Uri "$($lab.authorityEndpoint)$($lab.tenantId)/oauth2/v2.0/token" -Form @{
                client_id = $lab.servicePrincipals.ci.appId; client_secret = $lab.servicePrincipals.ci.secret
                grant_type = 'client_credentials'; scope = $Resource.TrimEnd('/') + '/.default'
            }
            $result.Status | Should -Be 200 -Because $result.Text
            $result.Body.access_token
        }

        $outsideBefore = Get-OutsideSnapshot
        $startOutput = & (Join-Path $labScripts 'Start-Lab.ps1') -Nodes 3 -Root $root 6>&1
        $labJson = [string] ($startOutput | Select-Object -Last 1)
        $lab = Get-Content $labJson -Raw | ConvertFrom-Json
        $cluster = $lab.clusters[0]
        Initialize-LabHttp $lab.caCertificate
    }

    AfterAll {
        Get-PSSession | Remove-PSSession -ErrorAction SilentlyContinue
        if ($root -and (Test-Path $root)) {
            & (Join-Path $labScripts 'Stop-Lab.ps1') -Root $root 6>$null
            Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    Context 'Nodes' {
        It 'lists the cluster and its nodes in lab.json' {
            $labJson | Should -Be (Join-Path $root 'lab.json')
            $lab.clusters.Count | Should -Be 1
            $cluster | Should -BeOfType [pscustomobject]
            $cluster.name | Should -Be 'hcicluster1'
            $cluster.domain | Should -Be 'hcicluster1.lab.local'
            $cluster.nodes | Should -Be @('node1', 'node2', 'node3')
        }

        It 'opens sessions to all nodes in parallel by name alone, with strict host key checking' {
            $script:sessions = New-PSSession -HostName node1, node2, node3 -ErrorAction Stop
            $sessions.Count | Should -Be 3
            $sessions.State | Should -Be @('Opened', 'Opened', 'Opened')
            $seen = Invoke-Command -Session $sessions { [pscustomobject]@{ Name = $env:HCI_NODE_NAME; Version = $PSVersionTable.PSVersion.ToString() } }
            ($seen | ForEach-Object { "$($_.PSComputerName)=$($_.Name)" } | Sort-Object) | Should -Be @('node1=node1', 'node2=node2', 'node3=node3')
            $seen.Version | Should -Be @('7.6.9', '7.6.9', '7.6.9')
            # The FQDN resolves to the same node; the known_hosts file pins each node's own host key.
            $fqdn = New-PSSession -HostName "node2.$($cluster.domain)" -ErrorAction Stop
            Invoke-Command -Session $fqdn { $env:HCI_NODE_NAME } | Should -Be 'node2'
            Remove-PSSession $fqdn
            Get-Content (Join-Path $root 'ssh/known_hosts') | Select-String '^node1,' | Should -Not -BeNullOrEmpty
            (Get-Content (Join-Path $root 'ssh/known_hosts') | ForEach-Object { $_.Split(' ')[2] } | Select-Object -Unique).Count | Should -Be 3
        }

        It 'has every node report the same cluster and a certificate of its own' {
            $results = Invoke-Command -Session $sessions {
                [pscustomobject]@{ Cluster = Get-Cluster; Nodes = @(Get-ClusterNode); Certificate = New-AzureStackHCIRegistrationCertificate; Status = Get-AzureStackHCI }
            }
            ($results.Cluster.Id | Select-Object -Unique).Count | Should -Be 1
            $results[0].Cluster.Name | Should -Be 'hcicluster1'
            $results[0].Cluster.Domain | Should -Be 'hcicluster1.lab.local'
            # Enums, as on a real node: over remoting they arrive deserialized, numbers that keep their name as ToString().
            $results | ForEach-Object { ($_.Nodes | ForEach-Object { "$($_.Name):$($_.State.ToString())" }) -join ',' | Should -Be 'node1:Up,node2:Up,node3:Up' }
            $results.Status.RegistrationStatus | ForEach-Object ToString | Should -Be @('NotYet', 'NotYet', 'NotYet')
            $results[0].Status.RegistrationStatus.PSObject.TypeNames | Should -Contain 'Deserialized.RegistrationStatus'
            $script:certificates = @{}
            foreach ($result in $results) {
                $certificate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate([Convert]::FromBase64String($result.Certificate))
                $certificate.HasPrivateKey | Should -BeFalse
                $certificate.PublicKey.GetRSAPublicKey().KeySize | Should -Be 2048
                $certificate.Subject | Should -Match "CN=$($result.PSComputerName)\.hcicluster1\.lab\.local"
                $certificate.Extensions.Where({ $_ -is [Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension] }).EnhancedKeyUsages.Value | Should -Contain '1.3.6.1.5.5.7.3.2'
                ($certificate.NotAfter - [DateTime]::Now).TotalDays | Should -BeGreaterThan 60
                $certificates[$result.PSComputerName] = $certificate
            }
            ($certificates.Values.Thumbprint | Select-Object -Unique).Count | Should -Be 3
        }

        It 'keeps each node''s private keys to itself' {
            $other = $certificates['node2'].Thumbprint
            # Read on the node: the reason is in the inner exception, as with the OS's registration cmdlets.
            $reasons = Invoke-Command -Session ($sessions | Where-Object ComputerName -EQ 'node1') {
                Set-AzureStackHCIRegistrationCertificate -ServiceEndpoint https://127.0.0.1:1/eastus/ -BillingServiceApiScope https://127.0.0.1:1/ `
                    -AADAuthority https://127.0.0.1:1/ -AppId 'a' -TenantId 't' -CloudId 'c' -CertificateThumbprint $using:other 2>&1 |
                    Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { $_.Exception.InnerException.Detail.Error }
            }
            @($reasons).Count | Should -Be 1
            $reasons | Should -Match "thumbprint '$other' is not in the certificate store of node 'node1'"
        }

        It 'writes node errors as the OS does: non-terminating, terminating with -ErrorAction Stop' {
            Set-NodeSwitch node1 @{ failCommand = 'Get-Cluster'; latencyMs = 200 } | Out-Null
            try {
                $node1 = $sessions | Where-Object ComputerName -EQ 'node1'
                $watch = [Diagnostics.Stopwatch]::StartNew()
                $output = Invoke-Command -Session $node1 { Get-Cluster; 'continued' } -ErrorVariable err -ErrorAction SilentlyContinue
                # The node sleeps 200 ms inside the call; its timer and this stopwatch may differ by a few milliseconds.
                $watch.ElapsedMilliseconds | Should -BeGreaterOrEqual 190 -Because 'the node sleeps 200 ms; 10 ms is the tolerance between its timer and this stopwatch'
                $output | Should -Be 'continued'
                $err[0].FullyQualifiedErrorId | Should -Match 'LabNodeCommandFault'
                $output = Invoke-Command -Session $node1 { try { Get-Cluster -ErrorAction Stop; 'continued' } catch { "stopped: $($_.Exception.Message)" } }
                $output | Should -BeLike 'stopped: Get-Cluster failed on node*'
            }
            finally { Set-NodeSwitch node1 | Out-Null }
        }

        It 'makes a stopped node unreachable and reported Down by the others, and restarts it with its state' {
            try {
                $state = Set-NodeSwitch node3 @{ down = $true }
                $state.running | Should -BeFalse
                { New-PSSession -HostName node3 -ErrorAction Stop } | Should -Throw
                $deadline = [DateTime]::UtcNow.AddSeconds(10)
                while (($sessions | Where-Object ComputerName -EQ 'node3').State -ne 'Broken' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
                ($sessions | Where-Object ComputerName -EQ 'node3').State | Should -Be 'Broken'
                $view = Invoke-Command -Session ($sessions | Where-Object ComputerName -NE 'node3') { Get-ClusterNode | ForEach-Object { "$($_.Name):$($_.State)" } }
                $view | Group-Object PSComputerName | ForEach-Object { $_.Group -join ',' | Should -Be 'node1:Up,node2:Up,node3:Down' }
            }
            finally {
                $state = Set-NodeSwitch node3
                $script:sessions = @($sessions | Where-Object ComputerName -NE 'node3') + (New-PSSession -HostName node3 -ErrorAction Stop)
            }
            $state.running | Should -BeTrue
            # Its state survived the restart: the certificate with its private key is still in its store.
            Invoke-Command -Session ($sessions | Where-Object ComputerName -EQ 'node3') { Get-ChildItem (Join-Path $env:HCI_NODE_STATE 'certs') | ForEach-Object BaseName } |
                Should -Be $certificates['node3'].Thumbprint
        }
    }

    Context 'Against the lab cloud' {
        BeforeAll {
            $arm = $lab.resourceManagerEndpoint.TrimEnd('/')
            $graph = $lab.graphEndpoint.TrimEnd('/')
            $armToken = Get-CiToken $lab.resourceManagerEndpoint
            $graphToken = Get-CiToken $lab.graphEndpoint
            $subscription = "/subscriptions/$($lab.subscriptionId)"
            $resourceGroup = "$subscription/resourceGroups/labnodes-rg"
            function Invoke-Arm([string] $Method, [string] $Path, $Body) {
                $separator = if ($Path.Contains('?')) { '&' } else { '?' }
                Invoke-LabApi -Method $Method -Uri "$arm$Path$(if ($Path -notmatch 'api-version') { "$($separator)api-version=2022-09-01" })" -Body $Body -Token $armToken
            }
            function Invoke-Graph([string] $Method, [string] $Path, $Body) { Invoke-LabApi -Method $Method -Uri "$graph/v1.0/$Path" -Body $Body -Token $graphToken }

            foreach ($namespace in 'Microsoft.AzureStackHCI', 'Microsoft.HybridCompute') {
                (Invoke-Arm POST "$subscription/providers/$namespace/register").Status | Should -Be 200
            }
            (Invoke-Arm PUT $resourceGroup @{ location = 'eastus' }).Status | Should -BeIn 200, 201

            # The cluster's application with the Azure Stack HCI service's app roles granted (admin consent).
            $app = (Invoke-Graph POST 'applications' @{ displayName = 'hcicluster1' }).Body
            $sp = (Invoke-Graph POST 'servicePrincipals' @{ appId = $app.appId }).Body
            $hciSp = (Invoke-Graph GET "servicePrincipals(appId='1322e676-dee7-41ee-a874-ac923822781c')").Body
            foreach ($role in $hciSp.appRoles | Where-Object value -Like 'Cluster*') {
                $granted = Invoke-Graph POST "servicePrincipals/$($sp.id)/appRoleAssignments" @{ principalId = $sp.id; resourceId = $hciSp.id; appRoleId = $role.id }
                $granted.Status | Should -Be 201 -Because $granted.Text
            }
            $clusterId = "$resourceGroup/providers/Microsoft.AzureStackHCI/clusters/hcicluster1"
            $created = Invoke-Arm PUT "$($clusterId)?api-version=2024-04-01" @{ location = 'eastus'; properties = @{ aadClientId = $app.appId; aadTenantId = $lab.tenantId } }
            $created.Status | Should -BeIn 200, 201 -Because $created.Text
            $resource = $created.Body
            $registration = @{
                ServiceEndpoint = $resource.properties.serviceEndpoint; BillingServiceApiScope = $lab.hciServiceEndpoint
                GraphServiceApiScope = $lab.graphEndpoint; AADAuthority = $lab.authorityEndpoint; AppId = $app.appId
                TenantId = $lab.tenantId; CloudId = $resource.properties.cloudId
            }
            $node = @{}
            foreach ($session in $sessions) { $node[$session.ComputerName] = $session }

            # A failed Set-AzureStackHCIRegistrationCertificate read on the node, as Microsoft's module reads it there:
            # the service's text is only in the inner exception's Detail.Error, which remoting would not carry.
            function Get-RegistrationFailure($Session, [hashtable] $Arguments) {
                Invoke-Command -Session $Session {
                    param($r)
                    foreach ($record in @(Set-AzureStackHCIRegistrationCertificate @r 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] })) {
                        [pscustomobject]@{ Message = $record.Exception.Message; Detail = $record.Exception.InnerException.Detail.Error; Category = $record.CategoryInfo.Category.ToString() }
                    }
                } -ArgumentList $Arguments
            }
        }

        It 'gets a token with a node''s certificate only after the certificate was added to the application' {
            $failure = Get-RegistrationFailure $node.node1 $registration
            @($failure).Count | Should -Be 1
            $failure.Message | Should -Not -Match 'AADSTS' -Because 'as on a real node, the record''s own message is generic'
            $failure.Detail | Should -Match 'AADSTS700027'
            $failure.Category | Should -Be 'AuthenticationError'

            $keys = @($certificates.Values | ForEach-Object { @{ type = 'AsymmetricX509Cert'; usage = 'Verify'; key = [Convert]::ToBase64String($_.RawData) } })
            $patched = Invoke-Graph PATCH "applications/$($app.id)" @{ keyCredentials = $keys }
            $patched.Status | Should -Be 204 -Because $patched.Text

            Invoke-Command -Session $sessions { param($r) Set-AzureStackHCIRegistrationCertificate @r -ErrorAction Stop; 'verified' } -ArgumentList $registration |
                Should -Be @('verified', 'verified', 'verified')
        }

        It 'registers the cluster from one node, which all nodes then see, and its sync shows up on the ARM resource' {
            $arguments = $registration + @{ SubscriptionId = $lab.subscriptionId; ResourceName = 'hcicluster1'; ResourceArmId = $clusterId; ObjectId = $app.id; ServicePrincipalClientId = $sp.id }
            Invoke-Command -Session $node.node1 { param($r) Set-AzureStackHCIRegistration @r -ErrorAction Stop } -ArgumentList $arguments
            $status = Invoke-Command -Session $sessions { Get-AzureStackHCI }
            $status.RegistrationStatus | ForEach-Object ToString | Should -Be @('Registered', 'Registered', 'Registered')
            $status[0].AzureResourceUri | Should -Be $clusterId
            $status[0].Region | Should -Be 'eastus'
            $status[0].NextSync | Should -Not -BeNullOrEmpty

            $first = (Invoke-Arm GET "$($clusterId)?api-version=2024-04-01").Body.properties
            $first.status | Should -Be 'ConnectedRecently'
            $first.reportedProperties.clusterName | Should -Be 'hcicluster1'
            $first.reportedProperties.nodes.name | Should -Be @('node1', 'node2', 'node3')
            Start-Sleep -Milliseconds 20
            Invoke-Command -Session $node.node3 { Sync-AzureStackHCI -ErrorAction Stop }
            $second = (Invoke-Arm GET "$($clusterId)?api-version=2024-04-01").Body.properties
            [DateTimeOffset] $second.lastSyncTimestamp | Should -BeGreaterThan ([DateTimeOffset] $first.lastSyncTimestamp)
        }

        It 'has the authority reject a node whose clock is off (AADSTS700024, AADSTS700027), and fail a node without connectivity' {
            try {
                Set-NodeSwitch node2 @{ clockSkewSeconds = 3600 } | Out-Null
                Invoke-Command -Session $node.node2 { Sync-AzureStackHCI } -ErrorVariable err -ErrorAction SilentlyContinue
                $err.Count | Should -Be 1
                $err[0].Exception.Message | Should -Match 'AADSTS700024'

                Set-NodeSwitch node2 @{ clockSkewSeconds = 31 * 86400 } | Out-Null
                (Invoke-Command -Session $node.node2 { Get-AzureStackHCI }).RegistrationStatus.ToString() | Should -Be 'OutOfPolicy'

                Set-NodeSwitch node2 @{ noConnectivity = $true } | Out-Null
                Invoke-Command -Session $node.node2 { Sync-AzureStackHCI } -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].Exception.Message | Should -Match 'No route to host'
                $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            }
            finally { Set-NodeSwitch node2 | Out-Null }
            Invoke-Command -Session $node.node2 { Sync-AzureStackHCI -ErrorAction Stop }

            # A certificate made while the clock was two days ahead is not valid yet once the clock is right (the seed's trap).
            Set-NodeSwitch node2 @{ clockSkewSeconds = 2 * 86400 } | Out-Null
            $future = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificate([Convert]::FromBase64String((Invoke-Command -Session $node.node2 { New-AzureStackHCIRegistrationCertificate })))
            Set-NodeSwitch node2 | Out-Null
            $keys = @($certificates.Values + $future | ForEach-Object { @{ type = 'AsymmetricX509Cert'; usage = 'Verify'; key = [Convert]::ToBase64String($_.RawData) } })
            (Invoke-Graph PATCH "applications/$($app.id)" @{ keyCredentials = $keys }).Status | Should -Be 204
            (Get-RegistrationFailure $node.node2 ($registration + @{ CertificateThumbprint = $future.Thumbprint })).Detail | Should -Match 'AADSTS700027'
            Invoke-Command -Session $node.node2 { param($r) Set-AzureStackHCIRegistrationCertificate @r -ErrorAction Stop } -ArgumentList ($registration + @{ CertificateThumbprint = $certificates['node2'].Thumbprint })
        }

        It 'enables Arc on every node: RBAC applies, then three machines show Connected in arcSettings' {
            $arcApp = (Invoke-Graph POST 'applications' @{ displayName = 'hcicluster1.arc' }).Body
            $arcSp = (Invoke-Graph POST 'servicePrincipals' @{ appId = $arcApp.appId }).Body
            $secret = (Invoke-Graph POST "applications/$($arcApp.id)/addPassword" @{ passwordCredential = @{ displayName = 'arc' } }).Body.secretText
            $secret | Should -Not -BeNullOrEmpty
            $initialize = @{ TenantId = $lab.tenantId; SubscriptionId = $lab.subscriptionId; Region = 'eastus'; ResourceGroup = 'labnodes-rg'; AppId = $arcApp.appId; Secret = $secret; Cloud = $lab.environmentName }
            Invoke-Command -Session $node.node1 { param($i) Initialize-AzureStackHCIArcIntegration @i -ErrorAction Stop } -ArgumentList $initialize

            # Without the Onboarding role the machine PUT is refused, as in Azure.
            Invoke-Command -Session $node.node1 { Enable-AzureStackHCIArcIntegration } -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].Exception.Message | Should -Match 'AuthorizationFailed'

            # Azure Connected Machine Onboarding and Resource Administrator (to delete), as Register-AzStackHCI assigns them.
            foreach ($role in 'b64e21ea-ac4e-4cdf-9dc9-5b892992bee7', 'cd570a14-e51a-42ad-bac8-bafd67325302') {
                $assignment = Invoke-Arm PUT "$resourceGroup/providers/Microsoft.Authorization/roleAssignments/$([guid]::NewGuid())?api-version=2022-04-01" @{
                    properties = @{ roleDefinitionId = "$subscription/providers/Microsoft.Authorization/roleDefinitions/$role"; principalId = $arcSp.id; principalType = 'ServicePrincipal' }
                }
                $assignment.Status | Should -Be 201 -Because $assignment.Text
            }
            $output = Invoke-Command -Session $sessions { Enable-AzureStackHCIArcIntegration -ErrorAction Stop }
            $output | ForEach-Object { $_ | Should -Match 'Arc agent process succeeded to onboard machine' }
            $arc = Invoke-Command -Session $node.node2 { Get-AzureStackHCIArcIntegration }
            $arc.ClusterArcStatus.ToString() | Should -Be 'Enabled'
            $arc.ApplicationId | Should -Be $arcApp.appId
            ($arc.NodesArcStatus.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value.ToString())" }) | Should -Be @('node1=Enabled', 'node2=Enabled', 'node3=Enabled')

            $put = Invoke-Arm PUT "$clusterId/arcSettings/default?api-version=2023-03-01" @{ properties = @{ arcInstanceResourceGroup = 'labnodes-rg' } }
            $put.Status | Should -BeIn 200, 201 -Because $put.Text
            # Azure learns about the nodes' Arc only from their sync.
            @((Invoke-Arm GET "$clusterId/arcSettings/default?api-version=2023-03-01").Body.properties.perNodeDetails) | Should -BeNullOrEmpty
            Invoke-Command -Session $node.node1 { Sync-AzureStackHCI -ErrorAction Stop }
            $settings = (Invoke-Arm GET "$clusterId/arcSettings/default?api-version=2023-03-01").Body.properties
            ($settings.perNodeDetails | ForEach-Object { "$($_.name)=$($_.state)" }) | Should -Be @('node1=Connected', 'node2=Connected', 'node3=Connected')
            $settings.aggregateState | Should -Be 'Connected'
            (Invoke-Arm GET "$resourceGroup/providers/Microsoft.HybridCompute/machines/node2?api-version=2022-12-27").Body.properties.parentClusterResourceId | Should -Be $clusterId

            Invoke-Command -Session $node.node3 { Disable-AzureStackHCIArcIntegration -ErrorAction Stop }
            (Invoke-Arm GET "$resourceGroup/providers/Microsoft.HybridCompute/machines/node3?api-version=2022-12-27").Status | Should -Be 404
            (Invoke-Command -Session $node.node1 { Get-AzureStackHCIArcIntegration }).NodesArcStatus['node3'].ToString() | Should -Be 'Disabled'
        }

        It 'unregisters: the registration and the certificates go' {
            Invoke-Command -Session $node.node1 { Remove-AzureStackHCIRegistration -ErrorAction Stop }
            (Invoke-Command -Session $sessions { Get-AzureStackHCI }).RegistrationStatus | ForEach-Object ToString | Should -Be @('NotYet', 'NotYet', 'NotYet')
            (Invoke-Arm GET "$($clusterId)?api-version=2024-04-01").Body.properties.connectivityStatus | Should -Be 'Disconnected'
            Invoke-Command -Session $sessions { Remove-AzureStackHCIRegistrationCertificate -ErrorAction Stop; @(Get-ChildItem (Join-Path $env:HCI_NODE_STATE 'certs')).Count } |
                Should -Be @(0, 0, 0)
        }

        It 'resets every node to a fresh one with POST /nodes/reset' {
            Set-NodeSwitch node2 @{ down = $true; latencyMs = 100 } | Out-Null
            Invoke-Command -Session $node.node1 { New-AzureStackHCIRegistrationCertificate } | Out-Null
            $reset = Invoke-LabApi -Method POST -Uri "$($lab.controlEndpoint)nodes/reset"
            $reset.Status | Should -Be 200
            $reset.Body | ForEach-Object { "$($_.node):$($_.running):$($_.latencyMs)" } | Should -Be @('node1:True:0', 'node2:True:0', 'node3:True:0')
            Invoke-Command -Session $node.node1 { @(Get-ChildItem (Join-Path $env:HCI_NODE_STATE 'certs')).Count } | Should -Be 0
            $again = New-PSSession -HostName node2 -ErrorAction Stop
            (Invoke-Command -Session $again { Get-AzureStackHCIArcIntegration }).ClusterArcStatus.ToString() | Should -Be 'Disabled'
            Remove-PSSession $again
        }
    }

    Context 'The node''s proxy settings, DNS and web requests' {
        BeforeAll {
            $proxied = New-PSSession -HostName node1 -ErrorAction Stop
            $metadata = "$($lab.resourceManagerEndpoint)metadata/endpoints?api-version=2022-09-01"
            $armAuthority = ([Uri] $lab.resourceManagerEndpoint).Authority
            # The lab cloud's proxies (lab.json "proxies"); without them, the WinINet path is checked with a proxy that
            # does not answer.
            $labProxies = if ($lab.PSObject.Properties['proxies']) { $lab.proxies } else { $null }
            function Get-ProxyLines { @(Get-Content $lab.journal | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object service -EQ 'proxy') }
            $internetSettings = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings'
            $environmentKey = 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
        }

        AfterAll {
            Set-NodeSwitch node1 | Out-Null
            Remove-PSSession $proxied -ErrorAction SilentlyContinue
        }

        It 'takes the proxy and DNS switches, shows them, refuses members it does not know, and resets them' {
            $state = Set-NodeSwitch node1 @{
                proxy = @{
                    winInet = @{ proxyServer = 'http://localhost:1234'; proxyBypass = 'localhost;127.0.0.2'; perMachine = $true }
                    winHttp = @{ proxyServer = 'localhost:1234'; bypassList = '*.contoso.com' }
                    environment = @{ httpsProxy = 'http://localhost:1234'; noProxy = '.contoso.com,10.0.0.0/8' }
                }
                unresolvableNames = @('login.microsoftonline.com')
            }
            $state.proxy.winInet.perMachine | Should -BeTrue
            $state.proxy.winHttp.bypassList | Should -Be '*.contoso.com'
            $state.proxy.environment.httpProxy | Should -BeNullOrEmpty
            $state.unresolvableNames | Should -Be @('login.microsoftonline.com')
            (Invoke-LabApi -Uri "$($lab.controlEndpoint)nodes/$($cluster.name)/node1").Body.proxy.winInet.proxyServer | Should -Be 'http://localhost:1234'

            $refused = Invoke-LabApi -Method PUT -Uri "$($lab.controlEndpoint)nodes/$($cluster.name)/node1" -Body @{ proxy = @{ winInet = @{ proxy = 'x' } } }
            $refused.Status | Should -Be 400
            $refused.Body.error | Should -Match "proxy.winInet has no member 'proxy'"

            $plain = Set-NodeSwitch node1
            $plain.proxy.winInet | Should -BeNullOrEmpty
            $plain.proxy.winHttp | Should -BeNullOrEmpty
            @($plain.unresolvableNames).Count | Should -Be 0
        }

        It 'shows the three proxy settings in the registry as Windows keeps them' {
            Set-NodeSwitch node1 @{
                proxy = @{
                    winInet = @{ proxyServer = 'http://localhost:1234'; proxyBypass = 'localhost;127.0.0.2'; perMachine = $true }
                    winHttp = @{ proxyServer = 'localhost:1234'; bypassList = '*.contoso.com' }
                    environment = @{ httpsProxy = 'http://localhost:1234'; httpProxy = 'http://localhost:1234'; noProxy = '.contoso.com,10.0.0.0/8' }
                }
            } | Out-Null
            $read = Invoke-Command -Session $proxied {
                param($InternetSettings, $EnvironmentKey)
                [pscustomobject]@{
                    Policy      = (Get-ItemProperty 'HKLM:\Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings' -Name ProxySettingsPerUser).ProxySettingsPerUser
                    Machine     = Get-ItemProperty $InternetSettings
                    User        = Get-ItemProperty 'HKCU:\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
                    WinHttp     = [byte[]] (Get-ItemProperty "$InternetSettings\Connections" -Name WinHttpSettings).WinHttpSettings
                    Environment = Get-ItemProperty $EnvironmentKey
                }
            } -ArgumentList $internetSettings, $environmentKey
            $read.Policy | Should -Be 0
            $read.Machine.ProxyEnable | Should -Be 1
            $read.Machine.ProxyServer | Should -Be 'http://localhost:1234'
            $read.Machine.ProxyOverride | Should -Be 'localhost;127.0.0.2'
            $read.Machine.PSPath | Should -Be 'Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings'
            $read.User.ProxyEnable | Should -Be 0
            $read.User.PSObject.Properties['ProxyServer'] | Should -BeNullOrEmpty
            # netsh winhttp's layout: version 0x18, counter, flags 3 (proxy), then length and ASCII text of proxy and bypass.
            $bytes = [byte[]] $read.WinHttp
            [BitConverter]::ToInt32($bytes, 0) | Should -Be 0x18
            [BitConverter]::ToInt32($bytes, 8) | Should -Be 3
            $proxyLength = [BitConverter]::ToInt32($bytes, 12)
            [Text.Encoding]::ASCII.GetString($bytes, 16, $proxyLength) | Should -Be 'localhost:1234'
            $bypassLength = [BitConverter]::ToInt32($bytes, 16 + $proxyLength)
            [Text.Encoding]::ASCII.GetString($bytes, 20 + $proxyLength, $bypassLength) | Should -Be '*.contoso.com'
            $read.Environment.HTTPS_PROXY | Should -Be 'http://localhost:1234'
            $read.Environment.NO_PROXY | Should -Be '.contoso.com,10.0.0.0/8'
            $read.Environment.OS | Should -Be 'Windows_NT'
            $read.Environment.PROCESSOR_ARCHITECTURE | Should -Be 'AMD64'

            # What the module receives through its node script: only the selected values, the byte[] as numbers.
            $script = [scriptblock]::Create((Get-Content (Join-Path $labScripts '../../src/Az.StackHCI/Remoting/Invoke-NodeCommand.ps1') -Raw))
            $result = Invoke-Command -Session $proxied -ScriptBlock $script -ArgumentList 'Get-ItemProperty', @{ Path = "$internetSettings\Connections"; Name = 'WinHttpSettings' }, @('WinHttpSettings', 'ProxyServer')
            @($result.Errors).Count | Should -Be 0
            $json = $result.Output[0] | ConvertFrom-Json
            @($json.WinHttpSettings)[0..3] | Should -Be @(24, 0, 0, 0)
            [Text.Encoding]::ASCII.GetString([byte[]] @($json.WinHttpSettings)[16..29]) | Should -Be 'localhost:1234'
        }

        It 'answers for keys and values not set as the Registry provider does, and WinHTTP with direct access' {
            Set-NodeSwitch node1 | Out-Null
            $errors = Invoke-Command -Session $proxied {
                param($InternetSettings, $EnvironmentKey)
                $(Get-ItemProperty 'HKLM:\Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings' -Name ProxySettingsPerUser 2>&1
                    Get-ItemProperty $EnvironmentKey -Name HTTPS_PROXY 2>&1) | ForEach-Object {
                    [pscustomobject]@{ FullyQualifiedErrorId = $_.FullyQualifiedErrorId; Category = $_.CategoryInfo.Category.ToString(); Message = $_.Exception.Message }
                }
            } -ArgumentList $internetSettings, $environmentKey
            $errors[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,Microsoft.PowerShell.Commands.GetItemPropertyCommand'
            $errors[0].Category | Should -Be 'ObjectNotFound'
            $errors[0].Message | Should -Be "Cannot find path 'HKLM:\Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings' because it does not exist."
            $errors[1].FullyQualifiedErrorId | Should -Be 'System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.GetItemPropertyCommand'
            $errors[1].Category | Should -Be 'InvalidArgument'
            $errors[1].Message | Should -Be 'Property HTTPS_PROXY does not exist at path HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager\Environment.'
            $direct = Invoke-Command -Session $proxied { param($Key) [byte[]] (Get-ItemProperty "$Key\Connections").WinHttpSettings } -ArgumentList $internetSettings
            [Convert]::ToHexString([byte[]] $direct) | Should -Be '1800000000000000010000000000000000000000'
            (Invoke-Command -Session $proxied { param($Key) (Get-ItemProperty $Key).ProxyEnable } -ArgumentList $internetSettings) | Should -Be 0
        }

        It 'resolves names with Resolve-DnsName, and answers NXDOMAIN for the names its DNS does not know' {
            Set-NodeSwitch node1 @{ unresolvableNames = @('login.microsoftonline.com') } | Out-Null
            $records = Invoke-Command -Session $proxied { Resolve-DnsName -Name localhost -Type A -DnsOnly -QuickTimeout }
            @($records).Count | Should -BeGreaterOrEqual 1
            $records[0].Type | Should -Be 'A'
            $records[0].IPAddress | Should -Be '127.0.0.1'
            $records[0].IP4Address | Should -Be '127.0.0.1'
            $records[0].Section | Should -Be 'Answer'
            $records[0].PSObject.TypeNames | Should -Contain 'Deserialized.Microsoft.DnsClient.Commands.DnsRecord_A'
            $output = Invoke-Command -Session $proxied { Resolve-DnsName LOGIN.microsoftonline.com -Type A -DnsOnly; 'continued' } -ErrorVariable err -ErrorAction SilentlyContinue
            $output | Should -Be 'continued'
            $err[0].FullyQualifiedErrorId | Should -Be 'DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName'
            $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $err[0].Exception.Message | Should -Be 'LOGIN.microsoftonline.com : DNS name does not exist'
            $err[0].TargetObject | Should -Be 'LOGIN.microsoftonline.com'
        }

        It 'sends its web requests through the WinINet proxy, unless the target is in the bypass list' {
            $proxyUri = if ($labProxies) { $labProxies.forwarding } else { 'http://localhost:9/' }
            Set-NodeSwitch node1 @{ proxy = @{ winInet = @{ proxyServer = $proxyUri; proxyBypass = 'localhost;*.contoso.com' } } } | Out-Null
            $before = (Get-ProxyLines).Count
            $probe = { param($Uri) Invoke-WebRequest -Uri $Uri -Method Get -UseBasicParsing -TimeoutSec 30 -ErrorAction Stop | ForEach-Object StatusCode }
            if ($labProxies) {
                Invoke-Command -Session $proxied $probe -ArgumentList $metadata | Should -Be 200
                $lines = @(Get-ProxyLines | Select-Object -Skip $before)
                $lines.Count | Should -Be 1
                $lines[0].proxy | Should -Be 'forwarding'
                $lines[0].method | Should -Be 'CONNECT'
                $lines[0].path | Should -Be $armAuthority
                $lines[0].status | Should -Be 200
                # In the bypass list: straight to the target.
                Set-NodeSwitch node1 @{ proxy = @{ winInet = @{ proxyServer = $proxyUri; proxyBypass = "localhost;$(([Uri] $metadata).Host)" } } } | Out-Null
                Invoke-Command -Session $proxied $probe -ArgumentList $metadata | Should -Be 200
                (Get-ProxyLines).Count | Should -Be ($before + 1)
            }
            else {
                $failure = Invoke-Command -Session $proxied { param($Uri) try { Invoke-WebRequest -Uri $Uri -UseBasicParsing -TimeoutSec 10 -ErrorAction Stop } catch { $_.Exception.Message } } -ArgumentList $metadata
                $failure | Should -Match 'localhost:9'
            }
        }

        It 'fails a request through a proxy its DNS does not know as an unknown host, and one straight to such a host' {
            $probe = { param($Uri) try { Invoke-WebRequest -Uri $Uri -UseBasicParsing -TimeoutSec 10 -ErrorAction Stop } catch {
                    [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Message = $_.Exception.Message; Inner = $_.Exception.InnerException.GetType().FullName; Code = $_.Exception.InnerException.SocketErrorCode.ToString() } } }
            Set-NodeSwitch node1 @{ proxy = @{ winInet = @{ proxyServer = 'proxy.contoso.com:3128'; perMachine = $true } }; unresolvableNames = @('proxy.contoso.com') } | Out-Null
            $failure = Invoke-Command -Session $proxied $probe -ArgumentList $metadata
            $failure.Message | Should -Be 'No such host is known. (proxy.contoso.com:3128)'
            $failure.Inner | Should -Be 'System.Net.Sockets.SocketException'
            $failure.Code | Should -Be 'HostNotFound'
            $failure.Id | Should -Be 'WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeWebRequestCommand'
            # No proxy: the node resolves the target itself.
            Set-NodeSwitch node1 @{ unresolvableNames = @('localhost') } | Out-Null
            (Invoke-Command -Session $proxied $probe -ArgumentList 'http://localhost:1/').Message | Should -Be 'No such host is known. (localhost:1)'
        }

        It 'uses -Proxy and -ProxyCredential when given' {
            if (-not $labProxies) { Set-ItResult -Skipped -Because 'the lab has no proxies (lab.json proxies)'; return }
            Set-NodeSwitch node1 | Out-Null
            $p = $labProxies.authenticated
            $before = (Get-ProxyLines).Count
            $status = Invoke-Command -Session $proxied {
                param($Uri, $Proxy, $User, $Password)
                $credential = [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
                (Invoke-WebRequest -Uri $Uri -UseBasicParsing -Proxy $Proxy -ProxyCredential $credential -ErrorAction Stop).StatusCode
                try { Invoke-WebRequest -Uri $Uri -UseBasicParsing -Proxy $Proxy -ErrorAction Stop } catch { $_.Exception.Message }
            } -ArgumentList $metadata, $p.uri, $p.userName, $p.password
            $status[0] | Should -Be 200
            $status[1] | Should -Match '407'
            $lines = @(Get-ProxyLines | Select-Object -Skip $before)
            $lines.proxy | Select-Object -Unique | Should -Be 'authenticated'
            $lines | Where-Object status -EQ 200 | ForEach-Object principal | Should -Be 'proxyuser'
        }
    }

    Context 'Stopping the lab' {
        It 'leaves no sshd or pwsh process and no file outside the lab folder' {
            $listeners = @(Get-LabRunningClusters $root | ForEach-Object { $_.nodes } | ForEach-Object { Get-LabNodeProcessId $_ })
            $listeners.Count | Should -Be 3
            $tree = @(Get-LabProcessTree $listeners)
            # Sessions are still open: each node serves one (sshd connection process and its pwsh).
            $tree.Count | Should -BeGreaterThan 3
            & (Join-Path $labScripts 'Stop-Lab.ps1') -Root $root 6>$null
            @($tree | Where-Object { Test-LabProcessAlive $_ }) | Should -BeNullOrEmpty
            $strays = foreach ($entry in Get-ChildItem /proc -Directory | Where-Object Name -Match '^\d+$') {
                $commandLine = try { [IO.File]::ReadAllText("$($entry.FullName)/cmdline").Replace([char] 0, ' ') } catch { '' }
                if ($commandLine.Contains($root) -and (Test-LabProcessAlive $entry.Name)) { $commandLine }
            }
            $strays | Should -BeNullOrEmpty
            Get-OutsideSnapshot | Should -Be $outsideBefore
            (Get-Content (Join-Path $root 'nodes/outside.json') -Raw | ConvertFrom-Json -AsHashtable).Keys | Should -BeNullOrEmpty
        }
    }
}
