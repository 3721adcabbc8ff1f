# Signing in the way admins and CI do, end to end against the lab's authority: once per PowerShell session
# (Connect-/Disconnect-AzStackHCI, Get-AzStackHCIContext, pipelines and parallel runspaces), a browser where one can
# open, tokens as Az.Accounts 5 gives them (SecureString), and federated OIDC tokens for CI. Sign-ins are counted in
# the lab's journal: a device code request, a browser's authorize request, a token request by a CI identity.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $federated = $lab.servicePrincipals.ciFederated
    $browserFolder = Join-Path $PSScriptRoot '../Az.StackHCI.Lab/Browser'

    function Get-DeviceCodeSignIns { @(Get-LabJournal | Where-Object { $_.service -eq 'authority' -and $_.path -match '/oauth2/v2.0/devicecode$' }) }

    function Get-TokenRequests { @(Get-LabJournal | Where-Object { $_.service -eq 'authority' -and $_.path -match '/oauth2/v2.0/token$' }) }

    function New-FederatedToken([hashtable] $Claims) {
        $file = Join-Path $TestDrive "federated-$([guid]::NewGuid().ToString('N')).jwt"
        Set-Content -Path $file -Value (Invoke-LabControl POST federation/tokens $Claims).token -NoNewline
        $file
    }

    # Two single-node clusters of the lab, as a CSV a fleet script would read.
    function New-FleetCsv {
        $path = Join-Path $TestDrive 'clusters.csv'
        $lab.clusters | Select-Object -Skip 1 -First 2 | ForEach-Object {
            [pscustomobject]@{ ComputerName = $_.nodes[0]; ResourceName = $_.name; ResourceGroupName = "$($_.name)-rg"; SubscriptionId = $lab.subscriptionId; Region = 'eastus' }
        } | Export-Csv -Path $path -NoTypeInformation
        $path
    }
}

Describe 'One sign-in per PowerShell session' {
    BeforeEach {
        Reset-Lab
    }

    It 'Connect-AzStackHCI signs in once; Get-AzStackHCIContext shows it; later commands use it without a prompt' {
        $context = Connect-AzStackHCI -EnvironmentName $lab.environmentName -SubscriptionId $lab.subscriptionId -WarningAction SilentlyContinue
        $context.Account | Should -Be $lab.users.admin.userName
        $context.TenantId | Should -Be $lab.tenantId
        $context.EnvironmentName | Should -Be $lab.environmentName
        $context.SignInMethod | Should -Be 'DeviceCode'
        $context.AccountType | Should -Be 'User'
        $context.PSObject.Properties.Name | Should -Not -Contain 'Token'

        $shown = Get-AzStackHCIContext
        $shown.Account | Should -Be $lab.users.admin.userName
        ($shown | Format-Table | Out-String -Width 200) | Should -Match 'DeviceCode'

        $verbose = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Region eastus `
            -EnableAzureArcServer:$false -LogsDirectory $TestDrive -WarningAction SilentlyContinue -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match "Using this session's sign-in: $([regex]::Escape($lab.users.admin.userName))"
        (Get-AzStackHCI -ComputerName $cluster.nodes[0] -EnvironmentName $lab.environmentName -WarningAction SilentlyContinue).RegistrationStatus | Should -Be 'Registered'
        (Unregister-AzStackHCI -ComputerName $cluster.nodes[0] -EnvironmentName $lab.environmentName -Confirm:$false -LogsDirectory $TestDrive -WarningAction SilentlyContinue).Result | Should -Be 'Success'

        (Get-DeviceCodeSignIns).Count | Should -Be 1
    }

    It 'signs in at the first command that needs Azure, and Disconnect-AzStackHCI makes the next one sign in again' {
        Get-AzStackHCIContext | Should -BeNullOrEmpty
        Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Region eastus `
            -EnableAzureArcServer:$false -LogsDirectory $TestDrive -WarningAction SilentlyContinue -WhatIf | Out-Null
        (Get-AzStackHCIContext).Account | Should -Be $lab.users.admin.userName
        (Get-DeviceCodeSignIns).Count | Should -Be 1

        $forgotten = Disconnect-AzStackHCI -PassThru
        $forgotten.Account | Should -Be $lab.users.admin.userName
        Get-AzStackHCIContext | Should -BeNullOrEmpty

        Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Region eastus `
            -EnableAzureArcServer:$false -LogsDirectory $TestDrive -WarningAction SilentlyContinue -WhatIf | Out-Null
        (Get-DeviceCodeSignIns).Count | Should -Be 2
    }

    It 'Disconnect-AzStackHCI -WhatIf forgets nothing' {
        Connect-AzStackHCI -EnvironmentName $lab.environmentName -WarningAction SilentlyContinue | Out-Null
        Disconnect-AzStackHCI -WhatIf
        (Get-AzStackHCIContext).Account | Should -Be $lab.users.admin.userName
    }

    It 'registers a CSV of clusters through the pipeline with one sign-in, and reports each cluster' {
        $results = Import-Csv (New-FleetCsv) | Register-AzStackHCI -EnvironmentName $lab.environmentName -EnableAzureArcServer:$false -LogsDirectory $TestDrive `
            -WarningAction SilentlyContinue -ErrorAction Stop

        @($results).Count | Should -Be 2
        $results.Result | Should -Be 'Success', 'Success'
        $results.AzureResourceId | Should -Match 'hcicluster'
        (Get-DeviceCodeSignIns).Count | Should -Be 1
    }

    It 'registers clusters from parallel runspaces with one sign-in' {
        $manifest = Get-TestModuleManifest
        $results = Import-Csv (New-FleetCsv) | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:manifest
            $_ | Register-AzStackHCI -EnvironmentName ($using:lab).environmentName -EnableAzureArcServer:$false -LogsDirectory $using:TestDrive -WarningAction SilentlyContinue -ErrorAction Stop
        }

        $results.Result | Should -Be 'Success', 'Success'
        (Get-DeviceCodeSignIns).Count | Should -Be 1
    }

    It 'keeps a user and a service principal apart: naming the service principal signs it in, the session then has both' {
        Connect-AzStackHCI -EnvironmentName $lab.environmentName -WarningAction SilentlyContinue | Out-Null
        $secret = ConvertTo-SecureString $lab.servicePrincipals.ci.secret -AsPlainText -Force
        $ci = [pscredential]::new($lab.servicePrincipals.ci.appId, $secret)
        Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Region eastus -ServicePrincipalCredential $ci `
            -TenantId $lab.tenantId -EnableAzureArcServer:$false -LogsDirectory $TestDrive -WarningAction SilentlyContinue -WhatIf | Out-Null

        (Get-AzStackHCIContext).Account | Sort-Object | Should -Be @($lab.servicePrincipals.ci.appId, $lab.users.admin.userName | Sort-Object)
        (Get-DeviceCodeSignIns).Count | Should -Be 1
    }
}

Describe 'Browser sign-in' {
    BeforeEach {
        Reset-Lab
    }

    It 'opens the browser where a desktop is, and signs in by authorization code with PKCE' {
        # A desktop (DISPLAY) and a scripted browser first on PATH: MSAL opens the sign-in page with xdg-open.
        $result = Invoke-Pwsh -Environment @{ DISPLAY = ':0'; PATH = "$browserFolder$([IO.Path]::PathSeparator)$env:PATH"; SSH_CONNECTION = $null } -Script @"
Import-Module '$(Get-TestModuleManifest)'
Add-AzStackHCIEnvironment -Name '$($lab.environmentName)' -ResourceManagerEndpoint '$($lab.resourceManagerEndpoint)' -Scope Process | Out-Null
Connect-AzStackHCI -EnvironmentName '$($lab.environmentName)' -TenantId '$($lab.tenantId)' | ConvertTo-Json
"@
        $result.SignInMethod | Should -Be 'Browser'
        $result.Account | Should -Be $lab.users.admin.userName
        @(Get-LabJournal | Where-Object { $_.path -match '/oauth2/v2.0/authorize$' }).Count | Should -BeGreaterOrEqual 1
        Get-DeviceCodeSignIns | Should -BeNullOrEmpty
    }

    It 'gives the device code with -UseDeviceAuthentication even where a browser could open' {
        $result = Invoke-Pwsh -Environment @{ DISPLAY = ':0'; PATH = "$browserFolder$([IO.Path]::PathSeparator)$env:PATH" } -Script @"
Import-Module '$(Get-TestModuleManifest)'
Add-AzStackHCIEnvironment -Name '$($lab.environmentName)' -ResourceManagerEndpoint '$($lab.resourceManagerEndpoint)' -Scope Process | Out-Null
Connect-AzStackHCI -EnvironmentName '$($lab.environmentName)' -TenantId '$($lab.tenantId)' -UseDeviceAuthentication -WarningAction SilentlyContinue | ConvertTo-Json
"@
        $result.SignInMethod | Should -Be 'DeviceCode'
        @(Get-LabJournal | Where-Object { $_.path -match '/oauth2/v2.0/authorize$' }) | Should -BeNullOrEmpty
    }
}

Describe 'Tokens as Az.Accounts 5 gives them' {
    BeforeEach {
        Reset-Lab
    }

    It 'takes -ArmAccessToken and -GraphAccessToken as SecureString' {
        $arm = ConvertTo-SecureString (Get-LabCiToken 'https://management.core.windows.net/') -AsPlainText -Force
        $graph = ConvertTo-SecureString (Get-LabCiToken $lab.graphEndpoint.TrimEnd('/')) -AsPlainText -Force

        $context = Connect-AzStackHCI -EnvironmentName $lab.environmentName -ArmAccessToken $arm -GraphAccessToken $graph
        $context.SignInMethod | Should -Be 'AccessToken'
        $context.Account | Should -Be $lab.servicePrincipals.ci.appId

        $result = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Region eastus `
            -ArmAccessToken $arm -GraphAccessToken $graph -EnableAzureArcServer:$false -LogsDirectory $TestDrive -WarningAction SilentlyContinue -ErrorAction Stop
        $result.Result | Should -Be 'Success'
        Get-DeviceCodeSignIns | Should -BeNullOrEmpty
    }

    It 'refuses an expired SecureString token by its parameter, without showing it' {
        $expired = New-FakeToken "TOKEN:$($lab.resourceManagerEndpoint)|-3600"
        { Connect-AzStackHCI -EnvironmentName $lab.environmentName -ArmAccessToken (ConvertTo-SecureString $expired -AsPlainText -Force) -GraphAccessToken (ConvertTo-SecureString $expired -AsPlainText -Force) } |
            Should -Throw -ErrorId 'AccessTokenExpired,*' -ExpectedMessage '*-ArmAccessToken expired*'
        try { Connect-AzStackHCI -EnvironmentName $lab.environmentName -ArmAccessToken (ConvertTo-SecureString $expired -AsPlainText -Force) -GraphAccessToken (ConvertTo-SecureString $expired -AsPlainText -Force) }
        catch { "$_ $($_.Exception | Out-String)" | Should -Not -Match ([regex]::Escape($expired.Split('.')[1])) }
    }
}

Describe 'Federated (OIDC) sign-in for CI' {
    BeforeEach {
        Reset-Lab
    }

    It 'signs in with -ServicePrincipalId, -TenantId and -FederatedTokenFile, and registers' {
        $context = Connect-AzStackHCI -EnvironmentName $lab.environmentName -ServicePrincipalId $federated.appId -TenantId $lab.tenantId -FederatedTokenFile $federated.tokenFile
        $context.SignInMethod | Should -Be 'FederatedToken'
        $context.Account | Should -Be $federated.appId
        $context.AccountType | Should -Be 'ServicePrincipal'

        $result = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -EnvironmentName $lab.environmentName -ComputerName $cluster.nodes[0] -Region eastus `
            -EnableAzureArcServer:$false -LogsDirectory $TestDrive -WarningAction SilentlyContinue -ErrorAction Stop
        $result.Result | Should -Be 'Success'
        Get-DeviceCodeSignIns | Should -BeNullOrEmpty
        @(Get-TokenRequests | Where-Object principal -eq $federated.appId).Count | Should -BeGreaterOrEqual 1
    }

    It 'takes AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE with -UseWorkloadIdentity' {
        $result = Invoke-Pwsh -Environment @{ AZURE_CLIENT_ID = $federated.appId; AZURE_TENANT_ID = $lab.tenantId; AZURE_FEDERATED_TOKEN_FILE = $federated.tokenFile } -Script @"
Import-Module '$(Get-TestModuleManifest)'
Add-AzStackHCIEnvironment -Name '$($lab.environmentName)' -ResourceManagerEndpoint '$($lab.resourceManagerEndpoint)' -Scope Process | Out-Null
Connect-AzStackHCI -EnvironmentName '$($lab.environmentName)' -UseWorkloadIdentity | ConvertTo-Json
"@
        $result.SignInMethod | Should -Be 'FederatedToken'
        $result.Account | Should -Be $federated.appId
    }

    It 'refuses -UseWorkloadIdentity without its variables before contacting anything' {
        Clear-LabJournals
        { Connect-AzStackHCI -EnvironmentName $lab.environmentName -UseWorkloadIdentity -ServicePrincipalId $federated.appId -TenantId $lab.tenantId } |
            Should -Throw -ErrorId 'WorkloadIdentityNotConfigured,*' -ExpectedMessage '*AZURE_FEDERATED_TOKEN_FILE*'
        Get-LabJournal | Should -BeNullOrEmpty
    }

    It 'names Entra ID''s code and what it means when the token''s <Claim> does not match' -ForEach @(
        @{ Claim = 'subject'; Claims = @{ subject = 'repo:contoso/other:ref:refs/heads/main' }; Code = 'AADSTS700213'; Meaning = "has the token's subject" }
        @{ Claim = 'audience'; Claims = @{ audience = 'api://SomethingElse' }; Code = 'AADSTS700212'; Meaning = "accepts the token's audience" }
        @{ Claim = 'issuer'; Claims = @{ issuer = 'https://token.actions.githubusercontent.com' }; Code = 'AADSTS700211'; Meaning = "has the token's issuer" }
        @{ Claim = 'lifetime'; Claims = @{ lifetimeSeconds = 60; notBeforeOffsetSeconds = -7200 }; Code = 'AADSTS700024'; Meaning = 'outside its valid time' }
    ) {
        $file = New-FederatedToken $Claims
        $failure = { Connect-AzStackHCI -EnvironmentName $lab.environmentName -ServicePrincipalId $federated.appId -TenantId $lab.tenantId -FederatedTokenFile $file } |
            Should -Throw -ErrorId 'AuthenticationFailed,*' -PassThru
        $failure.Exception.Message | Should -Match $Code
        $failure.Exception.Message | Should -Match ([regex]::Escape($Meaning))
        $failure.Exception.Message | Should -Not -Match 'ClientOptions|troubleshoot'
        $failure.Exception.Message | Should -Not -Match ([regex]::Escape((Get-Content $file -Raw).Split('.')[2]))
        Get-AzStackHCIContext | Should -BeNullOrEmpty
    }

    It 'refuses -FederatedTokenFile without the application it is for' {
        { Connect-AzStackHCI -EnvironmentName $lab.environmentName -TenantId $lab.tenantId -FederatedTokenFile $federated.tokenFile } |
            Should -Throw -ErrorId 'IncompleteFederatedSignIn,*'
        { Connect-AzStackHCI -EnvironmentName $lab.environmentName -TenantId $lab.tenantId -ServicePrincipalId $federated.appId } |
            Should -Throw -ErrorId 'IncompleteServicePrincipal,*'
        { Connect-AzStackHCI -EnvironmentName $lab.environmentName -UseDeviceAuthentication -ServicePrincipalId $federated.appId -FederatedTokenFile $federated.tokenFile -TenantId $lab.tenantId } |
            Should -Throw -ErrorId 'ConflictingSignInParameters,*'
    }
}
