# What the end-to-end suites share: the lab the test run started (AZSTACKHCI_LAB_JSON), a fresh state per test,
# node switches, the request journal, and ARM/Graph calls as the CI service principal for set-up and checks.

function Get-Lab { Get-Content $env:AZSTACKHCI_LAB_JSON -Raw | ConvertFrom-Json }

function Initialize-LabSuite {
    <#
    .SYNOPSIS
        The set-up every end-to-end suite starts with, in its BeforeAll: the test helpers and the module under test
        imported, the lab's cloud added as a custom environment, and $lab (lab.json) and $cluster (its first
        cluster) set in the suite's scope.
    #>
    [CmdletBinding()]
    param()
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force -Global
    Import-Module (Get-TestModuleManifest) -Force -Global
    $lab = Get-Lab
    Add-AzStackHCIEnvironment -Name $lab.environmentName -ResourceManagerEndpoint $lab.resourceManagerEndpoint -Scope Process | Out-Null
    $PSCmdlet.SessionState.PSVariable.Set('lab', $lab)
    $PSCmdlet.SessionState.PSVariable.Set('cluster', $lab.clusters[0])
}

function Invoke-LabControl([string] $Method, [string] $Path, $Body) {
    $lab = Get-Lab
    $arguments = @{ Method = $Method; Uri = "$($lab.controlEndpoint)$Path" }
    if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 5); $arguments.ContentType = 'application/json' }
    Invoke-RestMethod @arguments
}

function Disconnect-LabSession {
    <# The module keeps sign-ins for the session; a test that changes who signs in starts from none. #>
    if (Get-Command Disconnect-AzStackHCI -ErrorAction Ignore) { Disconnect-AzStackHCI -Confirm:$false }
}

function Reset-Lab {
    <# Back to the seeded cloud, fresh nodes, no sign-in held; admin signs in by device code. #>
    Invoke-LabControl POST reset | Out-Null
    Invoke-LabControl POST nodes/reset | Out-Null
    Disconnect-LabSession
}

function Set-LabNode([string] $Node, [hashtable] $Switches) {
    $cluster = (Get-Lab).clusters[0].name
    Invoke-LabControl PUT "nodes/$cluster/$Node" $Switches | Out-Null
}

function Set-LabSignInUser([string] $User) {
    Invoke-LabControl PUT devicecode/autoapprove @{ user = $User; delayMs = 0 } | Out-Null
    Disconnect-LabSession
}

function Get-LabJournal { Get-Content (Get-Lab).journal | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json } }

function Get-LabWrites {
    <# Requests that change the cloud: anything but reads, sign-in and the control API. #>
    Get-LabJournal | Where-Object { $_.service -in 'arm', 'graph', 'hci' -and $_.method -ne 'GET' }
}

function Get-LabCiToken([string] $Resource) {
    $lab = Get-Lab
    $form = @{ client_id = $lab.servicePrincipals.ci.appId; client_secret = $lab.servicePrincipals.ci.secret; grant_type = 'client_credentials'; scope = "$Resource/.default" }
    (Invoke-RestMethod -Method Post -Uri "$($lab.authorityEndpoint)$($lab.tenantId)/oauth2/v2.0/token" -Body $form).access_token
}

function Invoke-LabArm([string] $Method, [string] $Path, $Body) {
    $lab = Get-Lab
    $arguments = @{ Method = $Method; Uri = "$($lab.resourceManagerEndpoint.TrimEnd('/'))$Path"; Headers = @{ Authorization = "Bearer $(Get-LabCiToken 'https://management.core.windows.net/')" } }
    if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 8); $arguments.ContentType = 'application/json' }
    Invoke-RestMethod @arguments
}

function Invoke-LabGraph([string] $Method, [string] $Path, $Body) {
    $lab = Get-Lab
    $arguments = @{ Method = $Method; Uri = "$($lab.graphEndpoint)v1.0/$Path"; Headers = @{ Authorization = "Bearer $(Get-LabCiToken $lab.graphEndpoint.TrimEnd('/'))" } }
    if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 8); $arguments.ContentType = 'application/json' }
    Invoke-RestMethod @arguments
}

function Set-LabFaults([object[]] $Rules) { Invoke-LabControl PUT faults @{ rules = @($Rules) } | Out-Null }

function Get-LabClusterFolder { $lab = Get-Lab; Join-Path $lab.root "nodes/$($lab.clusters[0].name)" }

function Get-LabNodeCertificateFiles([string] $Node) { @(Get-ChildItem (Join-Path (Get-LabClusterFolder) "$Node/certs") -Filter *.pfx -ErrorAction SilentlyContinue) }

function Set-LabLastSync([int] $DaysAgo) {
    <# Ages the cluster's last sync as the nodes keep it (registration.json), as if it had not synced since. #>
    $path = Join-Path (Get-LabClusterFolder) 'registration.json'
    $registration = Get-Content $path -Raw | ConvertFrom-Json -AsHashtable
    $registration.lastConnected = [DateTimeOffset]::UtcNow.AddDays(-$DaysAgo).ToString('o')
    Set-Content -Path $path -Value ($registration | ConvertTo-Json -Depth 10)
}


function Get-LabNodeJournalPath { Join-Path (Get-Lab).root 'nodes/journal' }

function Clear-LabJournals {
    <# Empties the request journal and the nodes' command journal, so what follows is all they hold. #>
    Set-Content -Path (Get-Lab).journal -Value ''
    if (Test-Path (Get-LabNodeJournalPath)) { Set-Content -Path (Get-LabNodeJournalPath) -Value '' }
}

function Get-LabNodeJournal { if (Test-Path (Get-LabNodeJournalPath)) { Get-Content (Get-LabNodeJournalPath) | Where-Object { $_ } | ForEach-Object { $_ | ConvertFrom-Json } } }

function Get-LabNodeWrites {
    <# Node commands that change a node: anything but reads, probes and the node's metadata endpoint. #>
    Get-LabNodeJournal | Where-Object { $_.command -notmatch '^(Get-|Invoke-WebRequest$|Invoke-RestMethod$)' }
}

function Get-CloudInventory {
    <# What the tenant and subscription hold that registration could have added, with ids, comparable with -Be. #>
    $lab = Get-Lab
    [pscustomobject]@{
        Applications    = @((Invoke-LabGraph GET 'applications').value | ForEach-Object { "$($_.appId) $($_.displayName) keys:$(@($_.keyCredentials).Count) passwords:$(@($_.passwordCredentials).Count)" }) | Sort-Object
        Principals      = @((Invoke-LabGraph GET 'servicePrincipals').value.id) | Sort-Object
        RoleAssignments = @((Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01").value.id) | Sort-Object
        Groups          = @((Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/resourcegroups?api-version=2022-09-01").value.name) | Sort-Object
    }
}

function Get-RegistrationShape {
    <#
        The end state of a registration without the ids each run makes up: applications by name with their key and
        password counts, principals, role assignments by role and scope, groups, resources, and each node's
        certificates (how many, and whether every one is a key credential of the cluster's application).
    #>
    $lab = Get-Lab
    $cluster = $lab.clusters[0]
    $applications = @((Invoke-LabGraph GET 'applications').value)
    $clusterApp = @($applications | Where-Object displayName -EQ $cluster.name)
    $keys = @($clusterApp | ForEach-Object { $_.keyCredentials } | ForEach-Object { [BitConverter]::ToString([Convert]::FromBase64String($_.customKeyIdentifier)).Replace('-', '') })
    $resources = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$($cluster.name)-rg"
    [pscustomobject]@{
        Applications    = @($applications | ForEach-Object { "$($_.displayName) keys:$(@($_.keyCredentials).Count) passwords:$(@($_.passwordCredentials).Count)" }) | Sort-Object
        Principals      = @((Invoke-LabGraph GET 'servicePrincipals').value).Count
        RoleAssignments = @((Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01").value |
                ForEach-Object { "$(($_.properties.roleDefinitionId -split '/')[-1]) $($_.properties.scope)" }) | Sort-Object
        Groups          = @((Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/resourcegroups?api-version=2022-09-01").value.name) | Sort-Object
        Resources       = @(@((Invoke-LabArm GET "$resources/resources?api-version=2021-04-01").value.id) | Sort-Object)
        NodeCertificates = @($cluster.nodes | ForEach-Object {
                $files = @(Get-LabNodeCertificateFiles $_)
                "$_ certificates:$($files.Count) all-keys:$(-not @($files | Where-Object { $_.BaseName -notin $keys }))"
            })
    }
}

function New-FakeToken([string] $Spec) {
    <#
        A JWT the tests make up from 'TOKEN:<audience>|<seconds to expiry>' ('graph' = the lab's Graph): only its
        claims matter to the module's checks, which run before anything is sent.
    #>
    $lab = Get-Lab
    $audience, $seconds = $Spec.Substring('TOKEN:'.Length) -split '\|'
    if ($audience -eq 'graph') { $audience = $lab.graphEndpoint }
    $encode = { param($o) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(($o | ConvertTo-Json -Compress))).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    $payload = @{ aud = $audience; exp = [DateTimeOffset]::UtcNow.AddSeconds([int]$seconds).ToUnixTimeSeconds(); tid = $lab.tenantId; upn = 'someone@example.com' }
    "$(& $encode @{ alg = 'RS256'; typ = 'JWT' }).$(& $encode $payload).c2lnbmF0dXJl"
}

Export-ModuleMember -Function *
