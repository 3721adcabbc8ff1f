# What the end-to-end suites share: the lab the test run started (AZSTACKHCI_LAB_JSON), a fresh state per test,
# node switches, the request journal, and ARM/Graph calls as the CI service principal for set-up and checks.

function Get-Lab { Get-Content $env:AZSTACKHCI_LAB_JSON -Raw | ConvertFrom-Json }

function Invoke-LabControl([string] $Method, [string] $Path, $Body) {
    $lab = Get-Lab
    $arguments = @{ Method = $Method; Uri = "$($lab.controlEndpoint)$Path" }
    if ($null -ne $Body) { $arguments.Body = ($Body | ConvertTo-Json -Depth 5); $arguments.ContentType = 'application/json' }
    Invoke-RestMethod @arguments
}

function Reset-Lab {
    <# Back to the seeded cloud, fresh nodes, admin signs in by device code. #>
    Invoke-LabControl POST reset | Out-Null
    Invoke-LabControl POST nodes/reset | Out-Null
}

function Set-LabNode([string] $Node, [hashtable] $Switches) {
    $cluster = (Get-Lab).clusters[0].name
    Invoke-LabControl PUT "nodes/$cluster/$Node" $Switches | Out-Null
}

function Set-LabSignInUser([string] $User) { Invoke-LabControl PUT devicecode/autoapprove @{ user = $User; delayMs = 0 } | Out-Null }

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

Export-ModuleMember -Function *
