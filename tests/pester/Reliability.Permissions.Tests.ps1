# Reliability (step 8), least privilege: docs/permissions.md against the lab's RBAC. Each command runs as admin (Owner)
# and the ARM actions its requests needed (the journal's `action`) must be the documented ones; the seed's custom role
# allows all of registration's but creating the resource group.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Import-Module (Get-TestModuleManifest) -Force
    $lab = Get-Lab
    $cluster = $lab.clusters[0]
    Add-AzStackHCIEnvironment -Name $lab.environmentName -ResourceManagerEndpoint $lab.resourceManagerEndpoint -Scope Process | Out-Null
    $entry = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName }
    $register = $entry + @{ SubscriptionId = $lab.subscriptionId; Region = 'eastus'; LogsDirectory = $TestDrive }

    # The tables of docs/permissions.md: heading => rows of @{ Action; Always }.
    $documented = @{}
    $heading = $null
    foreach ($line in Get-Content (Join-Path $PSScriptRoot '../../docs/permissions.md')) {
        if ($line -match '^## (.+)$') { $heading = $Matches[1]; $documented[$heading] = @() }
        elseif ($heading -and $line -match '^\| `([^`]+)` \| (.+) \|$') { $documented[$heading] += @{ Action = $Matches[1]; Always = $Matches[2].StartsWith('Always') } }
    }

    # What the signed-in admin's requests needed (the nodes' own Arc onboarding acts as the Arc identity).
    function Get-NeededActions { @(Get-LabJournal | Where-Object { $_.service -eq 'arm' -and $_.action -and $_.principal -eq $lab.users.admin.userName } | ForEach-Object action | Sort-Object -Unique) }

    function Assert-Documented([string] $Heading, [string[]] $Needed) {
        $rows = $documented[$Heading]
        $rows.Count | Should -BeGreaterThan 0 -Because "docs/permissions.md has a table under '## $Heading'"
        foreach ($action in $Needed) { $action | Should -BeIn $rows.Action -Because "the run needed it" }
        foreach ($row in $rows | Where-Object Always) { $row.Action | Should -BeIn $Needed -Because 'the table says it is always needed' }
    }

    function Test-RoleAllows([string[]] $Actions, [string] $Action) { [bool]($Actions | Where-Object { $Action -like $_ }) }
}

Describe 'Reliability: permissions' -Tag 'Reliability' {
    It 'documents exactly the ARM actions each command needs' {
        Reset-Lab
        Clear-LabJournals
        (Register-AzStackHCI @register -EnableAzureArcServer:$false -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        Assert-Documented 'Register-AzStackHCI -EnableAzureArcServer:$false' (Get-NeededActions)

        Clear-LabJournals
        (Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        Assert-Documented 'Register-AzStackHCI with Azure Arc (the default)' (Get-NeededActions)

        Clear-LabJournals
        Get-AzStackHCI @entry -UseDeviceAuthentication -WarningAction SilentlyContinue -ErrorAction Stop | Out-Null
        Assert-Documented 'Get-AzStackHCI, signed in' (Get-NeededActions)

        Clear-LabJournals
        (Unregister-AzStackHCI @entry -LogsDirectory $TestDrive -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        Assert-Documented 'Unregister-AzStackHCI' (Get-NeededActions)
    }

    It 'lets the seed''s custom role do everything registration needs, with or without Arc, but create the resource group' {
        # Registering as registrar, who holds that role alone, is in Register-AzStackHCI.Tests.ps1.
        $role = Get-Content (Join-Path $PSScriptRoot '../Az.StackHCI.Lab/Seed/customHCIRole.json') -Raw | ConvertFrom-Json
        foreach ($row in $documented['Register-AzStackHCI -EnableAzureArcServer:$false'] + $documented['Register-AzStackHCI with Azure Arc (the default)']) {
            Test-RoleAllows $role.Actions $row.Action | Should -Be ($row.Action -ne 'Microsoft.Resources/subscriptions/resourceGroups/write') -Because $row.Action
        }
    }
}
