# Emulates Microsoft.PowerShell.Utility as seen from a lab node: Invoke-WebRequest over the node's network (the
# noConnectivity switch, -Proxy or its WinINet proxy, its DNS; as Windows PowerShell 5.1 sends it), Invoke-RestMethod
# plus the node's metadata endpoint (MS 2.x's CustomIMDSHostAddress), Get-Date on the node's clock (clockSkewSeconds).
# Everything else goes to Microsoft.PowerShell.Utility's own commands (docs/lab.md, "Lab nodes").

function Invoke-WebRequest {
    <#
        Invoke-WebRequest from this node: its latency first; no route anywhere while the noConnectivity switch is on;
        through -Proxy (with -ProxyCredential or -ProxyUseDefaultCredentials) or, without it, through the node's
        WinINet proxy unless the target is in its bypass list, as Windows PowerShell 5.1 on a node sends it; a proxy or
        a directly reached host that the node's DNS does not know (unresolvableNames) fails as an unknown host does.
        Through a proxy the node does not resolve the target itself: the proxy does. Direct requests go to
        Microsoft.PowerShell.Utility\Invoke-WebRequest.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [Uri] $Uri,
        [string] $Method = 'Get',
        [switch] $UseBasicParsing,
        [int] $TimeoutSec,
        [System.Collections.IDictionary] $Headers,
        [Uri] $Proxy,
        [pscredential] $ProxyCredential,
        [switch] $ProxyUseDefaultCredentials
    )
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        if ($context.Switches.noConnectivity) {
            $exception = [Net.Http.HttpRequestException]::new("No route to host ($($Uri.Authority))", [Net.Sockets.SocketException]::new(113))
            $PSCmdlet.WriteError((New-LabWebRequestError $exception $Uri))
            return
        }
        $through = if ($Proxy) { $Proxy } else { Get-LabWinInetProxy $context $Uri }
        if ($through) {
            if (Test-LabNameUnresolvable $context $through.Host) { $PSCmdlet.WriteError((New-LabNameResolutionError $through $Uri)); return }
            $result = Invoke-LabProxiedWebRequest -Uri $Uri -Method $Method -Headers $(if ($Headers) { $Headers } else { @{} }) -TimeoutSec $TimeoutSec `
                -Proxy $through -Credential $ProxyCredential -DefaultCredentials $ProxyUseDefaultCredentials.IsPresent
            if ($result -is [Management.Automation.ErrorRecord]) { $PSCmdlet.WriteError($result) } else { $result }
            return
        }
        if (Test-LabNameUnresolvable $context $Uri.Host) { $PSCmdlet.WriteError((New-LabNameResolutionError $Uri $Uri)); return }
        $forward = @{} + $PSBoundParameters
        Microsoft.PowerShell.Utility\Invoke-WebRequest @forward
    }
    finally { Exit-LabNodeCommand $context }
}

function Invoke-RestMethod {
    <# Microsoft.PowerShell.Utility\Invoke-RestMethod, plus the node's metadata endpoint (http://127.0.0.1:42542, MS 2.x's
       CustomIMDSHostAddress): /metadata/instance, and /metadata/identity/oauth2/token?resource=<ARM> giving an ARM token
       for the cluster's identity (in the lab: signed in as the Arc onboarding application Initialize stored). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [Uri] $Uri,
        [string] $Method = 'Get',
        [switch] $UseBasicParsing,
        [System.Collections.IDictionary] $Headers,
        [switch] $UseDefaultCredentials
    )
    if ($Uri.AbsoluteUri -notmatch $script:NodeMetadataPattern) {
        Microsoft.PowerShell.Utility\Invoke-RestMethod @PSBoundParameters
        return
    }
    $path = $Matches['path']; $query = [Web.HttpUtility]::ParseQueryString([string] $Matches['query'])
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        if (-not $Headers -or [string] $Headers['metadata'] -ne 'true') {
            $PSCmdlet.WriteError((New-LabErrorRecord 'Required metadata header not specified' 'MetadataHeaderMissing' 'InvalidArgument' $Uri))
            return
        }
        $lab = Get-LabConnection
        switch ($path) {
            'instance' { [pscustomobject]@{ compute = [pscustomobject]@{ AzEnvironment = 'AzureStackHCILab'; name = $context.NodeName } } }
            'identity/oauth2/token' {
                $arc = Get-ClusterArc $context
                if (-not $arc['appId'] -or -not $arc['secret'] -or -not $query['resource']) {
                    $PSCmdlet.WriteError((New-LabErrorRecord "No identity is available for resource '$($query['resource'])' on node '$($context.NodeName)'." 'IdentityNotFound' 'ObjectNotFound' $Uri))
                    return
                }
                try {
                    $token = Get-SecretToken -Context $context -Authority $lab.authorityEndpoint -TenantId $arc.tenantId -AppId $arc.appId -Secret $arc.secret -Scope $query['resource']
                    [pscustomobject]@{ access_token = $token; token_type = 'Bearer'; resource = $query['resource'] }
                }
                catch { $PSCmdlet.WriteError((ConvertTo-ErrorRecord $_ 'IdentityTokenFailed' $Uri)) }
            }
            default { $PSCmdlet.WriteError((New-LabErrorRecord "Not found: /metadata/$path" 'NotFound' 'ObjectNotFound' $Uri)) }
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Get-Date {
    <# Microsoft.PowerShell.Utility\Get-Date on this node's clock: real time plus the clockSkewSeconds switch. #>
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline)] [datetime] $Date, [string] $Format, [switch] $AsUTC)
    process {
        $forward = @{} + $PSBoundParameters
        if (-not $PSBoundParameters.ContainsKey('Date')) { $forward.Date = [datetime]::Now.AddSeconds([double] (Get-LabNodeContext).Switches.clockSkewSeconds) }
        Microsoft.PowerShell.Utility\Get-Date @forward
    }
}
