# Emulates the PKI module's Import-PfxCertificate on a lab node: into Cert:\LocalMachine\My, the node's only store
# (Private/CertificateStore.ps1).

function Import-PfxCertificate {
    <# As the PKI module's: the PFX (with its key) into Cert:\LocalMachine\My, the only store of a lab node. #>
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $FilePath,
        [string] $CertStoreLocation = 'Cert:\LocalMachine\My',
        [securestring] $Password,
        [switch] $Exportable
    )
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        if ($CertStoreLocation -notmatch $script:CertPathPattern -or $Matches['store'] -ne 'My' -or $Matches['thumbprint']) {
            $PSCmdlet.WriteError((New-LabErrorRecord "Lab nodes have one certificate store, Cert:\LocalMachine\My; '$CertStoreLocation' is not supported." 'StoreNotSupported' 'InvalidArgument' $CertStoreLocation))
            return
        }
        try {
            $plain = if ($Password) { [Net.NetworkCredential]::new('', $Password).Password } else { $null }
            $certificate = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($FilePath, $plain,
                [Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable)
            if (-not $PSCmdlet.ShouldProcess($certificate.Thumbprint, "Import into $CertStoreLocation")) { return }
            # Kept as the node keeps its own certificates: a PFX with the key, no password, readable by the node only.
            $path = Join-Path (Get-CertificateFolder $context) "$($certificate.Thumbprint).pfx"
            [IO.File]::WriteAllBytes($path, $certificate.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12))
            if (-not $IsWindows) { [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode] 'UserRead, UserWrite') }
            Get-LabStoreCertificate $context 'My' $certificate.Thumbprint
        }
        catch {
            $PSCmdlet.WriteError((ConvertTo-ErrorRecord $_ 'ImportPfxCertificateFailed' $FilePath))
        }
    }
    finally { Exit-LabNodeCommand $context }
}
