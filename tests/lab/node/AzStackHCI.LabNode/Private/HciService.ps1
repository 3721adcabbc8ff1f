# The Azure Stack HCI service calls the registration cmdlets make, as the cluster's application with this node's
# certificate: the census (with each node's Arc state, MS 2.x), the call itself, and the sync's answer applied to
# registration.json (lastConnected, the desiredProperties Azure sent). See docs/lab.md, "Azure Stack HCI service".

function Get-Census($Context) {
    # Each node's Arc state goes up with the census: the service patches arcSettings' perNodeDetails from it (MS 2.x:
    # "Trigger Sync-AzureStackHCI to patch Arc settings"). A node's agent reports itself arcReportDelaySeconds after
    # it connected.
    # The settings Azure asked for (desiredProperties) as the cluster applied them at its last sync: the census
    # reports the diagnostic level for the cluster and the Windows Server subscription for each node.
    $cluster = $Context.Cluster
    $applied = (Read-LabFile (Join-Path $Context.ClusterDir 'registration.json'))?['applied']
    $subscription = if ($applied -and $applied['windowsServerSubscription']) { $applied['windowsServerSubscription'] } else { 'Disabled' }
    @{
        diagnosticLevel = if ($applied -and $applied['diagnosticLevel']) { $applied['diagnosticLevel'] } else { 'Basic' }
        arcNodes    = @($cluster.nodes | ForEach-Object {
                $arc = Get-NodeArc $_.dir
                $reported = $arc.status -eq 'Enabled' -and (-not $arc['reportAfter'] -or [DateTimeOffset] $arc.reportAfter -le [DateTimeOffset]::UtcNow)
                @{ name = $_.name; arcStatus = if ($reported) { 'Enabled' } else { 'Disabled' } }
            })
        clusterName = $cluster.name; clusterId = $cluster.id; clusterVersion = $script:OsInfo.clusterVersion
        nodes       = @($cluster.nodes | ForEach-Object {
                @{
                    name = $_.name; id = $_.id; osName = $script:OsInfo.osName; osVersion = $script:OsInfo.osVersion
                    osDisplayVersion = $script:OsInfo.osDisplayVersion; coreCount = $_.coreCount; memoryInGiB = $_.memoryInGiB
                    manufacturer = $_.manufacturer; model = $_.model; serialNumber = $_.serialNumber
                    windowsServerSubscription = $subscription
                }
            })
    }
}

function Invoke-HciService {
    <# Calls the HCI service as the cluster's application with this node's certificate. #>
    param($Context, $Registration, [string] $Method, [string] $Action, $Json, [string] $Thumbprint)
    $certificate = Resolve-NodeCertificate $Context $Thumbprint
    $token = Get-CertificateToken -Context $Context -Authority $Registration.aadAuthority -TenantId $Registration.tenantId `
        -AppId $Registration.appId -Scope $Registration.billingServiceApiScope -Certificate $certificate
    $uri = $Registration.serviceEndpoint.TrimEnd('/') + "/clusters/$($Registration.cloudId)/$Action"
    $response = Invoke-LabCloud -Context $Context -Method $Method -Uri $uri -Headers @{ Authorization = "Bearer $token" } -Json $Json
    if ($response.Status -ge 300) {
        throw (New-LabException "The Azure Stack HCI service refused $Method $Action for cluster '$($Registration.cloudId)' (HTTP $($response.Status)): $(Get-CloudErrorText $response)" (Get-LabFailureCategory $response.Status))
    }
    $response.Body
}

function Update-LastConnected($Context, $Result) {
    <# Records the sync and applies the settings Azure sent with it; true when they changed what the cluster has. #>
    $path = Join-Path $Context.ClusterDir 'registration.json'
    $registration = Read-LabFile $path
    if (-not $registration -or -not $Result) { return $false }
    if ($Result.PSObject.Properties['lastSyncTimestamp'] -and $Result.lastSyncTimestamp) {
        $registration.lastConnected = ([DateTimeOffset] $Result.lastSyncTimestamp).ToString('o')
    }
    $changed = $false
    if ($Result.PSObject.Properties['desiredProperties'] -and $Result.desiredProperties) {
        $applied = if ($registration['applied']) { $registration['applied'] } else { @{} }
        foreach ($name in 'windowsServerSubscription', 'diagnosticLevel') {
            $wanted = $Result.desiredProperties.$name
            if ($wanted -and $applied[$name] -ne $wanted) { $applied[$name] = $wanted; $changed = $true }
        }
        $registration.applied = $applied
    }
    Write-LabFile $path $registration
    $changed
}
