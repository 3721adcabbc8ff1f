# Emulates the OS's AzureStackHCI module on a lab node: Get-AzureStackHCI, the registration cmdlets
# (*-AzureStackHCIRegistrationCertificate, Set-/Remove-AzureStackHCIRegistration, Sync-AzureStackHCI) and the
# *-AzureStackHCIArcIntegration family, taking the calls Microsoft's module makes (MS 1.1 Az.StackHCI.psm1, MS 2.x
# stackhci.ps1; real-world-evidence.md; behaviour reference §2.6, §2.7; docs/lab.md, "Lab nodes"). The build without
# Initialize-AzureStackHCIArcIntegration's -Cloud (the noCloudParameter switch) is made at load, in the .psm1.

function Get-AzureStackHCI {
    [CmdletBinding()]
    param()
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $registration = Read-LabFile (Join-Path $context.ClusterDir 'registration.json')
        $status = 'NotYet'; $connection = 'NotYet'; $lastConnected = $null; $nextSync = $null; $registered = $null
        if ($registration) {
            # Dates as the OS gives them: DateTime of kind Local.
            $registered = ([DateTimeOffset] $registration.registrationDate).LocalDateTime
            $status = 'Registered'
            if ($registration['lastConnected']) {
                $last = [DateTimeOffset] $registration.lastConnected
                $lastConnected = $last.LocalDateTime
                $nextSync = $last.AddHours(12).LocalDateTime
                # The 30-day rule, on this node's clock.
                $age = $context.Now - $last
                $connection = if ($age.TotalDays -gt 30) { 'OutOfPolicy' } elseif ($age.TotalDays -gt 1) { 'NotConnectedRecently' } else { 'Connected' }
                if ($age.TotalDays -gt 30) { $status = 'OutOfPolicy' }
            }
        }
        [pscustomobject]@{
            PSTypeName         = 'Microsoft.AzureStackHCI.Registration'
            ClusterStatus      = 'Clustered'
            RegistrationStatus = [RegistrationStatus] $status
            RegistrationDate   = $registered
            AzureResourceName  = if ($registration) { $registration.resourceName } else { $null }
            AzureResourceUri   = if ($registration) { $registration.resourceArmId } else { $null }
            ConnectionStatus   = [ConnectionStatus] $connection
            LastConnected      = $lastConnected
            NextSync           = $nextSync
            IMDSAttestation    = 'Disabled'
            DiagnosticLevel    = 'Basic'
            Region             = if ($registration) { $registration.region } else { $null }
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function New-AzureStackHCIRegistrationCertificate {
    <# Self-signed RSA 2048 client-authentication certificate, kept with its key on this node; returns base64 DER. #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $cluster = $context.Cluster
        $rsa = [Security.Cryptography.RSA]::Create(2048)
        try {
            $subject = "CN=$($context.NodeName).$($cluster.domain), OU=$($cluster.name), O=$script:RegistrationOrganization"
            $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new($subject, $rsa,
                [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
                    [Security.Cryptography.X509Certificates.X509KeyUsageFlags]::DigitalSignature, $true))
            $usages = [Security.Cryptography.OidCollection]::new()
            $usages.Add([Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.2', 'Client Authentication')) | Out-Null
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($usages, $false))
            $request.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($request.PublicKey, $false))
            # On this node's clock; two years is well past the 60-day rule.
            $certificate = $request.CreateSelfSigned($context.Now.AddMinutes(-10), $context.Now.AddDays(730))
            $path = Join-Path (Get-CertificateFolder $context) "$($certificate.Thumbprint).pfx"
            [IO.File]::WriteAllBytes($path, $certificate.Export([Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12))
            if (-not $IsWindows) { [IO.File]::SetUnixFileMode($path, [IO.UnixFileMode] 'UserRead, UserWrite') }
            $state = Get-NodeCertificateState $context
            $state['thumbprint'] = $certificate.Thumbprint
            Write-LabFile (Join-Path $context.NodeDir 'certificate.json') $state
            [Convert]::ToBase64String($certificate.RawData)
        }
        finally { $rsa.Dispose() }
    }
    finally { Exit-LabNodeCommand $context }
}

function Set-AzureStackHCIRegistrationCertificate {
    <# Proves this node's certificate: a token from the authority by client assertion, then verifyCertificate. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $ServiceEndpoint,
        [Parameter(Mandatory)] [string] $BillingServiceApiScope,
        [string] $GraphServiceApiScope,
        [Parameter(Mandatory)] [string] $AADAuthority,
        [Parameter(Mandatory)] [string] $AppId,
        [Parameter(Mandatory)] [string] $TenantId,
        [Parameter(Mandatory)] [string] $CloudId,
        [string] $CertificateThumbprint,
        # The OS help page has them; no caller passes them, and the lab ignores them.
        [string] $ComputerName,
        [pscredential] $Credential
    )
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $settings = @{
            serviceEndpoint = $ServiceEndpoint; billingServiceApiScope = $BillingServiceApiScope; graphServiceApiScope = $GraphServiceApiScope
            aadAuthority = $AADAuthority; appId = $AppId; tenantId = $TenantId; cloudId = $CloudId
        }
        try {
            $certificate = Resolve-NodeCertificate $context $CertificateThumbprint
            $verified = Invoke-HciService -Context $context -Registration $settings -Method Post -Action 'verifyCertificate' -Json @{} -Thumbprint $certificate.Thumbprint
            $state = Get-NodeCertificateState $context
            $state['thumbprint'] = $certificate.Thumbprint
            $state['verified'] = $settings + @{ resourceId = $verified.resourceId; verifiedAt = [DateTimeOffset]::UtcNow.ToString('o') }
            Write-LabFile (Join-Path $context.NodeDir 'certificate.json') $state
        }
        catch {
            $PSCmdlet.WriteError((ConvertTo-ServiceErrorRecord $_ 'SetRegistrationCertificateFailed' $context.NodeName))
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Remove-AzureStackHCIRegistrationCertificate {
    <# Every registration certificate the node made (New-AzureStackHCIRegistrationCertificate); certificates imported by
       the user stay, as the OS leaves certificates it did not make. No caller passes a parameter (catalogue). #>
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $state = Get-NodeCertificateState $context
        $folder = Get-CertificateFolder $context
        $thumbprints = @(Get-ChildItem $folder -Filter *.pfx | Where-Object { (Get-NodeCertificate $context $_.BaseName).Subject -match $script:RegistrationSubject } | ForEach-Object BaseName)
        foreach ($thumbprint in $thumbprints) {
            $path = Join-Path $folder "$($thumbprint.ToUpperInvariant()).pfx"
            if (-not (Test-Path $path)) {
                $PSCmdlet.WriteError((New-LabErrorRecord "The certificate with thumbprint '$thumbprint' is not on node '$($context.NodeName)'." 'CertificateNotFound' 'ObjectNotFound' $thumbprint))
                continue
            }
            if ($PSCmdlet.ShouldProcess($thumbprint, 'Remove registration certificate')) { Remove-Item $path -Force }
        }
        if ($state['thumbprint'] -and -not (Test-Path (Join-Path $folder "$($state['thumbprint']).pfx"))) {
            Remove-Item (Join-Path $context.NodeDir 'certificate.json') -Force -ErrorAction SilentlyContinue
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Set-AzureStackHCIRegistration {
    <# Registers the cluster (all nodes see it) and runs the first sync with the census. #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $ServiceEndpoint,
        [Parameter(Mandatory)] [string] $BillingServiceApiScope,
        [string] $GraphServiceApiScope,
        [Parameter(Mandatory)] [string] $AADAuthority,
        [Parameter(Mandatory)] [string] $AppId,
        [Parameter(Mandatory)] [string] $TenantId,
        [Parameter(Mandatory)] [string] $CloudId,
        [Parameter(Mandatory)] [string] $SubscriptionId,
        [string] $ObjectId,
        [Parameter(Mandatory)] [string] $ResourceName,
        [string] $ProviderNamespace = 'Microsoft.AzureStackHCI',
        [Parameter(Mandatory)] [string] $ResourceArmId,
        [string] $ServicePrincipalClientId,
        [string] $CertificateThumbprint
    )
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $region = ([Uri] $ServiceEndpoint).Segments[-1].Trim('/')
        $registration = @{
            serviceEndpoint = $ServiceEndpoint; billingServiceApiScope = $BillingServiceApiScope; graphServiceApiScope = $GraphServiceApiScope
            aadAuthority = $AADAuthority; appId = $AppId; tenantId = $TenantId; cloudId = $CloudId; subscriptionId = $SubscriptionId
            objectId = $ObjectId; resourceName = $ResourceName; providerNamespace = $ProviderNamespace; resourceArmId = $ResourceArmId
            servicePrincipalClientId = $ServicePrincipalClientId; region = $region; registeredBy = $context.NodeName
        }
        try {
            $census = Get-Census $context
            $result = Invoke-HciService -Context $context -Registration $registration -Method Put -Action 'registration' -Json $census -Thumbprint $CertificateThumbprint
            $registration.registrationDate = if ($result.registrationTimestamp) { ([DateTimeOffset] $result.registrationTimestamp).ToString('o') } else { [DateTimeOffset]::UtcNow.ToString('o') }
            $registration.lastConnected = if ($result.lastSyncTimestamp) { ([DateTimeOffset] $result.lastSyncTimestamp).ToString('o') } else { $null }
            Write-LabFile (Join-Path $context.ClusterDir 'registration.json') $registration
            $synced = Invoke-HciService -Context $context -Registration $registration -Method Post -Action 'sync' -Json $census -Thumbprint $CertificateThumbprint
            $null = Update-LastConnected $context $synced
        }
        catch {
            $PSCmdlet.WriteError((ConvertTo-ServiceErrorRecord $_ 'SetRegistrationFailed' $context.NodeName))
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Sync-AzureStackHCI {
    [CmdletBinding()]
    param()
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $registration = Read-LabFile (Join-Path $context.ClusterDir 'registration.json')
        if (-not $registration) {
            $PSCmdlet.WriteError((New-LabErrorRecord "The cluster '$($context.Cluster.name)' is not registered with Azure. Register it first (Register-AzStackHCI)." 'ClusterNotRegistered' 'InvalidOperation' $context.NodeName))
            return
        }
        try {
            $result = Invoke-HciService -Context $context -Registration $registration -Method Post -Action 'sync' -Json (Get-Census $context)
            # Settings Azure sent are applied now, and the census that reports them goes up at once.
            if (Update-LastConnected $context $result) {
                $result = Invoke-HciService -Context $context -Registration $registration -Method Post -Action 'sync' -Json (Get-Census $context)
                $null = Update-LastConnected $context $result
            }
        }
        catch {
            $PSCmdlet.WriteError((ConvertTo-ErrorRecord $_ 'SyncFailed' $context.NodeName))
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Remove-AzureStackHCIRegistration {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $path = Join-Path $context.ClusterDir 'registration.json'
        $registration = Read-LabFile $path
        if (-not $registration) { return }
        if (-not $PSCmdlet.ShouldProcess($registration.resourceArmId, 'Remove the registration')) { return }
        try {
            Invoke-HciService -Context $context -Registration $registration -Method Delete -Action 'registration' | Out-Null
        }
        catch {
            # A cluster the service no longer knows is unregistered already.
            if ($_.Exception.Message -notmatch 'ClusterNotFound') {
                $PSCmdlet.WriteError((ConvertTo-ErrorRecord $_ 'RemoveRegistrationFailed' $context.NodeName))
                return
            }
        }
        Remove-Item $path -Force
    }
    finally { Exit-LabNodeCommand $context }
}

function Get-AzureStackHCIArcIntegration {
    [CmdletBinding()]
    param()
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $arc = Get-ClusterArc $context
        # Keys are lower-case computer names, values ArcStatus enums (real-world-evidence.md).
        $nodes = @{}
        if ($arc.status -ne 'Disabled' -or ($context.Cluster.nodes | Where-Object { (Get-NodeArc $_.dir).status -ne 'Disabled' })) {
            foreach ($node in $context.Cluster.nodes) { $nodes[$node.name.ToLowerInvariant()] = [ArcStatus] (Get-NodeArc $node.dir).status }
        }
        [pscustomobject]@{
            PSTypeName       = 'Microsoft.AzureStackHCI.ArcIntegration'
            ClusterArcStatus = [ArcStatus] $arc.status
            NodesArcStatus   = $nodes
            # A cluster whose Arc uses its managed identity has no onboarding application.
            ApplicationId    = if ($context.Switches.arcManagedIdentity) { '' } else { $arc['appId'] }
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Initialize-AzureStackHCIArcIntegration {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $TenantId,
        [Parameter(Mandatory)] [string] $SubscriptionId,
        [Parameter(Mandatory)] [string] $Region,
        [Parameter(Mandatory)] [string] $ResourceGroup,
        [string] $AppId,
        $Secret,
        [string] $Cloud = 'AzureCloud'
    )
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        if ($Secret -is [securestring]) { $Secret = [Net.NetworkCredential]::new('', $Secret).Password }
        # The lab nodes know one cloud, the lab's; the name is kept as given.
        Write-LabFile (Join-Path $context.ClusterDir 'arc.json') @{
            status = 'Enabled'; tenantId = $TenantId; subscriptionId = $SubscriptionId; region = $Region; resourceGroup = $ResourceGroup
            appId = $AppId; secret = [string] $Secret; cloud = if ($PSBoundParameters.ContainsKey('Cloud')) { $Cloud } else { 'AzureCloud' }
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Enable-AzureStackHCIArcIntegration {
    <# What installing the Arc agent and its connect do: take time (arcEnableSeconds), sign in and create or update
       Microsoft.HybridCompute/machines/<node>, and say how it went in text as the agent does (MS 2.x reads
       'Arc agent process succeeded to onboard machine'). arcEnableFailures makes the next K calls fail. #>
    [CmdletBinding()]
    param(
        [string] $AgentInstallerWebLink,
        [string] $AgentInstallerName,
        [string] $AgentInstallerLogFile,
        [string] $AgentExecutablePath,
        [string] $AccessToken
    )
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $arc = Get-ClusterArc $context
        $registration = Read-LabFile (Join-Path $context.ClusterDir 'registration.json')
        try {
            if ($arc.status -ne 'Enabled') {
                throw (New-LabException "Arc integration is not initialized on cluster '$($context.Cluster.name)' (ClusterArcStatus is $($arc.status)). Run Initialize-AzureStackHCIArcIntegration first.")
            }
            if (-not $registration) {
                throw (New-LabException "The cluster '$($context.Cluster.name)' is not registered with Azure; Arc integration needs the cluster resource.")
            }
            if ([int] $context.Switches.arcEnableSeconds -gt 0) { Start-Sleep -Seconds ([int] $context.Switches.arcEnableSeconds) }
            if ($null -ne $context.Switches.arcEnableFailures -and (Use-LabFailure $context 'arcEnableFailures')) {
                throw (New-LabException "The Connected Machine agent could not be installed on '$($context.NodeName)' (lab switch arcEnableFailures)." 'ResourceUnavailable')
            }
            $lab = Get-LabConnection
            $token = Get-ArmToken $context $arc $AccessToken $lab
            $uri = Get-MachineUri $lab $arc $context.NodeName
            $body = @{
                location   = $arc.region
                identity   = @{ type = 'SystemAssigned' }
                properties = @{
                    parentClusterResourceId = $registration.resourceArmId
                    osName = 'windows'; osType = 'windows'; osVersion = $script:OsInfo.osVersion
                    machineFqdn = $context.Node.fqdn; clientPublicKey = $null; agentVersion = '1.45.0'; status = 'Connected'
                }
            }
            $response = Invoke-LabCloud -Context $context -Method Put -Uri $uri -Headers @{ Authorization = "Bearer $token" } -Json $body
            if ($response.Status -ge 300) {
                throw (New-LabException "Arc agent failed to onboard machine '$($context.NodeName)' (HTTP $($response.Status)): $(Get-CloudErrorText $response)" (Get-LabFailureCategory $response.Status))
            }
            $now = [DateTimeOffset]::UtcNow
            Write-LabFile (Join-Path $context.NodeDir 'arc.json') @{
                status = 'Enabled'; resourceId = $response.Body.id; enabledAt = $now.ToString('o')
                reportAfter = $now.AddSeconds([int] $context.Switches.arcReportDelaySeconds).ToString('o')
            }
            if ([int] $context.Switches.periodicSyncSeconds -gt 0) { Start-LabPeriodicSync $context ([int] $context.Switches.periodicSyncSeconds) $now }
            "Arc agent process succeeded to onboard machine '$($context.NodeName)' as $($response.Body.id)."
        }
        catch {
            "Arc agent process failed to onboard machine '$($context.NodeName)': $($_.Exception.Message)"
            $PSCmdlet.WriteError((ConvertTo-ErrorRecord $_ 'EnableArcIntegrationFailed' $context.NodeName))
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Disable-AzureStackHCIArcIntegration {
    [CmdletBinding()]
    param(
        [string] $AccessToken,
        [string] $AgentUninstallerLogFile,
        [string] $AgentInstallerName,
        [string] $AgentExecutablePath
    )
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $nodeArc = Get-NodeArc $context.NodeDir
        try {
            if ($nodeArc['resourceId']) {
                $lab = Get-LabConnection
                $arc = Get-ClusterArc $context
                $token = Get-ArmToken $context $arc $AccessToken $lab
                $uri = "$($lab.resourceManagerEndpoint.TrimEnd('/'))$($nodeArc.resourceId)?api-version=$script:HybridComputeApiVersion"
                $response = Invoke-LabCloud -Context $context -Method Delete -Uri $uri -Headers @{ Authorization = "Bearer $token" }
                if ($response.Status -ge 300 -and $response.Status -ne 404) {
                    throw (New-LabException "Arc agent failed to disconnect machine '$($context.NodeName)' (HTTP $($response.Status)): $(Get-CloudErrorText $response)" (Get-LabFailureCategory $response.Status))
                }
            }
            Write-LabFile (Join-Path $context.NodeDir 'arc.json') @{ status = 'Disabled' }
        }
        catch {
            $PSCmdlet.WriteError((ConvertTo-ErrorRecord $_ 'DisableArcIntegrationFailed' $context.NodeName))
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Clear-AzureStackHCIArcIntegration {
    [CmdletBinding()]
    param([switch] $SetDisableInProgress)
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $path = Join-Path $context.ClusterDir 'arc.json'
        if ($SetDisableInProgress) {
            $arc = Get-ClusterArc $context
            $arc.status = 'DisableInProgress'
            Write-LabFile $path $arc
        }
        else {
            Remove-Item $path -Force -ErrorAction SilentlyContinue
        }
    }
    finally { Exit-LabNodeCommand $context }
}
