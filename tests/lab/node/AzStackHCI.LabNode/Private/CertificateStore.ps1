# The node's certificate store: LocalMachine\My is the PFX files (with their keys) in <node>/certs, as pwsh on Linux
# has no Cert: drive; <node>/certificate.json names the registration certificate the node uses. Get-Item, Remove-Item
# (Public/Microsoft.PowerShell.Management.ps1) and Import-PfxCertificate (Public/PKI.ps1) serve it.

function Get-CertificateFolder($Context) {
    $folder = Join-Path $Context.NodeDir 'certs'
    if (-not (Test-Path $folder)) { New-Item -ItemType Directory -Path $folder | Out-Null }
    $folder
}

function Get-NodeCertificate($Context, [string] $Thumbprint) {
    $path = Join-Path (Get-CertificateFolder $Context) "$($Thumbprint.ToUpperInvariant()).pfx"
    if (-not (Test-Path $path)) { return $null }
    [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($path, $null,
        [Security.Cryptography.X509Certificates.X509KeyStorageFlags]::EphemeralKeySet)
}

function Get-NodeCertificateState($Context) {
    $state = Read-LabFile (Join-Path $Context.NodeDir 'certificate.json')
    if ($state) { $state } else { @{} }
}

function Resolve-NodeCertificate($Context, [string] $Thumbprint) {
    if (-not $Thumbprint) { $Thumbprint = (Get-NodeCertificateState $Context)['thumbprint'] }
    if (-not $Thumbprint) {
        throw (New-LabException "Node '$($Context.NodeName)' has no registration certificate. Run New-AzureStackHCIRegistrationCertificate or pass -CertificateThumbprint." 'ObjectNotFound')
    }
    $certificate = Get-NodeCertificate $Context $Thumbprint
    if (-not $certificate -or -not $certificate.HasPrivateKey) {
        throw (New-LabException "The certificate with thumbprint '$Thumbprint' is not in the certificate store of node '$($Context.NodeName)' (with its private key)." 'ObjectNotFound')
    }
    $certificate
}

function Get-LabStoreCertificate {
    <# Cert:\LocalMachine\<store>\<thumbprint> (wildcards allowed, as the Certificate provider allows them): the
       X509Certificate2 with its key, and the provider's PS* properties. Only My holds certificates here. #>
    param($Context, [string] $Store, [string] $Thumbprint)
    if ('My' -notlike $Store) { return }
    foreach ($file in Get-ChildItem -LiteralPath (Get-CertificateFolder $Context) -Filter *.pfx) {
        if ($file.BaseName -notlike $Thumbprint) { continue }
        $certificate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($file.FullName, $null,
            [Security.Cryptography.X509Certificates.X509KeyStorageFlags]::EphemeralKeySet)
        $certificate | Add-Member -NotePropertyMembers ([ordered]@{
                PSPath = "Microsoft.PowerShell.Security\Certificate::LocalMachine\My\$($certificate.Thumbprint)"
                PSParentPath = 'Microsoft.PowerShell.Security\Certificate::LocalMachine\My'
                PSChildName = $certificate.Thumbprint
                PSIsContainer = $false
            }) -PassThru
    }
}
