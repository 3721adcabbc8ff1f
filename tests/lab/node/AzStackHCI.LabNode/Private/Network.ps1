# The node's network for Invoke-WebRequest and Resolve-DnsName: the names its DNS answers NXDOMAIN for
# (unresolvableNames), its WinINet proxy and bypass list (Microsoft's Environment Checker), requests through a proxy,
# and their failures as pwsh and .NET on Windows write them. See docs/lab.md, "Lab nodes" and "Proxies".

function Test-LabNameUnresolvable($Context, [string] $HostName) {
    <# True when the node's DNS answers NXDOMAIN for the name (the unresolvableNames switch: exact names, any case). #>
    $wanted = $HostName.TrimEnd('.')
    foreach ($listed in @($Context.Switches.unresolvableNames)) {
        if ($listed -and [string]::Equals(([string] $listed).TrimEnd('.'), $wanted, [StringComparison]::OrdinalIgnoreCase)) { return $true }
    }
    $false
}

function New-LabWebRequestError([Exception] $Exception, $Target) {
    <# A failed request as pwsh's Invoke-WebRequest writes it: WebCmdletWebResponseException, InvalidOperation, the inner
       exception's text as ErrorDetails. #>
    $record = [Management.Automation.ErrorRecord]::new($Exception, 'WebCmdletWebResponseException', 'InvalidOperation', $Target)
    if ($Exception.InnerException) { $record.ErrorDetails = [Management.Automation.ErrorDetails]::new($Exception.InnerException.Message) }
    Set-LabErrorId $record 'WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeWebRequestCommand'
}

function New-LabNameResolutionError([Uri] $Endpoint, $Target) {
    <# What .NET on Windows throws for a host its DNS does not know: HttpRequestException (NameResolutionError) with a
       SocketException 11001 (WSAHOST_NOT_FOUND) inside. #>
    $socket = [Net.Sockets.SocketException]::new(11001, 'No such host is known.')
    $exception = [Net.Http.HttpRequestException]::new([Net.Http.HttpRequestError]::NameResolutionError, "No such host is known. ($($Endpoint.Host):$($Endpoint.Port))", $socket, $null)
    New-LabWebRequestError $exception $Target
}

function Test-LabProxyBypass([string] $List, [Uri] $Target) {
    <# WinINet's ProxyOverride: entries separated by ';' (or spaces, commas), '*' as wildcard, matched against the host
       or host:port, an optional scheme:// ignored; <local> is every name without a dot. #>
    foreach ($entry in @($List -split '[;,\s]+' | Where-Object { $_ })) {
        if ($entry -eq '<local>') {
            if ($Target.HostNameType -eq 'Dns' -and -not $Target.Host.Contains('.')) { return $true }
            continue
        }
        $pattern = '^' + [regex]::Escape(($entry -replace '^[a-z][a-z0-9+.-]*://', '')).Replace('\*', '.*').Replace('\?', '.') + '$'
        if ($Target.Host -match $pattern -or "$($Target.Host):$($Target.Port)" -match $pattern) { return $true }
    }
    $false
}

function Get-LabWinInetProxy($Context, [Uri] $Target) {
    <#
        The proxy Windows PowerShell's Invoke-WebRequest takes from WinINet for this target when no -Proxy is given
        (Microsoft's Environment Checker: "In the case of a proxy being configured on the box, invoke-webrequest will
        use the wininet proxy for all calls"): the winInet switch's proxyServer, per machine or per user, unless the
        target is in its bypass list; null for a direct connection. "host:port" is taken as http://host:port, and
        "http=…;https=…" by the target's scheme. The lab cloud's 127.0.0.1 endpoints stand for Internet hosts, so the
        loopback bypass of .NET and WinINet does not apply to them.
    #>
    $winInet = Get-LabNodeProxySetting $Context 'winInet'
    if (-not $winInet -or -not $winInet['proxyServer']) { return $null }
    $server = ([string] $winInet['proxyServer']).Trim()
    if ($server.Contains('=')) {
        $server = @($server -split ';' | ForEach-Object { $_.Trim() } | Where-Object { $_ -like "$($Target.Scheme)=*" } | ForEach-Object { $_.Substring($Target.Scheme.Length + 1) }) | Select-Object -First 1
        if (-not $server) { return $null }
    }
    if (Test-LabProxyBypass ([string] $winInet['proxyBypass']) $Target) { return $null }
    if ($server -notmatch '^[a-z][a-z0-9+.-]*://') { $server = "http://$server" }
    [Uri] $server
}

function Invoke-LabProxiedWebRequest {
    <# The request through a proxy, with .NET's HttpClient and WebProxy (pwsh's own -Proxy would not proxy the lab's
       loopback endpoints): a response shaped as Invoke-WebRequest's, or its error. #>
    param([Uri] $Uri, [string] $Method, [System.Collections.IDictionary] $Headers, [int] $TimeoutSec, [Uri] $Proxy, [pscredential] $Credential, [bool] $DefaultCredentials)
    $webProxy = [Net.WebProxy]::new($Proxy)
    if ($Credential) { $webProxy.Credentials = $Credential.GetNetworkCredential() }
    elseif ($DefaultCredentials) { $webProxy.UseDefaultCredentials = $true }
    $handler = [Net.Http.SocketsHttpHandler]::new()
    $handler.Proxy = $webProxy
    $handler.UseProxy = $true
    $client = [Net.Http.HttpClient]::new($handler)
    try {
        $client.Timeout = if ($TimeoutSec -gt 0) { [TimeSpan]::FromSeconds($TimeoutSec) } else { [TimeSpan]::FromSeconds(100) }
        $request = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::new($Method.ToUpperInvariant()), $Uri)
        $null = $request.Headers.TryAddWithoutValidation('User-Agent', 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.20348.2582')
        foreach ($name in @($Headers.Keys)) { $null = $request.Headers.TryAddWithoutValidation([string] $name, [string] $Headers[$name]) }
        try { $response = $client.SendAsync($request).GetAwaiter().GetResult() }
        catch [Net.Http.HttpRequestException] { return (New-LabWebRequestError $_.Exception $Uri) }
        catch [Threading.Tasks.TaskCanceledException] {
            $record = [Management.Automation.ErrorRecord]::new($_.Exception, 'System.Threading.Tasks.TaskCanceledException', 'OperationTimeout', $Uri)
            return (Set-LabErrorId $record 'System.Threading.Tasks.TaskCanceledException,Microsoft.PowerShell.Commands.InvokeWebRequestCommand')
        }
        $content = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        $status = [int] $response.StatusCode
        if (-not $response.IsSuccessStatusCode) {
            $exception = [Microsoft.PowerShell.Commands.HttpResponseException]::new("Response status code does not indicate success: $status ($($response.ReasonPhrase)).", $response)
            $record = New-LabWebRequestError $exception $Uri
            if ($content) { $record.ErrorDetails = [Management.Automation.ErrorDetails]::new($content) }
            return $record
        }
        $headerTable = [ordered]@{}
        foreach ($header in @($response.Headers) + @($response.Content.Headers)) { $headerTable[$header.Key] = ($header.Value -join ', ') }
        [pscustomobject]@{
            PSTypeName        = 'Microsoft.PowerShell.Commands.BasicHtmlWebResponseObject'
            StatusCode        = $status
            StatusDescription = $response.ReasonPhrase
            Content           = $content
            Headers           = $headerTable
            RawContentLength  = [long] [Text.Encoding]::UTF8.GetByteCount([string] $content)
        }
    }
    finally { $client.Dispose() }
}
