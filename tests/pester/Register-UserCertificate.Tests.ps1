# Register-AzStackHCI -CertificateThumbprint end to end: a certificate the user put into the LocalMachine store of the
# lab nodes (Import-PfxCertificate over PowerShell remoting, as an administrator would), each test on a fresh lab.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $nodeNames = $cluster.nodes | ForEach-Object { "$_.$($cluster.domain)" }
    $common = @{
        SubscriptionId       = $lab.subscriptionId
        EnvironmentName      = $lab.environmentName
        ComputerName         = $cluster.nodes[0]
        Region               = 'East US'
        EnableAzureArcServer = $false
        LogsDirectory        = $TestDrive
    }
    $resourceId = "/subscriptions/$($lab.subscriptionId)/resourceGroups/$($cluster.name)-rg/providers/Microsoft.AzureStackHCI/clusters/$($cluster.name)"

    function Register([hashtable] $Extra = @{}) {
        $parameters = $common.Clone()
        foreach ($key in $Extra.Keys) { $parameters[$key] = $Extra[$key] }
        Register-AzStackHCI @parameters -ErrorAction Stop -WarningAction SilentlyContinue
    }

    function New-UserCertificate([int] $ValidDays) {
        <# A client-authentication certificate with its RSA key, as a PFX file (no password) in the test drive. #>
        $rsa = [Security.Cryptography.RSA]::Create(2048)
        try {
            $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$($cluster.name)-registration, O=Contoso", $rsa,
                [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $usages = [Security.Cryptography.OidCollection]::new()
            $usages.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2')) | Out-Null
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($usages, $false))
            $now = [DateTimeOffset]::UtcNow
            $certificate = $request.CreateSelfSigned($now.AddDays(-1), $now.AddDays($ValidDays))
            $path = Join-Path $TestDrive "$($certificate.Thumbprint).pfx"
            [IO.File]::WriteAllBytes($path, $certificate.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12))
            [pscustomobject]@{ Thumbprint = $certificate.Thumbprint; Path = $path; RawData = $certificate.RawData }
        }
        finally { $rsa.Dispose() }
    }

    function Add-UserCertificate($Certificate, [string[]] $Nodes) {
        <# Import-PfxCertificate into Cert:\LocalMachine\My on each node, over the same remoting the module uses. #>
        foreach ($node in $Nodes) {
            $imported = Invoke-Command -HostName $node -ScriptBlock {
                param($Path)
                Import-PfxCertificate -FilePath $Path -CertStoreLocation Cert:\LocalMachine\My -ErrorAction Stop
            } -ArgumentList $Certificate.Path
            $imported.Thumbprint | Should -Be $Certificate.Thumbprint
        }
    }
}

Describe 'Register-AzStackHCI -CertificateThumbprint' {
    BeforeEach {
        Reset-Lab
    }

    It 'registers with the user''s certificate found on every node: one key credential, every node on that thumbprint' {
        $certificate = New-UserCertificate -ValidDays 365
        Add-UserCertificate $certificate $cluster.nodes

        $result = Register @{ CertificateThumbprint = $certificate.Thumbprint.ToLowerInvariant() }

        $result.Result | Should -Be 'Success'
        $result.AzureResourceId | Should -Be $resourceId
        ($result.Nodes.ComputerName | Sort-Object) | Should -Be ($nodeNames | Sort-Object)
        $result.Nodes.Status | Should -Be @('Registered', 'Registered', 'Registered')
        $result.Nodes.CertificateThumbprint | Should -Be @($certificate.Thumbprint, $certificate.Thumbprint, $certificate.Thumbprint)
        $appId = (Invoke-LabArm GET "$($resourceId)?api-version=2024-04-01").properties.aadClientId
        $app = Invoke-LabGraph GET "applications(appId='$appId')?`$select=keyCredentials"
        @($app.keyCredentials).Count | Should -Be 1
        $app.keyCredentials[0].key | Should -Be ([Convert]::ToBase64String($certificate.RawData))
    }

    It 'names exactly the node without the certificate and changes nothing' {
        $certificate = New-UserCertificate -ValidDays 365
        Add-UserCertificate $certificate $cluster.nodes[0..1]

        $err = { Register @{ CertificateThumbprint = $certificate.Thumbprint } } |
            Should -Throw -ErrorId 'CertificateNotFoundOnNode,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Be "Certificate with thumbprint $($certificate.Thumbprint) not found on node(s) $($nodeNames[2]). Make sure the certificate has been added to the certificate store on every clustered node."
        Get-LabWrites | Should -BeNullOrEmpty
    }

    It 'refuses a certificate that expires within 60 days and changes nothing' {
        $certificate = New-UserCertificate -ValidDays 30
        Add-UserCertificate $certificate $cluster.nodes

        $err = { Register @{ CertificateThumbprint = $certificate.Thumbprint } } |
            Should -Throw -ErrorId 'CertificateExpiresSoon,Az.StackHCI.Commands.RegisterAzStackHCICommand' -PassThru

        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike "Can't use certificate with thumbprint $($certificate.Thumbprint) because it expires in less than 60 days, on *. Certificates must be valid for at least 60 days."
        Get-LabWrites | Should -BeNullOrEmpty
    }
}
