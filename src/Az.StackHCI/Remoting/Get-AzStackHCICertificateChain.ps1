# Defined in the node session before the command runs (it is no OS command): the certificate chain a node is shown
# for an HTTPS endpoint, directly or through a proxy's CONNECT tunnel, as Microsoft's Environment Checker reads it
# to detect TLS inspection (its Get-SslCertificateChain -Url -Proxy -ProxyCredential). Validation stays on: the
# callback records what the node was shown and returns the platform's own verdict. Windows PowerShell 5.1 too.
function Get-AzStackHCICertificateChain {
    param([Parameter(Mandatory)] [uri] $Uri, [uri] $Proxy, [pscredential] $ProxyCredential, [int] $TimeoutSec = 30)
    $port = if ($Uri.Port -gt 0) { $Uri.Port } else { 443 }
    $via = if ($Proxy) { $Proxy } else { $Uri }
    $viaPort = if ($Proxy) { $Proxy.Port } else { $port }
    $client = New-Object System.Net.Sockets.TcpClient
    try {
        if (-not $client.ConnectAsync($via.DnsSafeHost, $viaPort).Wait($TimeoutSec * 1000)) { throw "Connecting to $($via.DnsSafeHost):$viaPort timed out after $TimeoutSec s." }
        $stream = $client.GetStream()
        $stream.ReadTimeout = $TimeoutSec * 1000
        $stream.WriteTimeout = $TimeoutSec * 1000
        if ($Proxy) {
            $request = "CONNECT $($Uri.DnsSafeHost):$port HTTP/1.1`r`nHost: $($Uri.DnsSafeHost):$port`r`n"
            if ($ProxyCredential) {
                $pair = $ProxyCredential.UserName + ':' + $ProxyCredential.GetNetworkCredential().Password
                $request += 'Proxy-Authorization: Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($pair)) + "`r`n"
            }
            $bytes = [Text.Encoding]::ASCII.GetBytes($request + "`r`n")
            $stream.Write($bytes, 0, $bytes.Length)
            $head = New-Object System.Text.StringBuilder
            while (-not $head.ToString().EndsWith("`r`n`r`n")) {
                $byte = $stream.ReadByte()
                if ($byte -lt 0 -or $head.Length -gt 16384) { throw "The proxy $($Proxy.Authority) closed the connection without answering CONNECT." }
                [void] $head.Append([char] $byte)
            }
            $status = ($head.ToString() -split "`r`n")[0]
            if ($status -notmatch '^HTTP/\d\.\d 200') { throw "The proxy $($Proxy.Authority) refused the tunnel to $($Uri.DnsSafeHost):${port}: $status" }
        }
        $seen = @{}
        $callback = [System.Net.Security.RemoteCertificateValidationCallback] {
            param($sender, $certificate, $chain, $errors)
            $seen.Chain = @($chain.ChainElements | ForEach-Object { [pscustomobject]@{ Subject = $_.Certificate.Subject; Issuer = $_.Certificate.Issuer; Thumbprint = $_.Certificate.Thumbprint } })
            $seen.Errors = [string] $errors
            $errors -eq [System.Net.Security.SslPolicyErrors]::None
        }
        $ssl = New-Object System.Net.Security.SslStream($stream, $false, $callback)
        $failure = $null
        try { $ssl.AuthenticateAsClient($Uri.DnsSafeHost) } catch { $failure = $_.Exception.GetBaseException().Message }
        finally { $ssl.Dispose() }
        if (-not $seen.Chain) { throw "No certificate from $($Uri.DnsSafeHost):${port}: $failure" }
        [pscustomobject]@{ Chain = $seen.Chain; PolicyErrors = $seen.Errors; Trusted = -not $failure; Error = $failure }
    }
    finally { $client.Dispose() }
}
