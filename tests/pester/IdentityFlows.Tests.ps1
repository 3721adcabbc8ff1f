# Step 13 end to end: the service-managed cluster identity (the default) and the seed's own application, each later
# command on a cluster registered either way, the subscription's tenant found for a B2B guest, directory replication
# and slow providers ridden out, and the cloud side of a cluster whose nodes are gone. The built module against the
# lab cloud and a 3-node lab cluster.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $register = @{
        SubscriptionId = $lab.subscriptionId; EnvironmentName = $lab.environmentName; ComputerName = $cluster.nodes[0]
        Region = 'eastus'; LogsDirectory = $TestDrive
    }
    $names = @{ SubscriptionId = $lab.subscriptionId; ResourceName = $cluster.name; EnvironmentName = $lab.environmentName; LogsDirectory = $TestDrive }
    $group = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$($cluster.name)-rg"
    $resourceId = "$group/providers/Microsoft.AzureStackHCI/clusters/$($cluster.name)"
    $resourceManagerRole = 'f5819b54-e033-4d82-ac66-4fec3cbf3f4c'

    function Register([hashtable] $Extra = @{}) {
        $parameters = $register.Clone()
        foreach ($key in $Extra.Keys) { $parameters[$key] = $Extra[$key] }
        Register-AzStackHCI @parameters -ErrorAction Stop -WarningAction SilentlyContinue
    }

    function Get-ClusterResource { Invoke-LabArm GET "$($resourceId)?api-version=2024-04-01" }

    function Get-ArcSettings { Invoke-LabArm GET "$resourceId/arcSettings/default?api-version=2024-04-01" }

    function Get-Owners([string] $AppId) {
        $app = (Invoke-LabGraph GET "applications?`$filter=appId eq '$AppId'").value[0]
        @((Invoke-LabGraph GET "applications/$($app.id)/owners").value.id)
    }

    function Get-Applications([string] $AppId) { @((Invoke-LabGraph GET "applications?`$filter=appId eq '$AppId'").value) }

    function Get-RoleAssignments([string] $PrincipalId) {
        @((Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&`$filter=principalId eq '$PrincipalId'").value)
    }

    # What the signed-in user wrote to the directory (the nodes never call Graph).
    function Get-GraphWrites { @(Get-LabJournal | Where-Object { $_.service -eq 'graph' -and $_.method -ne 'GET' }) }

    function New-ResourceGroup { Invoke-LabArm PUT "$($group)?api-version=2022-09-01" @{ location = 'eastus' } | Out-Null }
}

Describe 'The service-managed identity (the default)' {
    BeforeEach {
        Reset-Lab
    }

    It 'registers as registrar, who holds no directory role, with no Graph write: the provider creates and owns both identities' {
        New-ResourceGroup
        Set-LabSignInUser registrar
        Clear-LabJournals

        $result = Register

        $result.Result | Should -Be 'Success'
        "$($result.IdentityFlow)" | Should -Be 'ServiceManaged'
        Get-GraphWrites | Should -BeNullOrEmpty
        $properties = (Get-ClusterResource).properties
        $properties.aadApplicationObjectId | Should -Not -BeNullOrEmpty
        $properties.aadServicePrincipalObjectId | Should -Not -BeNullOrEmpty
        Get-Owners $properties.aadClientId | Should -Be @($properties.resourceProviderObjectId)
        Get-Owners (Get-ArcSettings).properties.arcApplicationClientId | Should -Be @($properties.resourceProviderObjectId)
        $journal = Get-LabJournal | Where-Object service -eq 'arm'
        @($journal | Where-Object { $_.method -eq 'POST' -and $_.path -match '/(createClusterIdentity|uploadCertificate|createArcIdentity|generatePassword|consentAndInstallDefaultExtensions)$' } |
            ForEach-Object { $_.path.Split('/')[-1] } | Select-Object -Unique) |
            Should -Be @('createClusterIdentity', 'uploadCertificate', 'createArcIdentity', 'generatePassword', 'consentAndInstallDefaultExtensions')
        # Microsoft 2.x gives the provider Azure Connected Machine Resource Manager on the Arc group.
        $provider = Get-RoleAssignments $properties.resourceProviderObjectId
        $provider.properties.roleDefinitionId | Should -BeLike "*/$resourceManagerRole"
        $provider.properties.scope | Should -Be $group
        (Get-ArcSettings).properties.defaultExtensions.consentTime | Should -Not -BeNullOrEmpty
    }

    It 'gives no consent to default extensions on nodes before 22H2 (build 20349)' {
        foreach ($node in $cluster.nodes) { Set-LabNode $node @{ osBuild = 20348 } }
        Clear-LabJournals

        (Register).Result | Should -Be 'Success'

        Get-LabJournal | Where-Object { $_.path -match 'consentAndInstallDefaultExtensions$' } | Should -BeNullOrEmpty
    }

    It 'repairs a cluster it registered as a user who owns no application, through the provider alone' {
        $first = Register
        Set-LabSignInUser registrar
        Clear-LabJournals

        $repaired = Register @{ RepairRegistration = $true; EnableAzureArcServer = $false }

        $repaired.Result | Should -Be 'Success'
        "$($repaired.IdentityFlow)" | Should -Be 'ServiceManaged'
        Get-GraphWrites | Should -BeNullOrEmpty
        Get-LabJournal | Where-Object { $_.method -eq 'POST' -and $_.path -match 'uploadCertificate$' } | Should -Not -BeNullOrEmpty
        $repaired.Nodes.CertificateThumbprint | Where-Object { $_ -in $first.Nodes.CertificateThumbprint } | Should -BeNullOrEmpty
    }

    It 'unregisters as a user who owns no application: the identities go with the resource, the provider''s role with the machines' {
        Register | Out-Null
        $properties = (Get-ClusterResource).properties
        $arcAppId = (Get-ArcSettings).properties.arcApplicationClientId
        # The guest: Owner of the subscription, no directory role, owner of no application.
        Set-LabSignInUser guest
        Clear-LabJournals

        $result = Unregister-AzStackHCI @names -ComputerName $cluster.nodes[0] -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop

        $result.Result | Should -Be 'Success'
        Get-GraphWrites | Should -BeNullOrEmpty
        Get-Applications $properties.aadClientId | Should -BeNullOrEmpty
        Get-Applications $arcAppId | Should -BeNullOrEmpty
        Get-RoleAssignments $properties.resourceProviderObjectId | Should -BeNullOrEmpty
        Get-LabJournal | Where-Object { $_.path -match '/operationStatuses/' } | Should -Not -BeNullOrEmpty -Because 'initializeDisableProcess is followed to its end'
    }

    It 'repairs and unregisters a cluster as Microsoft''s module leaves it: role assignments under names of its own' {
        Register | Out-Null
        $properties = (Get-ClusterResource).properties
        $arcPrincipal = (Get-ArcSettings).properties.arcServicePrincipalObjectId
        # Microsoft's module assigns by role name (New-AzRoleAssignment), so the assignments get random names.
        foreach ($principal in $arcPrincipal, $properties.resourceProviderObjectId) {
            foreach ($assignment in Get-RoleAssignments $principal) {
                Invoke-LabArm DELETE "$($assignment.id)?api-version=2022-04-01" | Out-Null
                Invoke-LabArm PUT "$($assignment.properties.scope)/providers/Microsoft.Authorization/roleAssignments/$([guid]::NewGuid())?api-version=2022-04-01" @{
                    properties = @{ roleDefinitionId = $assignment.properties.roleDefinitionId; principalId = $principal; principalType = 'ServicePrincipal' } } | Out-Null
            }
        }
        $before = @(Get-RoleAssignments $arcPrincipal) + @(Get-RoleAssignments $properties.resourceProviderObjectId)
        Set-LabSignInUser guest

        (Register @{ RepairRegistration = $true }).Result | Should -Be 'Success'
        (@(Get-RoleAssignments $arcPrincipal) + @(Get-RoleAssignments $properties.resourceProviderObjectId)).id | Should -Be $before.id -Because 'no role is assigned twice'

        (Unregister-AzStackHCI @names -ComputerName $cluster.nodes[0] -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        Get-RoleAssignments $arcPrincipal | Should -BeNullOrEmpty
        Get-RoleAssignments $properties.resourceProviderObjectId | Should -BeNullOrEmpty
    }

    It 'takes the seed''s flow on its own where the provider offers no service-managed identity (a custom cloud)' {
        Invoke-LabControl PUT hci-provider @{ serviceManagedIdentity = $false } | Out-Null
        Clear-LabJournals

        $result = Register

        $result.Result | Should -Be 'Success'
        "$($result.IdentityFlow)" | Should -Be 'OwnApplication'
        Get-LabJournal | Where-Object { $_.service -eq 'graph' -and $_.method -eq 'POST' -and $_.path -eq '/v1.0/applications' } | Should -Not -BeNullOrEmpty
        Get-LabJournal | Where-Object { $_.path -match '/(createClusterIdentity|createArcIdentity)$' } | Should -BeNullOrEmpty
    }
}

Describe 'Request bodies against the 2024-04-01 specification' {
    It 'sends only what the spec defines, in every body of either flow' {
        Import-Module (Join-Path $PSScriptRoot 'ApiSpec.psm1') -Force
        $bodies = foreach ($own in $false, $true) {
            Reset-Lab
            Clear-LabJournals
            (Register @{ UseOwnApplication = $own }).Result | Should -Be 'Success'
            Get-LabJournal | Where-Object { $_.service -eq 'arm' -and $_.method -in 'PUT', 'POST' -and $_.path -match 'Microsoft\.AzureStackHCI/clusters/' }
        }
        $checked = foreach ($request in $bodies) {
            $definition = switch -Regex ($request.path) {
                '/clusters/[^/]+$' { 'clusters.json', 'Cluster' }
                '/uploadCertificate$' { 'clusters.json', 'UploadCertificateRequest' }
                '/arcSettings/[^/]+$' { 'arcSettings.json', 'ArcSetting' }
                default { $null }   # actions without a request body in the spec
            }
            if ($definition) {
                Test-ApiSpecBody "azurestackhci/2024-04-01/$($definition[0])" $definition[1] $request.body | Should -BeNullOrEmpty -Because "$($request.method) $($request.path)"
                $definition[1]
            }
            else { $request.body | Should -BeNullOrEmpty -Because "$($request.path) takes no body" }
        }
        ($checked | Sort-Object -Unique) | Should -Be @('ArcSetting', 'Cluster', 'UploadCertificateRequest')
    }
}

Describe 'The seed''s flow (-UseOwnApplication)' {
    BeforeEach {
        Reset-Lab
    }

    It 'names all four of its application''s ids in the cluster resource, and gives the Arc secret a one-year lifetime' {
        $result = Register @{ UseOwnApplication = $true }

        $result.Result | Should -Be 'Success'
        $properties = (Get-ClusterResource).properties
        $app = (Invoke-LabGraph GET "applications?`$filter=appId eq '$($properties.aadClientId)'").value[0]
        $properties.aadApplicationObjectId | Should -Be $app.id
        $properties.aadServicePrincipalObjectId | Should -Be (Invoke-LabGraph GET "servicePrincipals?`$filter=appId eq '$($app.appId)'").value[0].id
        $arc = (Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name).arc'").value[0]
        $lifetime = ([DateTimeOffset]$arc.passwordCredentials[0].endDateTime - [DateTimeOffset]::UtcNow).TotalDays
        $lifetime | Should -BeGreaterThan 364 -Because 'the secret lives one year from now'
        $lifetime | Should -BeLessOrEqual 365
    }

    It 'renews the Arc secret when a re-run finds it in its last 60 days' {
        (Register @{ UseOwnApplication = $true }).Result | Should -Be 'Success'
        $arc = (Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name).arc'").value[0]
        # As if a year had passed: only a secret that expires in 30 days is left.
        Invoke-LabGraph POST "applications/$($arc.id)/removePassword" @{ keyId = $arc.passwordCredentials[0].keyId } | Out-Null
        Invoke-LabGraph POST "applications/$($arc.id)/addPassword" @{ passwordCredential = @{ displayName = 'Az.StackHCI Arc onboarding'; endDateTime = [DateTimeOffset]::UtcNow.AddDays(30).ToString('o') } } | Out-Null
        Clear-LabJournals

        (Register @{ UseOwnApplication = $true }).Result | Should -Be 'Success'

        $renewed = (Invoke-LabGraph GET "applications/$($arc.id)").passwordCredentials
        $renewed | Should -HaveCount 1 -Because 'the old secret is replaced, not kept beside the new one'
        ([DateTimeOffset]$renewed[0].endDateTime - [DateTimeOffset]::UtcNow).TotalDays | Should -BeGreaterThan 364
        Get-LabNodeJournal | Where-Object command -EQ 'Initialize-AzureStackHCIArcIntegration' | Should -Not -BeNullOrEmpty -Because 'the cluster gets the new secret'
    }

    It 'keeps the flow of a cluster registered the other way' {
        Register | Out-Null

        $again = Register @{ UseOwnApplication = $true; RepairRegistration = $true; EnableAzureArcServer = $false }

        "$($again.IdentityFlow)" | Should -Be 'ServiceManaged'
        Get-Applications (Get-ClusterResource).properties.aadClientId | Should -HaveCount 1
    }
}

Describe 'Directory replication and slow providers' {
    BeforeEach {
        Reset-Lab
    }

    It 'rides out Graph''s 404s for objects created moments ago and a tenant whose HCI service principal comes late' {
        # New objects stay unseen longer than the wait for the service's principal, so both are met.
        Invoke-LabControl PUT replication @{ graphNotFoundMs = 10000; hciServicePrincipalAbsentMs = 3000 } | Out-Null
        Clear-LabJournals

        $result = Register @{ UseOwnApplication = $true; EnableAzureArcServer = $false } -Verbose 4>&1 | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }

        $result.Result | Should -Be 'Success'
        @(Get-LabJournal | Where-Object { $_.service -eq 'graph' -and $_.status -eq 404 }).Count | Should -BeGreaterThan 0 -Because 'the lab answered 404 for the young objects'
        Get-ChildItem $TestDrive -Filter 'RegisterHCI_*.log' | Get-Content -Raw | Should -Match 'directory replication, retry'
    }

    It 'waits, with progress, for a provider registration that takes a while' {
        Invoke-LabControl PUT providers @{ registrationDelayMs = 4000 } | Out-Null

        (Register @{ EnableAzureArcServer = $false }).Result | Should -Be 'Success'

        @(Get-LabJournal | Where-Object { $_.method -eq 'GET' -and $_.path -match '/providers/Microsoft.AzureStackHCI$' }).Count | Should -BeGreaterThan 2
    }
}

Describe 'The subscription''s tenant' {
    BeforeEach {
        Reset-Lab
    }

    It 'lets a B2B guest register without -TenantId, signing in where the subscription lives' {
        Set-LabSignInUser guest
        Clear-LabJournals

        $result = Register

        $result.Result | Should -Be 'Success'
        Get-LabJournal | Where-Object { $_.service -eq 'authority' -and $_.path -match 'devicecode$' } | ForEach-Object path | Should -Be "/$($lab.tenantId)/oauth2/v2.0/devicecode"
    }

    It 'refuses a token of another tenant before any change, naming both tenants' {
        Set-LabSignInUser guest
        Clear-LabJournals

        $err = { Register @{ TenantId = $lab.users.guest.homeTenantId } } | Should -Throw -ErrorId 'SubscriptionInAnotherTenant,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.Exception.Message | Should -Match $lab.tenantId
        $err.Exception.Message | Should -Match $lab.users.guest.homeTenantId
        Get-LabWrites | Should -BeNullOrEmpty
    }
}

Describe 'Unregister-AzStackHCI -CloudOnly' {
    BeforeEach {
        Reset-Lab
        Register | Out-Null
        $properties = (Get-ClusterResource).properties
    }

    AfterEach {
        foreach ($node in $cluster.nodes) { Set-LabNode $node @{ down = $false } }
    }

    It 'refuses while a node answers and still holds the registration, and changes nothing' {
        Clear-LabJournals

        { Unregister-AzStackHCI @names -CloudOnly -ComputerName $cluster.nodes[0] -Confirm:$false } |
            Should -Throw -ErrorId 'NodesStillRegistered,Az.StackHCI.Commands.UnregisterAzStackHCICommand'

        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'lists exactly the cloud side under -WhatIf, then removes it for a cluster whose nodes are down' {
        foreach ($node in $cluster.nodes) { Set-LabNode $node @{ down = $true } }
        Clear-LabJournals
        $transcript = Join-Path $TestDrive 'cloudonly.txt'
        Start-Transcript -Path $transcript | Out-Null
        try { Unregister-AzStackHCI @names -CloudOnly -ComputerName $cluster.nodes[0] -WhatIf -WarningAction SilentlyContinue | Should -BeNullOrEmpty }
        finally { Stop-Transcript | Out-Null }
        $output = Get-Content $transcript -Raw
        $output | Should -Match 'Delete the Arc machines in'
        $output | Should -Match ([regex]::Escape("Delete the Azure Stack HCI resource $resourceId"))
        $output | Should -Not -Match 'certificates from node'
        Get-LabWrites | Should -BeNullOrEmpty

        $result = Unregister-AzStackHCI @names -CloudOnly -ComputerName $cluster.nodes[0] -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop

        $result.Result | Should -Be 'Success'
        { Get-ClusterResource } | Should -Throw
        { Invoke-LabArm GET "$($group)?api-version=2022-09-01" } | Should -Throw -Because 'the group this module made held nothing else, machines included'
        Get-LabJournal | Where-Object { $_.method -eq 'DELETE' -and $_.path -match '/Microsoft.HybridCompute/machines/' } | Should -HaveCount 3
        Get-RoleAssignments $properties.resourceProviderObjectId | Should -BeNullOrEmpty
        Get-Applications $properties.aadClientId | Should -BeNullOrEmpty
        Get-LabNodeJournal | Should -BeNullOrEmpty -Because 'no node was asked to change'
    }
}
