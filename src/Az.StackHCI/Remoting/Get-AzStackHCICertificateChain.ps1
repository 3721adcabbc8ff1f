# Defined in the node session before the command runs (it is no OS command): the certificate chain a node is shown
# for an HTTPS endpoint, directly or through a proxy's CONNECT tunnel, as Microsoft's Environment Checker reads it
# to detect TLS inspection (its Get-SslCertificateChain -Url -Proxy -ProxyCredential). Validation stays the
# platform's own. Windows PowerShell 5.1 too.
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
        # The platform's own validation, no callback: a trusted endpoint's chain is built for the certificate it showed;
        # an untrusted one comes back as the handshake's error.
        $ssl = New-Object System.Net.Security.SslStream($stream, $false)
        try {
            $ssl.AuthenticateAsClient($Uri.DnsSafeHost)
            $chain = New-Object System.Security.Cryptography.X509Certificates.X509Chain
            [void] $chain.Build((New-Object System.Security.Cryptography.X509Certificates.X509Certificate2($ssl.RemoteCertificate)))
            $elements = @($chain.ChainElements | ForEach-Object { [pscustomobject]@{ Subject = $_.Certificate.Subject; Issuer = $_.Certificate.Issuer; Thumbprint = $_.Certificate.Thumbprint } })
            [pscustomobject]@{ Chain = $elements; Trusted = $true; Error = $null }
        }
        catch { [pscustomobject]@{ Chain = @(); Trusted = $false; Error = $_.Exception.GetBaseException().Message } }
        finally { $ssl.Dispose() }
    }
    finally { $client.Dispose() }
}
