# The node's HTTPS calls to the lab cloud (trusted through SSL_CERT_FILE, cut by the noConnectivity switch), the
# cloud's error text, and the lab connection file (HCI_LAB_JSON) that names the endpoints the node talks to.

function Invoke-LabCloud {
    <# One HTTPS call from this node to the lab cloud: @{ Status; Body }. Honours the noConnectivity switch. #>
    param($Context, [string] $Method, [string] $Uri, [hashtable] $Headers = @{}, [hashtable] $Form, $Json)
    $target = [Uri] $Uri
    if ($Context.Switches.noConnectivity) {
        throw [Net.Http.HttpRequestException]::new("No route to host ($($target.Authority))", [Net.Sockets.SocketException]::new(113))
    }
    $parameters = @{ Method = $Method; Uri = $target; Headers = $Headers; SkipHttpErrorCheck = $true; StatusCodeVariable = 'status'; TimeoutSec = 60 }
    if ($Form) { $parameters.Body = $Form; $parameters.ContentType = 'application/x-www-form-urlencoded' }
    elseif ($null -ne $Json) { $parameters.Body = ($Json | ConvertTo-Json -Depth 10 -Compress); $parameters.ContentType = 'application/json' }
    $body = Microsoft.PowerShell.Utility\Invoke-RestMethod @parameters
    @{ Status = [int] $status; Body = $body }
}

function Get-CloudErrorText($Response) {
    $body = $Response.Body
    if ($body -is [string] -and $body) { try { $body = $body | ConvertFrom-Json } catch { return "HTTP $($Response.Status): $body" } }
    if ($body -and $body.PSObject.Properties['error_description']) { return $body.error_description }
    if ($body -and $body.PSObject.Properties['error'] -and $body.error.PSObject.Properties['code']) { return "$($body.error.code): $($body.error.message)" }
    if ($body -and $body.PSObject.Properties['error']) { return [string] $body.error }
    "HTTP $($Response.Status)"
}

function Get-LabConnection {
    if (-not $env:HCI_LAB_JSON -or -not (Test-Path $env:HCI_LAB_JSON)) { throw (New-LabException 'The lab connection file (HCI_LAB_JSON) is missing: is the lab cloud running?') }
    Get-Content $env:HCI_LAB_JSON -Raw | ConvertFrom-Json
}
