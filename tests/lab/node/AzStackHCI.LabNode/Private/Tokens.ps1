# Entra ID tokens the node gets from the lab authority: by a client assertion signed with the node's certificate
# (RFC 7523: the HCI service calls, Set-AzureStackHCIRegistrationCertificate) or with the Arc onboarding
# application's secret (Arc integration, the node's metadata endpoint).

function ConvertTo-Base64Url([byte[]] $Bytes) { [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_') }

function Get-TokenEndpoint([string] $Authority, [string] $TenantId) {
    $base = $Authority.TrimEnd('/')
    if ($base.Split('/')[-1] -ne $TenantId) { $base = "$base/$TenantId" }
    "$base/oauth2/v2.0/token"
}

function Get-DefaultScope([string] $Scope) {
    if ($Scope.EndsWith('/.default')) { $Scope } else { $Scope.TrimEnd('/') + '/.default' }
}

function Get-CertificateToken {
    <# A token for the cluster's application by a client assertion signed with this node's key (RFC 7523). #>
    param($Context, [string] $Authority, [string] $TenantId, [string] $AppId, [string] $Scope, $Certificate)
    $endpoint = Get-TokenEndpoint $Authority $TenantId
    $now = $Context.Now
    $header = [ordered]@{ alg = 'PS256'; typ = 'JWT'; 'x5t#S256' = ConvertTo-Base64Url ([Security.Cryptography.SHA256]::HashData($Certificate.RawData)) }
    $payload = [ordered]@{
        aud = $endpoint; iss = $AppId; sub = $AppId; jti = [guid]::NewGuid().ToString()
        nbf = $now.ToUnixTimeSeconds(); exp = $now.AddMinutes(10).ToUnixTimeSeconds()
    }
    $signingInput = (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes(($header | ConvertTo-Json -Compress)))) + '.' +
        (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes(($payload | ConvertTo-Json -Compress))))
    $key = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    try {
        $signature = $key.SignData([Text.Encoding]::ASCII.GetBytes($signingInput), [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pss)
    }
    finally { $key.Dispose() }
    $form = @{
        client_id = $AppId; grant_type = 'client_credentials'; scope = (Get-DefaultScope $Scope)
        client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
        client_assertion = "$signingInput.$(ConvertTo-Base64Url $signature)"
    }
    $response = Invoke-LabCloud -Context $Context -Method Post -Uri $endpoint -Form $form
    if ($response.Status -ne 200) {
        throw (New-LabException "Failed to get an access token for application '$AppId' from '$endpoint' with the certificate '$($Certificate.Thumbprint)' of node '$($Context.NodeName)': $(Get-CloudErrorText $response)" (Get-LabFailureCategory $response.Status 'AuthenticationError'))
    }
    $response.Body.access_token
}

function Get-SecretToken {
    param($Context, [string] $Authority, [string] $TenantId, [string] $AppId, [string] $Secret, [string] $Scope)
    $endpoint = Get-TokenEndpoint $Authority $TenantId
    $form = @{ client_id = $AppId; client_secret = $Secret; grant_type = 'client_credentials'; scope = (Get-DefaultScope $Scope) }
    $response = Invoke-LabCloud -Context $Context -Method Post -Uri $endpoint -Form $form
    if ($response.Status -ne 200) {
        throw (New-LabException "Failed to get an access token for application '$AppId' from '$endpoint': $(Get-CloudErrorText $response)" (Get-LabFailureCategory $response.Status 'AuthenticationError'))
    }
    $response.Body.access_token
}
