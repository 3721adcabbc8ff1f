# Reliability (step 8), security: one run of every command (Register without Arc, then with Arc, Get signed in,
# Test, Unregister, Connect with a federated token file and with SecureString tokens) against the lab, with every stream captured, then checked twice over:
# - least privilege: the ARM actions each command's requests needed (the lab journal's `action`, from the lab's RBAC)
#   are the ones docs/permissions.md lists, and the seed's custom role allows registration's but creating the group;
# - secrets and keys: no token, secret or private key in the streams, results, logs or journals; logs user-only.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $entry = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName }
    $register = $entry + @{ SubscriptionId = $lab.subscriptionId; Region = 'eastus'; LogsDirectory = $TestDrive }

    # The tables of docs/permissions.md: heading => rows of @{ Action; Always }.
    $documented = @{}
    $heading = $null
    foreach ($line in Get-Content (Join-Path $PSScriptRoot '../../docs/permissions.md')) {
        if ($line -match '^## (.+)$') { $heading = $Matches[1]; $documented[$heading] = @() }
        elseif ($heading -and $line -match '^\| `([^`]+)` \| (.+) \|$') { $documented[$heading] += @{ Action = $Matches[1]; Always = $Matches[2].StartsWith('Always') } }
    }

    # Runs one command with every stream captured; returns the ARM actions the signed-in admin's requests needed
    # (the nodes' own Arc onboarding acts as the Arc identity).
    $streams = [Collections.Generic.List[object]]::new()
    $journals = [Collections.Generic.List[string]]::new()
    function Invoke-Captured([scriptblock] $Command) {
        Clear-LabJournals
        $DebugPreference = 'Continue'
        foreach ($record in & $Command *>&1) { $streams.Add($record) }
        $journals.Add((Get-Content (Get-Lab).journal -Raw) + (Get-Content (Get-LabNodeJournalPath) -Raw))
        @(Get-LabJournal | Where-Object { $_.service -eq 'arm' -and $_.action -and $_.principal -eq $lab.users.admin.userName } | ForEach-Object action | Sort-Object -Unique)
    }

    Reset-Lab
    $needed = [ordered]@{}
    $needed['Register-AzStackHCI -EnableAzureArcServer:$false'] = Invoke-Captured { Register-AzStackHCI @register -EnableAzureArcServer:$false -Verbose }
    $needed['Register-AzStackHCI with Azure Arc (the default)'] = Invoke-Captured { Register-AzStackHCI @register -Verbose }
    # The Arc onboarding secret, as the nodes hold it until Unregister clears it.
    $arcSecret = (Get-Content (Join-Path (Get-LabClusterFolder) 'arc.json') -Raw | ConvertFrom-Json).secret
    $needed['Get-AzStackHCI, signed in'] = Invoke-Captured { Get-AzStackHCI @entry -UseDeviceAuthentication -Detailed -Verbose }
    Invoke-Captured { Test-AzStackHCIConnection @entry -Verbose } | Out-Null
    $needed['Unregister-AzStackHCI'] = Invoke-Captured { Unregister-AzStackHCI @entry -LogsDirectory $TestDrive -Confirm:$false -Verbose }
    # The session's sign-ins: a federated token file, then Az.Accounts 5's SecureString tokens, shown and forgotten.
    $federated = $lab.servicePrincipals.ciFederated
    Invoke-Captured {
        Connect-AzStackHCI -EnvironmentName $lab.environmentName -ServicePrincipalId $federated.appId -TenantId $lab.tenantId -FederatedTokenFile $federated.tokenFile -Verbose
        Get-AzStackHCIContext
        Disconnect-AzStackHCI -PassThru
    } | Out-Null
    $supplied = ConvertTo-SecureString (Get-LabCiToken 'https://management.core.windows.net/') -AsPlainText -Force
    $suppliedGraph = ConvertTo-SecureString (Get-LabCiToken $lab.graphEndpoint.TrimEnd('/')) -AsPlainText -Force
    Invoke-Captured {
        Connect-AzStackHCI -EnvironmentName $lab.environmentName -ArmAccessToken $supplied -GraphAccessToken $suppliedGraph -Verbose
        Get-AzStackHCI @entry -Detailed -Verbose
        Disconnect-AzStackHCI -PassThru
    } | Out-Null
    $results = @($streams | Where-Object { $_.GetType().Namespace -eq 'Az.StackHCI.Models' })
    $seen = @(
        $streams | ForEach-Object { if ($_ -is [string] -or $_ -is [Management.Automation.InformationalRecord] -or $_ -is [Management.Automation.ErrorRecord]) { "$_" } else { $_ | ConvertTo-Json -Depth 6 -WarningAction SilentlyContinue } }
        Get-ChildItem $TestDrive -Filter *.log | Get-Content -Raw
        $journals
    ) -join "`n"
}

Describe 'Reliability: permissions' -Tag 'Reliability' {
    It 'ran every command to success' {
        @($results | Where-Object { $_.GetType().Name -in 'AzStackHCIRegistrationResult', 'AzStackHCIUnregistrationResult' } | ForEach-Object { "$($_.Result)" }) |
            Should -Be @('Success', 'Success', 'Success')
        @($results | Where-Object { $_.GetType().Name -eq 'AzStackHCIClusterStatus' }).Count | Should -Be 2
        # What the scan reads: verbose, the SDK's debug trace, the logs and both journals.
        $seen | Should -Match 'Signing in to'
        $seen | Should -Match 'Request \['
        $seen | Should -Match 'Register-AzStackHCI triggered'
        $seen | Should -Match '"service":"graph"'
        $seen | Should -Match '"command":"Set-AzureStackHCIRegistrationCertificate"'
        $seen | Should -Match 'FederatedToken'
        $seen | Should -Match 'AccessToken'
    }

    It 'documents exactly the ARM actions <_> needs' -ForEach @(
        'Register-AzStackHCI -EnableAzureArcServer:$false', 'Register-AzStackHCI with Azure Arc (the default)', 'Get-AzStackHCI, signed in', 'Unregister-AzStackHCI') {
        $rows = $documented[$_]
        $rows.Count | Should -BeGreaterThan 0 -Because "docs/permissions.md has a table under '## $_'"
        foreach ($action in $needed[$_]) { $action | Should -BeIn $rows.Action -Because 'the run needed it' }
        foreach ($row in $rows | Where-Object Always) { $row.Action | Should -BeIn $needed[$_] -Because 'the table says it is always needed' }
    }

    It 'lets the seed''s custom role do everything registration needs, with or without Arc, but create the resource group' {
        # Registering as registrar, who holds that role alone, is in Register-AzStackHCI.Tests.ps1.
        $role = Get-Content (Join-Path $PSScriptRoot '../Az.StackHCI.Lab/Seed/customHCIRole.json') -Raw | ConvertFrom-Json
        foreach ($row in $documented['Register-AzStackHCI -EnableAzureArcServer:$false'] + $documented['Register-AzStackHCI with Azure Arc (the default)']) {
            [bool]($role.Actions | Where-Object { $row.Action -like $_ }) | Should -Be ($row.Action -ne 'Microsoft.Resources/subscriptions/resourceGroups/write') -Because $row.Action
        }
    }
}

Describe 'Reliability: secrets and keys' -Tag 'Reliability' {
    It 'shows no access or refresh token' {
        $seen | Should -Not -Match 'eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.'
        $seen | Should -Not -Match '(access|refresh)_token"?\s*[:=]\s*"?[A-Za-z0-9]'
    }

    It 'shows no client secret and no Arc password' {
        $seen | Should -Not -Match ([regex]::Escape($lab.servicePrincipals.ci.secret))
        $arcSecret | Should -Not -BeNullOrEmpty
        $seen | Should -Not -Match ([regex]::Escape($arcSecret))
        $seen | Should -Not -Match 'secretText"?\s*[:=]\s*"?[A-Za-z0-9~_.-]{8,}'
    }

    It 'shows no private key, only public certificates' {
        $seen | Should -Not -Match 'PRIVATE KEY'
        # Long base64 DER is either a public certificate (allowed: the key credentials) or a key or PFX (not).
        # The lab's journal is JSON from System.Text.Json, which writes + as \u002B.
        foreach ($blob in [regex]::Matches(($seen -replace '\\u002B', '+'), 'MII[A-Za-z0-9+/]{200,}={0,2}').Value | Sort-Object -Unique) {
            $certificate = [Security.Cryptography.X509Certificates.X509Certificate2]::new([Convert]::FromBase64String($blob))
            $certificate.HasPrivateKey | Should -BeFalse
        }
    }

    It 'writes its logs readable by this user only' -Skip:$IsWindows {
        foreach ($log in Get-ChildItem $TestDrive -Filter *.log) {
            [IO.File]::GetUnixFileMode($log.FullName) | Should -Be ([IO.UnixFileMode] 'UserRead, UserWrite')
        }
    }

    It 'has no certificate-validation bypass in product code' {
        $source = Get-ChildItem (Join-Path $PSScriptRoot '../../src') -Recurse -Filter *.cs | Get-Content -Raw
        $source | Should -Not -Match 'ServerCertificateCustomValidationCallback|ServerCertificateValidationCallback|DangerousAcceptAnyServerCertificateValidator|SkipCertificateCheck'
    }
}
