# Register-AzStackHCI end to end: the built module against the lab cloud and a 3-node lab cluster over real
# PowerShell remoting (SSH), each test on a fresh lab state.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $nodeNames = $cluster.nodes | ForEach-Object { "$_.$($cluster.domain)" }
    $common = @{
        SubscriptionId       = $lab.subscriptionId
        EnvironmentName      = $lab.environmentName
        ComputerName         = $cluster.nodes[0]
        Region               = 'East US'
        EnableAzureArcServer = $false
        LogsDirectory        = $TestDrive
    }
    $resourceId = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$($cluster.name)-rg/providers/Microsoft.AzureStackHCI/clusters/$($cluster.name)"
    $hciAppId = '1322e676-dee7-41ee-a874-ac923822781c'
    $hciRoles = '2344a320-6a09-4530-bed7-c90485b5e5e2', '493bd689-9082-40db-a506-11f40b68128f', '8fa5445e-80fb-4c71-a3b1-9a16a81a1966', 'bbe8afc9-f3ba-4955-bb5f-1cfb6960b242'

    function Register([hashtable] $Extra = @{}) {
        $parameters = $common.Clone()
        foreach ($key in $Extra.Keys) { $parameters[$key] = $Extra[$key] }
        Register-AzStackHCI @parameters -ErrorAction Stop -WarningAction SilentlyContinue
    }

    # The node side of a PowerShell remoting session over SSH: a pwsh serving the powershell subsystem.
    function Get-RemoteSessionProcess { Get-Process | Where-Object { $_.CommandLine -match '\s-sshs(\s|$)' } }

    function Get-ClusterResource { Invoke-LabArm GET "$($resourceId)?api-version=2024-04-01" }

    function Get-ServicePrincipalId([string] $AppId) { (Invoke-LabGraph GET "servicePrincipals?`$filter=appId eq '$AppId'").value[0].id }
}

Describe 'Register-AzStackHCI' {
    BeforeEach {
        Reset-Lab
    }

    It 'registers the cluster as admin through the device code path, with everything in place' {
        $result = Register

        $result.Result | Should -Be 'Success'
        $result.AzureResourceId | Should -Be $resourceId
        $result.ResourceId | Should -Be $resourceId   # the 0.x name
        $result.AzurePortalResourceURL | Should -BeLike "*#@$($lab.tenantId)/resource$resourceId/overview"
        ($result.Nodes.ComputerName | Sort-Object) | Should -Be ($nodeNames | Sort-Object)
        $result.Nodes.Status | Should -Be @('Registered', 'Registered', 'Registered')
        ($result.Nodes.CertificateThumbprint | Sort-Object -Unique).Count | Should -Be 3

        $resource = Get-ClusterResource
        $resource.location | Should -Be 'eastus'
        $resource.properties.status | Should -Be 'ConnectedRecently'
        ($resource.properties.reportedProperties.nodes.name | Sort-Object) | Should -Be ($cluster.nodes | Sort-Object)
        $resource.properties.aadTenantId | Should -Be $lab.tenantId

        $app = Invoke-LabGraph GET "applications(appId='$($resource.properties.aadClientId)')?`$select=id,displayName,keyCredentials,requiredResourceAccess"
        $app.displayName | Should -Be $cluster.name
        $app.keyCredentials.Count | Should -Be 3
        $app.requiredResourceAccess.resourceAppId | Should -Be $hciAppId
        $grants = (Invoke-LabGraph GET "servicePrincipals/$(Get-ServicePrincipalId $resource.properties.aadClientId)/appRoleAssignments").value
        ($grants.appRoleId | Sort-Object) | Should -Be ($hciRoles | Sort-Object)

        (Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/resourcegroups/$($cluster.name)-rg?api-version=2022-09-01").tags.CreatedBy | Should -Be '4C02703C-F5D0-44B0-ADC3-4ED5C2839E61'
        Get-ChildItem $TestDrive -Filter 'RegisterHCI_*.log' | Should -Not -BeNullOrEmpty
        Get-ChildItem $TestDrive -Filter 'RegisterHCI_*.log' | Get-Content -Raw | Should -Not -Match ([regex]::Escape($lab.servicePrincipals.ci.secret))
    }

    It 'changes nothing when run again' {
        Register | Out-Null
        Set-Content -Path $lab.journal -Value ''

        $again = Register

        $again.Result | Should -Be 'Success'
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'repairs a registration with its own application by new certificates that replace the old keys' {
        $first = Register @{ UseOwnApplication = $true }
        $appId = (Get-ClusterResource).properties.aadClientId

        $repaired = Register @{ RepairRegistration = $true; UseOwnApplication = $true }

        $repaired.Result | Should -Be 'Success'
        $app = Invoke-LabGraph GET "applications(appId='$appId')?`$select=keyCredentials"
        $app.keyCredentials.Count | Should -Be 3
        $newThumbprints = $repaired.Nodes.CertificateThumbprint
        $newThumbprints | Should -Not -BeNullOrEmpty
        $newThumbprints | Where-Object { $_ -in $first.Nodes.CertificateThumbprint } | Should -BeNullOrEmpty
    }

    It 'stops at PendingForAdminConsent for operator with its own application, with both of the admin''s links, and completes after an admin grants consent' {
        Set-LabSignInUser operator
        $pending = Register @{ UseOwnApplication = $true }

        $pending.Result | Should -Be 'PendingForAdminConsent'
        "$($pending.IdentityFlow)" | Should -Be 'OwnApplication'
        $appId = (Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name)'").value[0].appId
        $pending.AzurePortalAADAppPermissionsURL | Should -BeLike "*#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/$appId/isMSAApp~/false"
        $pending.PortalAADAppPermissionsURL | Should -Be $pending.AzurePortalAADAppPermissionsURL
        $pending.AdminConsentURL | Should -Be "$($lab.authorityEndpoint.TrimEnd('/'))/$($lab.tenantId)/adminconsent?client_id=$appId"
        $pending.Details | Should -BeLike '*grant consent to AAD application identity*'
        $pending.Details | Should -BeLike "*$($pending.AdminConsentURL)*"

        $principal = Get-ServicePrincipalId $appId
        $hci = Get-ServicePrincipalId $hciAppId
        foreach ($role in $hciRoles) {
            Invoke-LabGraph POST "servicePrincipals/$principal/appRoleAssignments" @{ principalId = $principal; resourceId = $hci; appRoleId = $role } | Out-Null
        }

        (Register @{ UseOwnApplication = $true }).Result | Should -Be 'Success'
        (Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name)'").value.Count | Should -Be 1
    }

    It 'lets registrar (the seed''s custom role) register into an existing resource group' {
        Invoke-LabArm PUT "/subscriptions/$($lab.subscriptionId)/resourcegroups/existing-rg?api-version=2022-09-01" @{ location = 'eastus' } | Out-Null
        Set-LabSignInUser registrar

        (Register @{ ResourceGroupName = 'existing-rg' }).Result | Should -Be 'Success'
    }

    It 'stops registrar in pre-flight without a resource group, naming the missing action' {
        Set-LabSignInUser registrar

        $err = { Register } | Should -Throw -ErrorId 'InsufficientAzurePermissions,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.Exception.Message | Should -Match 'Microsoft.Resources/subscriptions/resourceGroups/write'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'stops reader in pre-flight, naming what it may not do, and creates nothing' {
        Set-LabSignInUser reader

        $err = { Register } | Should -Throw -ErrorId 'InsufficientAzurePermissions,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.Exception.Message | Should -Match 'Microsoft.AzureStackHCI/register/action'
        $err.Exception.Message | Should -Match 'Microsoft.AzureStackHCI/clusters/write'
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'refuses a cluster with a node down, naming the node' {
        Set-LabNode $cluster.nodes[2] @{ down = $true }

        $err = { Register } | Should -Throw -ErrorId 'ClusterNodeDown,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.TargetObject | Should -Be $cluster.nodes[2]
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'names exactly the node that cannot reach the cloud, with the seed''s message' {
        Set-LabNode $cluster.nodes[1] @{ noConnectivity = $true }

        $err = { Register } | Should -Throw -ErrorId 'SettingCertificateFailed,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.Exception.Message | Should -Be "Failed to register. Couldn't generate self-signed certificate on node(s) (none). Couldn't set and verify registration certificate on node(s) $($nodeNames[1]). Make sure every clustered node is up and has Internet connectivity (at least outbound to Azure)."
    }

    It 'lists the valid regions for a region Azure Stack HCI is not in' {
        $err = { Register @{ Region = 'westus2' } } | Should -Throw -ErrorId 'RegionNotSupported,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.Exception.Message | Should -Be 'Azure Stack HCI is not yet available in region westus2. Please choose one of these regions: East US,West Europe,Southeast Asia.'
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'adds Windows Admin Center''s properties with -IsWAC (Microsoft 2.x), and only then' {
        $result = Register @{ IsWAC = $true }

        $result | Should -BeOfType Az.StackHCI.Models.AzStackHCIRegistrationResult
        $result.Result | Should -Be 'Success'
        $result.WacResult | Should -Be 'Success'
        $result.PSObject.Properties.Name | Should -Not -Contain 'WacErrorCode'   # Microsoft sets no code on success
        (Register).PSObject.Properties.Name | Should -Not -Contain 'WacResult'
    }

    It 'returns a refusal as a Failed result with Microsoft''s code under -IsWAC, and still writes the error' {
        $parameters = $common.Clone()
        $parameters.Region = 'westus2'
        $result = Register-AzStackHCI @parameters -IsWAC -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $result.Result | Should -Be 'Failed'
        $result.WacResult | Should -Be 'Failed'
        $result.WacErrorCode | Should -Be '9108'
        $result.WacErrorDetail | Should -Be 'RegionNotSupported'
        $result.WacExceptionMessage | Should -BeLike 'Azure Stack HCI is not yet available in region westus2.*'
        $problems.FullyQualifiedErrorId | Should -Be 'RegionNotSupported,Az.StackHCI.Commands.RegisterAzStackHCICommand'
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'registers non-interactively as a service principal with a secret' {
        $secret = ConvertTo-SecureString $lab.servicePrincipals.ci.secret -AsPlainText -Force
        $credential = [pscredential]::new($lab.servicePrincipals.ci.appId, $secret)

        (Register @{ ServicePrincipalCredential = $credential; TenantId = $lab.tenantId }).Result | Should -Be 'Success'
        Get-LabJournal | Where-Object path -Like '*devicecode*' | Should -BeNullOrEmpty
    }

    It 'traces HTTP on the debug stream, with tokens and secrets redacted' {
        $secret = ConvertTo-SecureString $lab.servicePrincipals.ci.secret -AsPlainText -Force
        $credential = [pscredential]::new($lab.servicePrincipals.ci.appId, $secret)

        $output = & {
            $DebugPreference = 'Continue'
            Register @{ ServicePrincipalCredential = $credential; TenantId = $lab.tenantId }
        } 5>&1
        $debug = ($output | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message -join "`n"

        $debug | Should -Match 'Request \['
        $debug | Should -Match 'api-version'
        $debug | Should -Not -Match ([regex]::Escape($lab.servicePrincipals.ci.secret))
        $debug | Should -Not -Match 'Bearer ey'
    }

    It 'registers non-interactively as a service principal with a certificate' {
        $parameters = @{ ServicePrincipalId = $lab.servicePrincipals.ciCertificate.appId; ServicePrincipalCertificatePath = $lab.servicePrincipals.ciCertificate.certificatePath; TenantId = $lab.tenantId }

        (Register $parameters).Result | Should -Be 'Success'
        Get-LabJournal | Where-Object path -Like '*devicecode*' | Should -BeNullOrEmpty
    }

    It 'makes no change with -WhatIf' {
        Register @{ WhatIf = $true } | Should -BeNullOrEmpty

        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'stops promptly when the pipeline is stopped, and closes every node session' {
        Set-LabNode $cluster.nodes[0] @{ latencyMs = 20000 }   # the entry node answers slowly: stop while it waits
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ((Get-RemoteSessionProcess) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }   # earlier tests' sessions end
        $shell = [powershell]::Create()
        $null = $shell.AddScript({
                param($Manifest, $Lab, $Parameters)
                Import-Module $Manifest
                Add-AzStackHCIEnvironment -Name $Lab.environmentName -ResourceManagerEndpoint $Lab.resourceManagerEndpoint -Scope Process | Out-Null
                Register-AzStackHCI @Parameters
            }).AddArgument((Get-TestModuleManifest)).AddArgument($lab).AddArgument($common)
        $null = $shell.BeginInvoke()
        try {
            $seen = $null
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not $seen -and [DateTime]::UtcNow -lt $deadline) {
                $seen = Get-RemoteSessionProcess
                if (-not $seen) { Start-Sleep -Milliseconds 200 }
            }
            $seen | Should -Not -BeNullOrEmpty -Because 'the command must be inside its node sessions when it is stopped'

            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            # Waiting for the entry node instead of cancelling would take its 20 s; half of it leaves room for a busy machine.
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10 -Because 'waiting for the node would take 20 s; the tolerance is half of that'
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $shell.Stop()
            $shell.Dispose()
        }

        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ((Get-RemoteSessionProcess) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        Get-RemoteSessionProcess | Should -BeNullOrEmpty
    }

    It 'rides out a 2-second directory replication delay' {
        Invoke-LabControl PUT replication @{ delayMs = 2000 } | Out-Null

        (Register).Result | Should -Be 'Success'
    }
}
