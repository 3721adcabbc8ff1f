# Arc integration helpers: the cluster's and the nodes' Arc state (arc.json), the ARM token and the
# Microsoft.HybridCompute/machines/<node> address the agent's connect uses, and the node's own periodic sync after its
# agent connected (the periodicSyncSeconds switch).

function Get-ClusterArc($Context) {
    $arc = Read-LabFile (Join-Path $Context.ClusterDir 'arc.json')
    if ($arc) { $arc } else { @{ status = 'Disabled' } }
}

function Get-NodeArc([string] $NodeDir) {
    $arc = Read-LabFile (Join-Path $NodeDir 'arc.json')
    if ($arc) { $arc } else { @{ status = 'Disabled' } }
}

function Get-ArmToken($Context, $Arc, [string] $AccessToken, $Lab) {
    if ($AccessToken) { return $AccessToken }
    if ($Context.Switches.arcManagedIdentity) {
        throw (New-LabException "Arc integration on cluster '$($Context.Cluster.name)' uses the cluster's managed identity: pass -AccessToken (a token from the node's metadata endpoint)." 'InvalidArgument')
    }
    if (-not $Arc['appId'] -or -not $Arc['secret']) {
        throw (New-LabException "Arc integration on cluster '$($Context.Cluster.name)' has no onboarding credentials. Run Initialize-AzureStackHCIArcIntegration with -AppId and -Secret, or pass -AccessToken." 'InvalidOperation')
    }
    Get-SecretToken -Context $Context -Authority $Lab.authorityEndpoint -TenantId $Arc.tenantId -AppId $Arc.appId -Secret $Arc.secret -Scope $Lab.resourceManagerEndpoint
}

function Get-MachineUri($Lab, $Arc, [string] $NodeName) {
    "$($Lab.resourceManagerEndpoint.TrimEnd('/'))/subscriptions/$($Arc.subscriptionId)/resourceGroups/$($Arc.resourceGroup)/providers/Microsoft.HybridCompute/machines/$NodeName" +
    "?api-version=$script:HybridComputeApiVersion"
}

function Start-LabPeriodicSync($Context, [int] $Seconds, [DateTimeOffset] $EnabledAt) {
    <# The node's own sync, some time after its agent connected, as a real node syncs on a timer: a process of its own
       (setsid) that outlives the session, and does nothing if the node's Arc changed meanwhile (or the lab was reset). #>
    $arcFile = Join-Path $Context.NodeDir 'arc.json'
    $script = @"
Start-Sleep -Seconds $Seconds
`$arc = if (Test-Path '$arcFile') { Get-Content '$arcFile' -Raw | ConvertFrom-Json }
if (`$arc -and [DateTimeOffset] `$arc.enabledAt -eq [DateTimeOffset] '$($EnabledAt.ToString('o'))') {
    Import-Module AzStackHCI.LabNode
    Sync-AzureStackHCI -ErrorAction SilentlyContinue
}
"@
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
    Start-Process -FilePath setsid -ArgumentList (Join-Path $PSHOME 'pwsh'), '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded `
        -RedirectStandardOutput (Join-Path $Context.NodeDir 'periodic-sync.log') -RedirectStandardError (Join-Path $Context.NodeDir 'periodic-sync.err') | Out-Null
}
