# Reliability (step 8): bad input to every command is refused with its stable error id before anything changes
# (both journals). The built module against the lab cloud and the 3-node lab cluster.

BeforeDiscovery {
    $token = 'TOKEN:https://management.core.windows.net/|3600'
    $credential = { param($User) [pscredential]::new($User, (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force)) }
    $cases = @(
        @{ Command = 'Register'; Case = 'a subscription id that is no GUID'; Parameters = @{ SubscriptionId = 'not-a-guid' }; ErrorId = 'InvalidSubscriptionId' }
        @{ Command = 'Register'; Case = 'a resource group name with a slash'; Parameters = @{ ResourceGroupName = 'bad/group' }; ErrorId = 'InvalidResourceGroupName' }
        @{ Command = 'Register'; Case = 'a resource group name of 91 characters'; Parameters = @{ ResourceGroupName = 'g' * 91 }; ErrorId = 'InvalidResourceGroupName' }
        @{ Command = 'Register'; Case = 'a resource group name ending in a period'; Parameters = @{ ResourceGroupName = 'group.' }; ErrorId = 'InvalidResourceGroupName' }
        @{ Command = 'Register'; Case = 'a resource name with #'; Parameters = @{ ResourceName = 'bad#name' }; ErrorId = 'InvalidResourceName' }
        @{ Command = 'Register'; Case = 'an Arc resource group name with a slash'; Parameters = @{ ArcServerResourceGroupName = 'bad/arc' }; ErrorId = 'InvalidResourceGroupName' }
        @{ Command = 'Register'; Case = 'an unknown environment'; Parameters = @{ EnvironmentName = 'NoSuchCloud' }; ErrorId = 'EnvironmentNotFound' }
        @{ Command = 'Register'; Case = 'a region Azure Stack HCI is not in'; Parameters = @{ Region = 'Atlantis' }; ErrorId = 'RegionNotSupported' }
        @{ Command = 'Register'; Case = 'an unreachable computer'; Parameters = @{ ComputerName = 'no-such-node' }; ErrorId = 'NodeUnreachable' }
        @{ Command = 'Register'; Case = 'a throttle limit of 0'; Parameters = @{ ThrottleLimit = 0 }; ErrorId = 'ParameterArgumentValidationError' }
        @{ Command = 'Register'; Case = 'a service principal id without a certificate or token file'; Parameters = @{ ServicePrincipalId = '00000000-0000-0000-0000-000000000001' }; ErrorId = 'IncompleteServicePrincipal' }
        @{ Command = 'Register'; Case = 'half a service principal certificate'; Parameters = @{ ServicePrincipalCertificatePath = '/tmp/no-such.pem' }; ErrorId = 'IncompleteServicePrincipalCertificate' }
        @{ Command = 'Register'; Case = 'a federated token file without its application'; Parameters = @{ FederatedTokenFile = '/tmp/no-such.jwt'; TenantId = 'LAB-TENANT' }; ErrorId = 'IncompleteFederatedSignIn' }
        @{ Command = 'Register'; Case = 'a service principal without tenant'; Parameters = @{ ServicePrincipalCredential = (& $credential 'app') }; ErrorId = 'TenantIdRequired' }
        @{ Command = 'Register'; Case = 'a secret credential for an application that does not exist'; Parameters = @{ ServicePrincipalCredential = (& $credential '7d3c8f0e-1111-4222-8333-944455556666'); TenantId = 'LAB-TENANT' }; ErrorId = 'AuthenticationFailed' }
        @{ Command = 'Register'; Case = 'a WinRM credential for SSH'; Parameters = @{ Transport = 'SSH'; Credential = (& $credential 'root') }; ErrorId = 'CredentialNotForSsh' }
        @{ Command = 'Register'; Case = 'an ARM token without a Graph token'; Parameters = @{ ArmAccessToken = $token }; ErrorId = 'GraphAccessTokenRequired' }
        @{ Command = 'Register'; Case = 'an expired ARM token'; Parameters = @{ ArmAccessToken = 'TOKEN:https://management.core.windows.net/|-60'; GraphAccessToken = 'TOKEN:graph|3600' }; ErrorId = 'AccessTokenExpired' }
        @{ Command = 'Register'; Case = 'an expired Graph token'; Parameters = @{ ArmAccessToken = $token; GraphAccessToken = 'TOKEN:graph|-60' }; ErrorId = 'AccessTokenExpired' }
        @{ Command = 'Register'; Case = 'an ARM token for another audience'; Parameters = @{ ArmAccessToken = 'TOKEN:https://vault.azure.net/|3600'; GraphAccessToken = 'TOKEN:graph|3600' }; ErrorId = 'AccessTokenWrongAudience' }
        @{ Command = 'Register'; Case = 'two ways to sign in'; Parameters = @{ UseDeviceAuthentication = $true; ArmAccessToken = $token }; ErrorId = 'ConflictingSignInParameters' }
        @{ Command = 'Register'; Case = 'a certificate that is on no node'; Parameters = @{ CertificateThumbprint = 'A' * 40 }; ErrorId = 'CertificateNotFoundOnNode' }
        @{ Command = 'Register'; Case = 'a certificate expiring within 60 days'; Certificate = @{ From = -1; To = 30 }; ErrorId = 'CertificateExpiresSoon' }
        @{ Command = 'Register'; Case = 'an expired certificate'; Certificate = @{ From = -60; To = -1 }; ErrorId = 'CertificateExpiresSoon' }
        @{ Command = 'Register'; Case = 'a logs directory that cannot be written'; Parameters = @{ LogsDirectory = 'UNWRITABLE' }; ErrorId = 'LogsDirectoryNotWritable' }
        @{ Command = 'Unregister'; Case = 'a subscription id that is no GUID'; Parameters = @{ SubscriptionId = 'not-a-guid' }; ErrorId = 'InvalidSubscriptionId' }
        @{ Command = 'Unregister'; Case = 'a resource name with #'; Parameters = @{ ResourceName = 'bad#name' }; ErrorId = 'InvalidResourceName' }
        @{ Command = 'Unregister'; Case = 'an unknown environment'; Parameters = @{ EnvironmentName = 'NoSuchCloud' }; ErrorId = 'EnvironmentNotFound' }
        @{ Command = 'Unregister'; Case = 'an unreachable computer'; Parameters = @{ ComputerName = 'no-such-node' }; ErrorId = 'NodeUnreachable' }
        @{ Command = 'Unregister'; Case = 'a cluster that is not registered, with no resource named'; Parameters = @{}; ErrorId = 'RegistrationInfoNotFound' }
        @{ Command = 'Unregister'; Case = 'a logs directory that cannot be written'; Parameters = @{ LogsDirectory = 'UNWRITABLE' }; ErrorId = 'LogsDirectoryNotWritable' }
        @{ Command = 'Get'; Case = 'an unreachable computer'; Parameters = @{ ComputerName = 'no-such-node' }; ErrorId = 'NodeUnreachable' }
        @{ Command = 'Get'; Case = 'an unknown environment'; Parameters = @{ EnvironmentName = 'NoSuchCloud'; UseDeviceAuthentication = $true }; ErrorId = 'EnvironmentNotFound' }
        @{ Command = 'Test'; Case = 'an unknown environment'; Parameters = @{ EnvironmentName = 'NoSuchCloud' }; ErrorId = 'EnvironmentNotFound' }
        @{ Command = 'Test'; Case = 'an unreachable computer'; Parameters = @{ ComputerName = 'no-such-node' }; ErrorId = 'NodeUnreachable' }
        @{ Command = 'AddEnvironment'; Case = 'an http endpoint'; Parameters = @{ ResourceManagerEndpoint = 'http://management.example.com/' }; ErrorId = 'ResourceManagerEndpointNotHttps' }
        @{ Command = 'AddEnvironment'; Case = 'an endpoint nobody answers'; Parameters = @{ ResourceManagerEndpoint = 'https://127.0.0.1:9/' }; ErrorId = 'ArmMetadataUnreachable' }
        @{ Command = 'AddEnvironment'; Case = 'the name of a built-in cloud'; Parameters = @{ Name = 'AzureCloud' }; ErrorId = 'EnvironmentNameReserved' }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $entry = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName }
    $defaults = @{
        Register       = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName; SubscriptionId = $lab.subscriptionId; Region = 'eastus'; EnableAzureArcServer = $false; LogsDirectory = $TestDrive }
        Unregister     = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName; LogsDirectory = $TestDrive; Confirm = $false }
        Get            = @{ ComputerName = $cluster.nodes[0] }
        Test           = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName }
        AddEnvironment = @{ Name = 'Reliability'; ResourceManagerEndpoint = $lab.resourceManagerEndpoint; Scope = 'Process' }
    }
    $commandNames = @{ Register = 'Register-AzStackHCI'; Unregister = 'Unregister-AzStackHCI'; Get = 'Get-AzStackHCI'; Test = 'Test-AzStackHCIConnection'; AddEnvironment = 'Add-AzStackHCIEnvironment' }

    function Resolve-Value($Value) {
        if ($Value -isnot [string]) { return $Value }
        if ($Value.StartsWith('TOKEN:')) { return New-FakeToken $Value }
        if ($Value -eq 'LAB-TENANT') { return $lab.tenantId }
        if ($Value -eq 'UNWRITABLE') { $file = Join-Path $TestDrive 'a-file'; Set-Content $file 'x'; return (Join-Path $file 'logs') }
        $Value
    }

    function Add-UserCertificate([int] $From, [int] $To) {
        <# A certificate valid from/to these days from now, imported with its key into every node's LocalMachine\My. #>
        $rsa = [Security.Cryptography.RSA]::Create(2048)
        try {
            $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new("CN=$($cluster.name)-user, O=Contoso", $rsa,
                [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $now = [DateTimeOffset]::UtcNow
            $certificate = $request.CreateSelfSigned($now.AddDays($From), $now.AddDays($To))
            $path = Join-Path $TestDrive "$($certificate.Thumbprint).pfx"
            [IO.File]::WriteAllBytes($path, $certificate.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12))
        }
        finally { $rsa.Dispose() }
        foreach ($node in $cluster.nodes) {
            Invoke-Command -HostName $node -ScriptBlock { param($Path) Import-PfxCertificate -FilePath $Path -CertStoreLocation Cert:\LocalMachine\My -ErrorAction Stop } -ArgumentList $path | Out-Null
        }
        $certificate.Thumbprint
    }
}

Describe 'Reliability: bad input' -Tag 'Reliability' {
    BeforeEach {
        Reset-Lab
    }

    It '<Command> refuses <Case> with <ErrorId> and changes nothing' -ForEach $cases {
        $arguments = $defaults[$Command].Clone()
        foreach ($key in $Parameters.Keys) { $arguments[$key] = Resolve-Value $Parameters[$key] }
        if ($Certificate) { $arguments.CertificateThumbprint = Add-UserCertificate $Certificate.From $Certificate.To }
        Clear-LabJournals

        $thrown = { & $commandNames[$Command] @arguments -WarningAction SilentlyContinue -ErrorAction Stop } | Should -Throw -ErrorId "$ErrorId,*" -PassThru

        $thrown.Exception.Message.Length | Should -BeGreaterThan 20
        Get-LabWrites | Should -BeNullOrEmpty
        Get-LabNodeWrites | Should -BeNullOrEmpty
    }
}
