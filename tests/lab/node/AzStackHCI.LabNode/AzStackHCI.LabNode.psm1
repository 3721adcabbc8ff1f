# Lab emulation of the node-side commands an Azure Stack HCI node provides (FailoverClusters and the OS's
# AzureStackHCI module), loaded in every remote session of a lab node (see docs/lab.md, "Lab nodes").
#
# A node is an sshd of its own whose sessions get, through sshd's SetEnv:
#   HCI_NODE_NAME, HCI_CLUSTER_NAME   who this node is
#   HCI_NODE_STATE                    <Root>/nodes/<cluster>/<node>: certificates (PFX with key), Arc state, switches
#   HCI_CLUSTER_STATE                 <Root>/nodes/<cluster>: cluster.json (layout), registration.json, arc.json
#   HCI_LAB_JSON                      the lab connection file (endpoints the node's "Arc agent" talks to)
#   SSL_CERT_FILE                     the lab CA bundle, so node -> cloud HTTPS is trusted the standard way
# Everything is read from disk at each command, so state survives a node restart and all nodes of a cluster
# see the cluster-wide files. Fault switches (switches.json, written by the control API) are read at each
# command too: latencyMs, noConnectivity, clockSkewSeconds, failCommand (down is sshd itself being stopped).
# Errors are written like the OS's cmdlets write them: non-terminating unless -ErrorAction Stop.

Set-StrictMode -Version Latest

# The OS modules' status values are enums, inside dictionaries too (real-world-evidence.md: MS 2.x compares with
# [ArcStatus] and [RegistrationStatus], WAC reads NodesArcStatus values' .value__; FailoverClusters' node State).
enum RegistrationStatus { NotYet; Registered; OutOfPolicy }
enum ConnectionStatus { NotYet; Connected; NotConnectedRecently; Disconnected; OutOfPolicy }
enum ArcStatus { Unknown; Enabled; Disabled; DisableInProgress }
enum ClusterNodeState { Unknown = -1; Up = 0; Down = 1; Paused = 2; Joining = 3 }

# The OS's registration cmdlets keep the service's answer in an inner exception's Detail.Error, not in the record's
# own message (MS 2.x re-throws $_.Exception.InnerException.Detail.Error).
class LabServiceErrorDetail { [string] $Error }
class LabServiceException : Exception {
    [LabServiceErrorDetail] $Detail
    LabServiceException([string] $Message, [string] $ErrorText) : base($Message) { $this.Detail = [LabServiceErrorDetail]@{ Error = $ErrorText } }
}

$script:HybridComputeApiVersion = '2022-12-27'
# The subject of the certificates New-AzureStackHCIRegistrationCertificate makes ends in this organization.
$script:RegistrationOrganization = 'AzureStackHCI'
$script:RegistrationSubject = ', O=AzureStackHCI$'
$script:OsInfo = @{ osName = 'Azure Stack HCI'; osVersion = '10.0.20349.2582'; osDisplayVersion = '22H2'; clusterVersion = '10.0.20349' }

#region plumbing

function Read-LabFile([string] $Path) {
    if (Test-Path -LiteralPath $Path) { Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json -AsHashtable } else { $null }
}

function Write-LabFile([string] $Path, $Value) {
    # Atomic, so a node reading concurrently never sees half a file.
    $temporary = "$Path.$PID.tmp"
    Set-Content -LiteralPath $temporary -Value ($Value | ConvertTo-Json -Depth 10)
    [IO.File]::Move($temporary, $Path, $true)
}

function Get-LabNodeContext {
    foreach ($name in 'HCI_NODE_NAME', 'HCI_CLUSTER_NAME', 'HCI_NODE_STATE', 'HCI_CLUSTER_STATE') {
        if (-not [Environment]::GetEnvironmentVariable($name)) { throw "This session is not on a lab node: `$env:$name is not set." }
    }
    $clusterDir = $env:HCI_CLUSTER_STATE
    $cluster = Read-LabFile (Join-Path $clusterDir 'cluster.json')
    $switches = @{
        down = $false; latencyMs = 0; noConnectivity = $false; clockSkewSeconds = 0; failCommand = $null; failCount = $null; failDropsSession = $false
        noCloudParameter = $false; arcEnableSeconds = 2; arcEnableFailures = $null; arcReportDelaySeconds = 0; arcManagedIdentity = $false
        periodicSyncSeconds = $null; osBuild = 20349
        # The node's network: its proxy settings (winInet, winHttp, environment; each null when not configured) and
        # the names its DNS answers NXDOMAIN for.
        proxy = $null; unresolvableNames = @()
    }
    $saved = Read-LabFile (Join-Path $env:HCI_NODE_STATE 'switches.json')
    if ($saved) { foreach ($key in $saved.Keys) { $switches[$key] = $saved[$key] } }
    [pscustomobject]@{
        NodeName   = $env:HCI_NODE_NAME
        NodeDir    = $env:HCI_NODE_STATE
        ClusterDir = $clusterDir
        Cluster    = $cluster
        Node       = $cluster.nodes | Where-Object { $_.name -eq $env:HCI_NODE_NAME }
        Switches   = $switches
        # The node's clock: real UTC plus its offset.
        Now        = [DateTimeOffset]::UtcNow.AddSeconds([double] $switches.clockSkewSeconds)
    }
}

function New-LabErrorRecord {
    param(
        [string] $Message,
        [string] $ErrorId,
        [Management.Automation.ErrorCategory] $Category = 'InvalidOperation',
        $Target,
        [Exception] $InnerException
    )
    $exception = [InvalidOperationException]::new($Message, $InnerException)
    [Management.Automation.ErrorRecord]::new($exception, $ErrorId, $Category, $Target)
}

function Set-LabErrorId([Management.Automation.ErrorRecord] $Record, [string] $FullyQualifiedErrorId) {
    <#
        The record with exactly the FullyQualifiedErrorId the OS's compiled cmdlet gives (<id>,<its class>): a function's
        own records get ",<function name>" appended, which no real node's have. Set the way deserialized records keep
        theirs, so it survives remoting and -ErrorAction Stop alike.
    #>
    $flags = [Reflection.BindingFlags] 'NonPublic, Instance'
    [Management.Automation.ErrorRecord].GetField('_serializedFullyQualifiedErrorId', $flags).SetValue($Record, $FullyQualifiedErrorId)
    [Management.Automation.ErrorRecord].GetField('_isSerialized', $flags).SetValue($Record, $true)
    $Record
}

function Enter-LabNodeCommand([string] $CommandName, [string[]] $ParameterNames) {
    # Every command: the node's latency, then a failure if the failCommand switch names this command (the next
    # failCount calls only, when set): an error, or with failDropsSession the end of this session's PowerShell, as
    # when a node drops the connection. Exit-LabNodeCommand writes its journal line when it ends.
    $context = Get-LabNodeContext
    $entry = [ordered]@{
        time = [DateTimeOffset]::UtcNow.ToString('o'); end = $null; cluster = $context.Cluster.name; node = $context.NodeName
        command = $CommandName; parameters = @($ParameterNames | Sort-Object)
    }
    $context | Add-Member -NotePropertyName JournalEntry -NotePropertyValue $entry
    if ([int] $context.Switches.latencyMs -gt 0) { Start-Sleep -Milliseconds ([int] $context.Switches.latencyMs) }
    $failure = $null
    if ($context.Switches.failCommand -and $context.Switches.failCommand -eq $CommandName -and (Use-LabFailure $context 'failCount')) {
        if ($context.Switches.failDropsSession) { Exit-LabNodeCommand $context; [Environment]::Exit(1) }
        $failure = New-LabErrorRecord "$CommandName failed on node '$($context.NodeName)' (lab fault switch failCommand)." 'LabNodeCommandFault' 'NotSpecified' $context.NodeName
    }
    $context | Add-Member -NotePropertyName Failure -NotePropertyValue $failure -PassThru
}

function Exit-LabNodeCommand($Context) {
    <# The command's line in the nodes' journal: start and end time and the names (never the values) of its parameters. #>
    $Context.JournalEntry.end = [DateTimeOffset]::UtcNow.ToString('o')
    Add-LabJournalLine (Join-Path (Split-Path $Context.ClusterDir) 'journal') ($Context.JournalEntry | ConvertTo-Json -Compress)
}

function Add-LabJournalLine([string] $Path, [string] $Line) {
    <#
        One line at the end of the journal that every node's processes share. .NET's FileMode.Append writes at the end
        it saw when opening, not with O_APPEND (dotnet/runtime#53432), so concurrent appenders overwrite each other's
        lines: a machine-wide mutex named after the file serializes them.
    #>
    $name = 'Global\AzStackHCILabJournal-' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($Path))).Substring(0, 16)
    $mutex = [Threading.Mutex]::new($false, $name)
    try {
        try { $null = $mutex.WaitOne() } catch [Threading.AbandonedMutexException] { }   # its holder died; the file is whole
        [IO.File]::AppendAllText($Path, $Line + "`n")
    }
    finally {
        $mutex.ReleaseMutex()
        $mutex.Dispose()
    }
}

function Use-LabFailure($Context, [string] $Counter) {
    <# True when the switch still fails this call; counts the call against the switch's counter (none: every call fails). #>
    if ($null -eq $Context.Switches[$Counter]) { return $true }
    $path = Join-Path $Context.NodeDir 'switches.json'
    $saved = Read-LabFile $path
    if ([int] $saved[$Counter] -le 0) { return $false }
    $saved[$Counter] = [int] $saved[$Counter] - 1
    Write-LabFile $path $saved
    $true
}

function ConvertTo-ErrorRecord($Caught, [string] $ErrorId, $Target) {
    # Internal failures are thrown as exceptions; commands write them as non-terminating errors.
    $exception = if ($Caught -is [Management.Automation.ErrorRecord]) { $Caught.Exception } else { $Caught }
    $category = switch ($exception) {
        { $_ -is [Net.Http.HttpRequestException] } { 'ConnectionError'; break }
        { $_.Data.Contains('Category') } { $_.Data['Category']; break }
        default { 'InvalidOperation' }
    }
    [Management.Automation.ErrorRecord]::new($exception, $ErrorId, $category, $Target)
}

function ConvertTo-ServiceErrorRecord($Caught, [string] $ErrorId, $Target) {
    <# A failed registration cmdlet as the OS writes it: a generic message, the service's text in the inner exception's Detail.Error. #>
    $record = ConvertTo-ErrorRecord $Caught $ErrorId $Target
    $inner = [LabServiceException]::new('The Azure Stack HCI service call failed.', $record.Exception.Message)
    $exception = [InvalidOperationException]::new("The operation failed on node '$Target'. See the inner exception for details.", $inner)
    [Management.Automation.ErrorRecord]::new($exception, $ErrorId, $record.CategoryInfo.Category, $Target)
}

function Get-LabFailureCategory([int] $Status, [string] $Otherwise = 'InvalidOperation') {
    <# How the OS reports a failed call: a busy or failing service (408, 429, 5xx) is ResourceUnavailable. #>
    if ($Status -eq 408 -or $Status -eq 429 -or $Status -ge 500) { 'ResourceUnavailable' } else { $Otherwise }
}

function New-LabException([string] $Message, [string] $Category = 'InvalidOperation') {
    $exception = [InvalidOperationException]::new($Message)
    $exception.Data['Category'] = $Category
    $exception
}

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

function ConvertTo-Base64Url([byte[]] $Bytes) { [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_') }

function Get-TokenEndpoint([string] $Authority, [string] $TenantId) {
    $base = $Authority.TrimEnd('/')
    if ($base.Split('/')[-1] -ne $TenantId) { $base = "$base/$TenantId" }
    "$base/oauth2/v2.0/token"
}

function Get-DefaultScope([string] $Scope) {
    if ($Scope.EndsWith('/.default')) { $Scope } else { $Scope.TrimEnd('/') + '/.default' }
}

#endregion

#region certificate store (PFX files in <node>/certs, the node's LocalMachine\My)

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

#region Cert: drive (pwsh on Linux has none): the node's LocalMachine\My store is <node>/certs

$script:CertPathPattern = '^(?:Microsoft\.PowerShell\.Security\\)?(?:Cert:|Certificate::)[\\/]*LocalMachine[\\/]+(?<store>[^\\/]+)(?:[\\/]+(?<thumbprint>[^\\/]+))?[\\/]*$'

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

function Get-Item {
    <# Get-Item, plus what the Certificate provider gives for Cert:\LocalMachine\<store>\<thumbprint>; every other path
       goes to Microsoft.PowerShell.Management\Get-Item unchanged. #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [string] $Filter, [string[]] $Include, [string[]] $Exclude, [switch] $Force, [pscredential] $Credential, [string[]] $Stream
    )
    process {
        $literal = $PSCmdlet.ParameterSetName -eq 'LiteralPath'
        $paths = if ($literal) { $LiteralPath } else { $Path }
        if (-not ($paths | Where-Object { $_ -match $script:CertPathPattern })) {
            Microsoft.PowerShell.Management\Get-Item @PSBoundParameters
            return
        }
        $context = Get-LabNodeContext
        foreach ($item in $paths) {
            if ($item -notmatch $script:CertPathPattern) {
                $forward = @{} + $PSBoundParameters
                $forward.Remove('Path') | Out-Null; $forward.Remove('LiteralPath') | Out-Null
                if ($literal) { $forward.LiteralPath = $item } else { $forward.Path = $item }
                Microsoft.PowerShell.Management\Get-Item @forward
                continue
            }
            $store = $Matches['store']; $thumbprint = if ($Matches['thumbprint']) { $Matches['thumbprint'] } else { $null }
            $wildcard = -not $literal -and [Management.Automation.WildcardPattern]::ContainsWildcardCharacters($item)
            if (-not $wildcard -and $store -ne 'My' -and $store -notin 'Root', 'CA', 'Trust', 'Disallowed', 'AuthRoot', 'TrustedPublisher', 'TrustedPeople', 'Remote Desktop', 'WebHosting') {
                $found = @()
            }
            elseif (-not $thumbprint) {
                # The store itself: a container, as the provider shows it.
                $found = @([pscustomobject]@{ Name = $store; Location = 'LocalMachine'; PSPath = "Microsoft.PowerShell.Security\Certificate::LocalMachine\$store"; PSIsContainer = $true })
            }
            else {
                $storePattern = if ($literal) { [Management.Automation.WildcardPattern]::Escape($store) } else { $store }
                $thumbprintPattern = if ($literal) { [Management.Automation.WildcardPattern]::Escape($thumbprint) } else { $thumbprint }
                $found = @(Get-LabStoreCertificate $context $storePattern $thumbprintPattern)
            }
            if ($found.Count -gt 0) { $found; continue }
            if (-not $wildcard) {
                $exception = [Management.Automation.ItemNotFoundException]::new("Cannot find path '$item' because it does not exist.")
                $PSCmdlet.WriteError([Management.Automation.ErrorRecord]::new($exception, 'PathNotFound', 'ObjectNotFound', $item))
            }
        }
    }
}

function Remove-Item {
    <# Remove-Item, plus the Certificate provider's removal of Cert:\LocalMachine\My\<thumbprint>; every other path goes to
       Microsoft.PowerShell.Management\Remove-Item unchanged. #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [string] $Filter, [string[]] $Include, [string[]] $Exclude, [switch] $Recurse, [switch] $Force, [pscredential] $Credential, [string[]] $Stream
    )
    process {
        $paths = if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { $LiteralPath } else { $Path }
        if (-not ($paths | Where-Object { $_ -match $script:CertPathPattern })) {
            Microsoft.PowerShell.Management\Remove-Item @PSBoundParameters
            return
        }
        $context = Enter-LabNodeCommand 'Remove-Item' $PSBoundParameters.Keys
        try {
            if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
            foreach ($item in $paths) {
                $file = if ($item -match $script:CertPathPattern -and $Matches['store'] -eq 'My' -and $Matches['thumbprint']) {
                    Join-Path (Get-CertificateFolder $context) "$($Matches['thumbprint'].ToUpperInvariant()).pfx"
                }
                if (-not $file -or -not (Test-Path -LiteralPath $file)) {
                    $exception = [Management.Automation.ItemNotFoundException]::new("Cannot find path '$item' because it does not exist.")
                    $PSCmdlet.WriteError([Management.Automation.ErrorRecord]::new($exception, 'PathNotFound', 'ObjectNotFound', $item))
                    continue
                }
                if ($PSCmdlet.ShouldProcess($item, 'Remove certificate')) { Microsoft.PowerShell.Management\Remove-Item -LiteralPath $file -Force }
            }
        }
        finally { Exit-LabNodeCommand $context }
    }
}

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

#endregion

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

#endregion

#region HCI service calls

function Get-Census($Context) {
    # Each node's Arc state goes up with the census: the service patches arcSettings' perNodeDetails from it (MS 2.x:
    # "Trigger Sync-AzureStackHCI to patch Arc settings"). A node's agent reports itself arcReportDelaySeconds after
    # it connected.
    # The settings Azure asked for (desiredProperties) as the cluster applied them at its last sync: the census
    # reports the diagnostic level for the cluster and the Windows Server subscription for each node.
    $cluster = $Context.Cluster
    $applied = (Read-LabFile (Join-Path $Context.ClusterDir 'registration.json'))?['applied']
    $subscription = if ($applied -and $applied['windowsServerSubscription']) { $applied['windowsServerSubscription'] } else { 'Disabled' }
    @{
        diagnosticLevel = if ($applied -and $applied['diagnosticLevel']) { $applied['diagnosticLevel'] } else { 'Basic' }
        arcNodes    = @($cluster.nodes | ForEach-Object {
                $arc = Get-NodeArc $_.dir
                $reported = $arc.status -eq 'Enabled' -and (-not $arc['reportAfter'] -or [DateTimeOffset] $arc.reportAfter -le [DateTimeOffset]::UtcNow)
                @{ name = $_.name; arcStatus = if ($reported) { 'Enabled' } else { 'Disabled' } }
            })
        clusterName = $cluster.name; clusterId = $cluster.id; clusterVersion = $script:OsInfo.clusterVersion
        nodes       = @($cluster.nodes | ForEach-Object {
                @{
                    name = $_.name; id = $_.id; osName = $script:OsInfo.osName; osVersion = $script:OsInfo.osVersion
                    osDisplayVersion = $script:OsInfo.osDisplayVersion; coreCount = $_.coreCount; memoryInGiB = $_.memoryInGiB
                    manufacturer = $_.manufacturer; model = $_.model; serialNumber = $_.serialNumber
                    windowsServerSubscription = $subscription
                }
            })
    }
}

function Invoke-HciService {
    <# Calls the HCI service as the cluster's application with this node's certificate. #>
    param($Context, $Registration, [string] $Method, [string] $Action, $Json, [string] $Thumbprint)
    $certificate = Resolve-NodeCertificate $Context $Thumbprint
    $token = Get-CertificateToken -Context $Context -Authority $Registration.aadAuthority -TenantId $Registration.tenantId `
        -AppId $Registration.appId -Scope $Registration.billingServiceApiScope -Certificate $certificate
    $uri = $Registration.serviceEndpoint.TrimEnd('/') + "/clusters/$($Registration.cloudId)/$Action"
    $response = Invoke-LabCloud -Context $Context -Method $Method -Uri $uri -Headers @{ Authorization = "Bearer $token" } -Json $Json
    if ($response.Status -ge 300) {
        throw (New-LabException "The Azure Stack HCI service refused $Method $Action for cluster '$($Registration.cloudId)' (HTTP $($response.Status)): $(Get-CloudErrorText $response)" (Get-LabFailureCategory $response.Status))
    }
    $response.Body
}

function Update-LastConnected($Context, $Result) {
    <# Records the sync and applies the settings Azure sent with it; true when they changed what the cluster has. #>
    $path = Join-Path $Context.ClusterDir 'registration.json'
    $registration = Read-LabFile $path
    if (-not $registration -or -not $Result) { return $false }
    if ($Result.PSObject.Properties['lastSyncTimestamp'] -and $Result.lastSyncTimestamp) {
        $registration.lastConnected = ([DateTimeOffset] $Result.lastSyncTimestamp).ToString('o')
    }
    $changed = $false
    if ($Result.PSObject.Properties['desiredProperties'] -and $Result.desiredProperties) {
        $applied = if ($registration['applied']) { $registration['applied'] } else { @{} }
        foreach ($name in 'windowsServerSubscription', 'diagnosticLevel') {
            $wanted = $Result.desiredProperties.$name
            if ($wanted -and $applied[$name] -ne $wanted) { $applied[$name] = $wanted; $changed = $true }
        }
        $registration.applied = $applied
    }
    Write-LabFile $path $registration
    $changed
}

#endregion

#region FailoverClusters

function Get-Cluster {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string] $Name, [string] $Domain)
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $cluster = $context.Cluster
        if ($Name -and $Name -ne $cluster.name -and $Name -ne "$($cluster.name).$($cluster.domain)") {
            $PSCmdlet.WriteError((New-LabErrorRecord "The cluster '$Name' was not found." 'ClusterNotFound' 'ObjectNotFound' $Name))
            return
        }
        [pscustomobject]@{
            PSTypeName = 'Microsoft.FailoverClusters.PowerShell.Cluster'
            Name       = $cluster.name
            Domain     = $cluster.domain
            Id         = $cluster.id
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Test-LabNodeUp($Node) {
    # Down when the switch says so or its sshd is not running (the same check the control API makes).
    $switches = Read-LabFile (Join-Path $Node.dir 'switches.json')
    if ($switches -and $switches['down']) { return $false }
    $pidFile = Join-Path $Node.dir 'sshd.pid'
    if (-not (Test-Path $pidFile)) { return $false }
    $processId = (Get-Content $pidFile -Raw).Trim()
    $cmdline = "/proc/$processId/cmdline"
    (Test-Path $cmdline) -and ((Get-Content $cmdline -Raw) -replace "`0", ' ').Contains((Join-Path $Node.dir 'sshd_config'))
}

function Get-ClusterNode {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]] $Name, [string] $Cluster)
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        foreach ($node in $context.Cluster.nodes) {
            if ($Name -and $node.name -notin $Name -and $node.fqdn -notin $Name) { continue }
            [pscustomobject]@{
                PSTypeName = 'Microsoft.FailoverClusters.PowerShell.ClusterNode'
                Name       = $node.name
                Id         = $node.id
                State      = if ($node.name -eq $context.NodeName -or (Test-LabNodeUp $node)) { [ClusterNodeState]::Up } else { [ClusterNodeState]::Down }
                Cluster    = $context.Cluster.name
            }
        }
        foreach ($missing in @($Name | Where-Object { $_ -and $_ -notin $context.Cluster.nodes.name -and $_ -notin $context.Cluster.nodes.fqdn })) {
            $PSCmdlet.WriteError((New-LabErrorRecord "The cluster node '$missing' was not found." 'ClusterNodeNotFound' 'ObjectNotFound' $missing))
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Get-ClusterNameResourceId($Cluster) {
    <# The id of the cluster's network name resource ("Cluster Name"), stable per cluster. #>
    [guid]::new([Security.Cryptography.MD5]::HashData([Text.Encoding]::UTF8.GetBytes("ClusterNameResource:$($Cluster.id)"))).ToString()
}

#endregion

#region registry (pwsh on Linux has no Registry provider): the node's keys as the OS and its proxy settings make them

function ConvertTo-LabRegistryKey([string] $Path) {
    <# HKLM:\…, HKCU:\…, Registry::HKEY_LOCAL_MACHINE\… (any case, either slash): hive, the key's parts as written, and
       its lower-case name for lookups; null for any path that is not in the registry. #>
    $pattern = '^(?:Microsoft\.PowerShell\.Core\\)?(?:(?<drive>HKLM|HKCU):|Registry::(?<hive>HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKLM|HKCU)(?=$|[\\/]))(?<rest>.*)$'
    if ($Path -notmatch $pattern) { return $null }
    $user = $Matches['drive'] -eq 'HKCU' -or $Matches['hive'] -in 'HKEY_CURRENT_USER', 'HKCU'
    $hive = if ($user) { 'HKEY_CURRENT_USER' } else { 'HKEY_LOCAL_MACHINE' }
    $parts = @($Matches['rest'] -split '[\\/]+' | Where-Object { $_ })
    $key = (@($hive) + $parts) -join '\'
    [pscustomobject]@{ Hive = $hive; Drive = if ($user) { 'HKCU' } else { 'HKLM' }; Parts = $parts; Key = $key; Lookup = $key.ToLowerInvariant() }
}

function Get-LabNodeProxySetting($Context, [string] $Name) {
    <# One of the node's three proxy settings (winInet, winHttp, environment) as the proxy switch gives it, or null. #>
    $proxy = $Context.Switches.proxy
    if ($proxy -is [System.Collections.IDictionary] -and $proxy[$Name] -is [System.Collections.IDictionary]) { $proxy[$Name] } else { $null }
}

function ConvertTo-LabWinHttpSettings([string] $ProxyServer, [string] $BypassList) {
    <# WinHttpSettings as netsh winhttp writes it: DWORDs 0x18 (version), 0 (counter), flags (1 direct access, 3 proxy),
       then the proxy and the bypass list, each as its length (DWORD) and ASCII text. Direct access is the 20 bytes
       Microsoft documents, 1800000000000000010000000000000000000000. #>
    $proxy = [Text.Encoding]::ASCII.GetBytes([string] $ProxyServer)
    $bypass = [Text.Encoding]::ASCII.GetBytes([string] $BypassList)
    $stream = [IO.MemoryStream]::new()
    $writer = [IO.BinaryWriter]::new($stream)
    $writer.Write([int] 0x18); $writer.Write([int] 0)
    $writer.Write([int] $(if ($proxy.Length -gt 0) { 3 } else { 1 }))
    $writer.Write([int] $proxy.Length); $writer.Write($proxy)
    $writer.Write([int] $bypass.Length); $writer.Write($bypass)
    $writer.Flush()
    , $stream.ToArray()
}

function Get-LabRegistryValues($Context, [string] $Lookup) {
    <# The values of a key of the node (ordered name -> value, as the Registry provider types them: REG_DWORD an int,
       REG_BINARY a byte[], REG_SZ and REG_EXPAND_SZ expanded strings); @{} for a key that exists without values, such
       as the parents of these; null for a key the node does not have. #>
    $winInet = Get-LabNodeProxySetting $Context 'winInet'
    $perMachine = $winInet -and [bool] $winInet['perMachine']
    $internetSettings = {
        param([bool] $Enabled)
        $values = [ordered]@{ ProxyEnable = [int] $Enabled }
        if ($Enabled) {
            $values.ProxyServer = [string] $winInet['proxyServer']
            if ($winInet['proxyBypass']) { $values.ProxyOverride = [string] $winInet['proxyBypass'] }
        }
        $values
    }
    $keys = [ordered]@{
        'hkey_local_machine\cluster' = { [ordered]@{ ClusterName = $Context.Cluster.name; ClusterNameResource = Get-ClusterNameResourceId $Context.Cluster } }
        # Set-WinInetProxy -ProxySettingsPerUser 0 (configure-proxy-settings, 22H2): the policy "Make proxy settings per-machine".
        'hkey_local_machine\software\policies\microsoft\windows\currentversion\internet settings' = {
            if ($perMachine) { [ordered]@{ ProxySettingsPerUser = [int] 0 } } else { $null }
        }
        'hkey_local_machine\software\microsoft\windows\currentversion\internet settings' = { & $internetSettings $perMachine }
        'hkey_current_user\software\microsoft\windows\currentversion\internet settings' = { & $internetSettings ([bool] ($winInet -and -not $perMachine)) }
        'hkey_local_machine\software\microsoft\windows\currentversion\internet settings\connections' = {
            $winHttp = Get-LabNodeProxySetting $Context 'winHttp'
            [ordered]@{ WinHttpSettings = if ($winHttp) { ConvertTo-LabWinHttpSettings $winHttp['proxyServer'] $winHttp['bypassList'] } else { ConvertTo-LabWinHttpSettings '' '' } }
        }
        # The machine's environment ([Environment]::SetEnvironmentVariable(…, 'Machine'), as the Arc agent's proxy is set).
        'hkey_local_machine\system\currentcontrolset\control\session manager\environment' = {
            $environment = Get-LabNodeProxySetting $Context 'environment'
            $values = [ordered]@{
                ComSpec = 'C:\Windows\system32\cmd.exe'; DriverData = 'C:\Windows\System32\Drivers\DriverData'
                NUMBER_OF_PROCESSORS = [string] $(if ($Context.Node -and $Context.Node.coreCount) { $Context.Node.coreCount } else { 16 }); OS = 'Windows_NT'
                Path = 'C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\;C:\Windows\System32\OpenSSH\;C:\Program Files\PowerShell\7\'
                PATHEXT = '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC;.CPL'; PROCESSOR_ARCHITECTURE = 'AMD64'
                PSModulePath = 'C:\Program Files\WindowsPowerShell\Modules;C:\Windows\system32\WindowsPowerShell\v1.0\Modules'
                TEMP = 'C:\Windows\TEMP'; TMP = 'C:\Windows\TEMP'; USERNAME = 'SYSTEM'; windir = 'C:\Windows'
            }
            if ($environment) {
                foreach ($pair in @(@('HTTPS_PROXY', 'httpsProxy'), @('HTTP_PROXY', 'httpProxy'), @('NO_PROXY', 'noProxy'))) {
                    if ($environment[$pair[1]]) { $values[$pair[0]] = [string] $environment[$pair[1]] }
                }
            }
            $values
        }
    }
    if ($keys.Contains($Lookup)) { return (& $keys[$Lookup]) }
    # Parents of a key the node has exist, without values of their own here.
    if ($Lookup -in 'hkey_local_machine', 'hkey_current_user') { return [ordered]@{} }
    foreach ($known in $keys.Keys) {
        if ($known.StartsWith("$Lookup\") -and $null -ne (& $keys[$known])) { return [ordered]@{} }
    }
    $null
}

function Get-ItemProperty {
    <# Get-ItemProperty, plus the node's registry: HKLM:\Cluster (ClusterNameResource) and the keys of its proxy
       settings (WinINet, WinHTTP, the machine's environment), with the Registry provider's errors for a key or value
       the node does not have; every path outside the registry goes to Microsoft.PowerShell.Management\Get-ItemProperty
       unchanged. #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [Parameter(Position = 1)] [Alias('PSProperty')] [string[]] $Name,
        [string] $Filter, [string[]] $Include, [string[]] $Exclude, [pscredential] $Credential
    )
    $literal = $PSCmdlet.ParameterSetName -eq 'LiteralPath'
    $paths = if ($literal) { $LiteralPath } else { $Path }
    if (-not ($paths | Where-Object { ConvertTo-LabRegistryKey $_ })) {
        Microsoft.PowerShell.Management\Get-ItemProperty @PSBoundParameters
        return
    }
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        foreach ($item in $paths) {
            $key = ConvertTo-LabRegistryKey $item
            if (-not $key) {
                $forward = @{} + $PSBoundParameters
                $forward.Remove('Path') | Out-Null; $forward.Remove('LiteralPath') | Out-Null
                if ($literal) { $forward.LiteralPath = $item } else { $forward.Path = $item }
                Microsoft.PowerShell.Management\Get-ItemProperty @forward
                continue
            }
            $values = Get-LabRegistryValues $context $key.Lookup
            if ($null -eq $values) {
                $exception = [Management.Automation.ItemNotFoundException]::new("Cannot find path '$item' because it does not exist.")
                $record = [Management.Automation.ErrorRecord]::new($exception, 'PathNotFound', 'ObjectNotFound', $item)
                $PSCmdlet.WriteError((Set-LabErrorId $record 'PathNotFound,Microsoft.PowerShell.Commands.GetItemPropertyCommand'))
                continue
            }
            # Value names are case-insensitive and may be wildcards, as the provider takes them; a missing literal name is an error.
            $properties = [ordered]@{}
            foreach ($valueName in @($values.Keys)) {
                if (-not $Name -or ($Name | Where-Object { $valueName -like $_ })) { $properties[$valueName] = $values[$valueName] }
            }
            foreach ($missing in @($Name | Where-Object { $_ -and -not [Management.Automation.WildcardPattern]::ContainsWildcardCharacters($_) -and $_ -notin @($values.Keys) })) {
                $exception = [Management.Automation.PSArgumentException]::new("Property $missing does not exist at path $($key.Key).")
                $record = [Management.Automation.ErrorRecord]::new($exception, 'System.Management.Automation.PSArgumentException', 'InvalidArgument', $missing)
                $PSCmdlet.WriteError((Set-LabErrorId $record 'System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.GetItemPropertyCommand'))
            }
            if ($properties.Count -gt 0) {
                $parent = (@($key.Hive) + @($key.Parts | Select-Object -SkipLast 1)) -join '\'
                $properties.PSPath = "Microsoft.PowerShell.Core\Registry::$($key.Key)"
                $properties.PSParentPath = if ($key.Parts.Count -gt 0) { "Microsoft.PowerShell.Core\Registry::$parent" } else { '' }
                $properties.PSChildName = if ($key.Parts.Count -gt 0) { $key.Parts[-1] } else { $key.Hive }
                $properties.PSDrive = $key.Drive
                $properties.PSProvider = 'Microsoft.PowerShell.Core\Registry'
                [pscustomobject]$properties
            }
        }
    }
    finally { Exit-LabNodeCommand $context }
}

#endregion

#region FailoverClusters (continued)

function Get-ClusterResource {
    <# The cluster's resources; the lab knows its network name resource, "Cluster Name", found by name or id. #>
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]] $Name, [Parameter(ValueFromPipeline)] [psobject] $InputObject, [string] $Cluster)
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        $id = Get-ClusterNameResourceId $context.Cluster
        foreach ($wanted in @(if ($Name) { $Name } else { 'Cluster Name' })) {
            if ($wanted -ne 'Cluster Name' -and $wanted -ne $id) {
                $PSCmdlet.WriteError((New-LabErrorRecord "The cluster resource '$wanted' could not be found." 'ClusterResourceNotFound' 'ObjectNotFound' $wanted))
                continue
            }
            [pscustomobject]@{
                PSTypeName = 'Microsoft.FailoverClusters.PowerShell.ClusterResource'
                Name = 'Cluster Name'; Id = $id; ResourceType = 'Network Name'; OwnerGroup = 'Cluster Group'; State = 'Online'; Cluster = $context.Cluster.name
            }
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Get-ClusterParameter {
    <# A cluster resource's private parameters: the network name resource's DnsName and DnsSuffix (the nodes' DNS suffix). #>
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]] $Name, [Parameter(ValueFromPipeline)] [psobject] $InputObject, [string] $Cluster)
    process {
        $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
        try {
            if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
            if (-not $InputObject -or $InputObject.Id -ne (Get-ClusterNameResourceId $context.Cluster)) {
                $PSCmdlet.WriteError((New-LabErrorRecord 'Pipe in the cluster resource whose parameters to read (Get-ClusterResource | Get-ClusterParameter).' 'InputObjectRequired' 'InvalidArgument' $InputObject))
                return
            }
            $values = [ordered]@{ DnsName = $context.Cluster.name; DnsSuffix = $context.Cluster.domain }
            foreach ($key in $values.Keys) {
                if ($Name -and $Name -notcontains $key) { continue }
                [pscustomobject]@{ ClusterObject = $InputObject.Name; Name = $key; IsReadOnly = $false; ParameterType = 'String'; Value = $values[$key] }
            }
        }
        finally { Exit-LabNodeCommand $context }
    }
}

#endregion

#region AzureStackHCI registration

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

#endregion

#region the node's own HTTPS and clock

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

function Invoke-WebRequest {
    <#
        Invoke-WebRequest from this node: its latency first; no route anywhere while the noConnectivity switch is on;
        through -Proxy (with -ProxyCredential or -ProxyUseDefaultCredentials) or, without it, through the node's
        WinINet proxy unless the target is in its bypass list, as Windows PowerShell 5.1 on a node sends it; a proxy or
        a directly reached host that the node's DNS does not know (unresolvableNames) fails as an unknown host does.
        Through a proxy the node does not resolve the target itself: the proxy does. Direct requests go to
        Microsoft.PowerShell.Utility\Invoke-WebRequest.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [Uri] $Uri,
        [string] $Method = 'Get',
        [switch] $UseBasicParsing,
        [int] $TimeoutSec,
        [System.Collections.IDictionary] $Headers,
        [Uri] $Proxy,
        [pscredential] $ProxyCredential,
        [switch] $ProxyUseDefaultCredentials
    )
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        if ($context.Switches.noConnectivity) {
            $exception = [Net.Http.HttpRequestException]::new("No route to host ($($Uri.Authority))", [Net.Sockets.SocketException]::new(113))
            $PSCmdlet.WriteError((New-LabWebRequestError $exception $Uri))
            return
        }
        $through = if ($Proxy) { $Proxy } else { Get-LabWinInetProxy $context $Uri }
        if ($through) {
            if (Test-LabNameUnresolvable $context $through.Host) { $PSCmdlet.WriteError((New-LabNameResolutionError $through $Uri)); return }
            $result = Invoke-LabProxiedWebRequest -Uri $Uri -Method $Method -Headers $(if ($Headers) { $Headers } else { @{} }) -TimeoutSec $TimeoutSec `
                -Proxy $through -Credential $ProxyCredential -DefaultCredentials $ProxyUseDefaultCredentials.IsPresent
            if ($result -is [Management.Automation.ErrorRecord]) { $PSCmdlet.WriteError($result) } else { $result }
            return
        }
        if (Test-LabNameUnresolvable $context $Uri.Host) { $PSCmdlet.WriteError((New-LabNameResolutionError $Uri $Uri)); return }
        $forward = @{} + $PSBoundParameters
        Microsoft.PowerShell.Utility\Invoke-WebRequest @forward
    }
    finally { Exit-LabNodeCommand $context }
}

$script:DnsRecordTypes = 'UNKNOWN', 'A_AAAA', 'A', 'NS', 'MD', 'MF', 'CNAME', 'SOA', 'MB', 'MG', 'MR', 'NULL', 'WKS', 'PTR', 'HINFO', 'MINFO',
    'MX', 'TXT', 'RP', 'AFSDB', 'X25', 'ISDN', 'RT', 'AAAA', 'SRV', 'DNAME', 'OPT', 'DS', 'RRSIG', 'NSEC', 'DNSKEY', 'DHCID', 'NSEC3',
    'NSEC3PARAM', 'ANY', 'ALL', 'WINS'

function Resolve-DnsName {
    <#
        DnsClient's Resolve-DnsName on this node (docs: Resolve-DnsName [-Name] <String> [[-Type] <RecordType>] [-Server
        <String[]>] [-DnsOnly] [-QuickTimeout] …): the node's resolver ([System.Net.Dns]::GetHostAddresses; -Server and
        the protocol switches change nothing here), A and AAAA records (Type A_AAAA by default) as DnsRecord_A /
        DnsRecord_AAAA with Name, Type, TTL, Section Answer, IPAddress and IP4Address / IP6Address; other record types
        give none. A name in unresolvableNames, or one the resolver does not know, is the OS's NXDOMAIN error: "<name> :
        DNS name does not exist", DNS_ERROR_RCODE_NAME_ERROR,Microsoft.DnsClient.Commands.ResolveDnsName,
        ResourceUnavailable, a Win32Exception.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string] $Name,
        [Parameter(Position = 1, ValueFromPipelineByPropertyName)] [ValidateScript({ $_ -in $script:DnsRecordTypes })] [string] $Type = 'A_AAAA',
        [string[]] $Server,
        [switch] $DnsOnly, [switch] $CacheOnly, [switch] $DnssecOk, [switch] $DnssecCd, [switch] $NoHostsFile,
        [switch] $LlmnrNetbiosOnly, [switch] $LlmnrFallback, [switch] $LlmnrOnly, [switch] $NetbiosFallback,
        [switch] $NoIdn, [switch] $NoRecursion, [switch] $QuickTimeout, [switch] $TcpOnly
    )
    process {
        $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
        try {
            if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
            $failure = {
                param([int] $Code, [string] $Text, [string] $ErrorId, [string] $Category)
                $record = [Management.Automation.ErrorRecord]::new([ComponentModel.Win32Exception]::new($Code, "$Name : $Text"), $ErrorId, $Category, $Name)
                $PSCmdlet.WriteError((Set-LabErrorId $record "$ErrorId,Microsoft.DnsClient.Commands.ResolveDnsName"))
            }
            if (Test-LabNameUnresolvable $context $Name) { & $failure 9003 'DNS name does not exist' 'DNS_ERROR_RCODE_NAME_ERROR' 'ResourceUnavailable'; return }
            try { $addresses = [Net.Dns]::GetHostAddresses($Name) }
            catch {
                $socket = $_.Exception.InnerException
                if ($socket -is [Net.Sockets.SocketException] -and $socket.SocketErrorCode -in 'HostNotFound', 'NoData') {
                    & $failure 9003 'DNS name does not exist' 'DNS_ERROR_RCODE_NAME_ERROR' 'ResourceUnavailable'
                }
                else { & $failure 1460 'This operation returned because the timeout period expired' 'ERROR_TIMEOUT' 'OperationTimeout' }
                return
            }
            $wanted = switch ($Type.ToUpperInvariant()) { 'A' { , @('A') } 'AAAA' { , @('AAAA') } { $_ -in 'A_AAAA', 'ANY', 'ALL' } { , @('AAAA', 'A') } default { , @() } }
            foreach ($family in $wanted) {
                foreach ($address in $addresses | Where-Object { ($_.AddressFamily -eq 'InterNetworkV6') -eq ($family -eq 'AAAA') }) {
                    $record = [ordered]@{
                        Name = $Name; Type = $family; TTL = [uint32] 300; Section = 'Answer'; DataLength = [uint16] $(if ($family -eq 'AAAA') { 16 } else { 4 })
                        CharacterSet = 'Unicode'; IPAddress = $address.ToString()
                    }
                    if ($family -eq 'AAAA') { $record.IP6Address = $address.ToString() } else { $record.IP4Address = $address.ToString() }
                    $result = [pscustomobject]$record
                    $result.PSObject.TypeNames.Insert(0, 'Microsoft.DnsClient.Commands.DnsRecord')
                    $result.PSObject.TypeNames.Insert(0, "Microsoft.DnsClient.Commands.DnsRecord_$family")
                    $result
                }
            }
        }
        finally { Exit-LabNodeCommand $context }
    }
}

$script:NodeMetadataPattern = '^http://127\.0\.0\.1:42542/metadata/(?<path>[^?]*)(?:\?(?<query>.*))?$'

function Invoke-RestMethod {
    <# Microsoft.PowerShell.Utility\Invoke-RestMethod, plus the node's metadata endpoint (http://127.0.0.1:42542, MS 2.x's
       CustomIMDSHostAddress): /metadata/instance, and /metadata/identity/oauth2/token?resource=<ARM> giving an ARM token
       for the cluster's identity (in the lab: signed in as the Arc onboarding application Initialize stored). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [Uri] $Uri,
        [string] $Method = 'Get',
        [switch] $UseBasicParsing,
        [System.Collections.IDictionary] $Headers,
        [switch] $UseDefaultCredentials
    )
    if ($Uri.AbsoluteUri -notmatch $script:NodeMetadataPattern) {
        Microsoft.PowerShell.Utility\Invoke-RestMethod @PSBoundParameters
        return
    }
    $path = $Matches['path']; $query = [Web.HttpUtility]::ParseQueryString([string] $Matches['query'])
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        if (-not $Headers -or [string] $Headers['metadata'] -ne 'true') {
            $PSCmdlet.WriteError((New-LabErrorRecord 'Required metadata header not specified' 'MetadataHeaderMissing' 'InvalidArgument' $Uri))
            return
        }
        $lab = Get-LabConnection
        switch ($path) {
            'instance' { [pscustomobject]@{ compute = [pscustomobject]@{ AzEnvironment = 'AzureStackHCILab'; name = $context.NodeName } } }
            'identity/oauth2/token' {
                $arc = Get-ClusterArc $context
                if (-not $arc['appId'] -or -not $arc['secret'] -or -not $query['resource']) {
                    $PSCmdlet.WriteError((New-LabErrorRecord "No identity is available for resource '$($query['resource'])' on node '$($context.NodeName)'." 'IdentityNotFound' 'ObjectNotFound' $Uri))
                    return
                }
                try {
                    $token = Get-SecretToken -Context $context -Authority $lab.authorityEndpoint -TenantId $arc.tenantId -AppId $arc.appId -Secret $arc.secret -Scope $query['resource']
                    [pscustomobject]@{ access_token = $token; token_type = 'Bearer'; resource = $query['resource'] }
                }
                catch { $PSCmdlet.WriteError((ConvertTo-ErrorRecord $_ 'IdentityTokenFailed' $Uri)) }
            }
            default { $PSCmdlet.WriteError((New-LabErrorRecord "Not found: /metadata/$path" 'NotFound' 'ObjectNotFound' $Uri)) }
        }
    }
    finally { Exit-LabNodeCommand $context }
}

function Get-Date {
    <# Microsoft.PowerShell.Utility\Get-Date on this node's clock: real time plus the clockSkewSeconds switch. #>
    [CmdletBinding()]
    param([Parameter(Position = 0, ValueFromPipeline)] [datetime] $Date, [string] $Format, [switch] $AsUTC)
    process {
        $forward = @{} + $PSBoundParameters
        if (-not $PSBoundParameters.ContainsKey('Date')) { $forward.Date = [datetime]::Now.AddSeconds([double] (Get-LabNodeContext).Switches.clockSkewSeconds) }
        Microsoft.PowerShell.Utility\Get-Date @forward
    }
}

#endregion

#region CIM (pwsh on Linux has no CimCmdlets)

$script:OperatingSystemClasses = 'CIM_OperatingSystem', 'Win32_OperatingSystem'

function Get-CimInstance {
    <# CimCmdlets' Get-CimInstance for the node's operating system (MS 2.x reads
       (Get-CimInstance -ClassName CIM_OperatingSystem).BuildNumber; build 20349, 22H2, is its cut-off for the default
       extensions): CIM_OperatingSystem and Win32_OperatingSystem give the node's Win32_OperatingSystem instance, its
       build from the osBuild switch (default 20349) and, as CIM gives them, BuildNumber and Version as strings. Any
       other class is refused with the error CIM gives for a class it does not know. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [string] $ClassName)
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        if ($ClassName -notin $script:OperatingSystemClasses) {
            $exception = [Management.Automation.RuntimeException]::new('Invalid class ')
            $PSCmdlet.WriteError([Management.Automation.ErrorRecord]::new($exception, 'HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand', 'MetadataError', "root\cimv2:$ClassName"))
            return
        }
        $build = [string] [int] $context.Switches.osBuild
        [pscustomobject]@{
            PSTypeName     = 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_OperatingSystem'
            BuildNumber    = $build
            Caption        = 'Microsoft Azure Stack HCI'
            Version        = "10.0.$build"
            CSName         = $context.NodeName.ToUpperInvariant()
            OSArchitecture = '64-bit'
            OSType         = [uint16] 18
        }
    }
    finally { Exit-LabNodeCommand $context }
}

#endregion

#region Arc integration

function Get-ClusterArc($Context) {
    $arc = Read-LabFile (Join-Path $Context.ClusterDir 'arc.json')
    if ($arc) { $arc } else { @{ status = 'Disabled' } }
}

function Get-NodeArc([string] $NodeDir) {
    $arc = Read-LabFile (Join-Path $NodeDir 'arc.json')
    if ($arc) { $arc } else { @{ status = 'Disabled' } }
}

function Get-ArmToken($Context, $Arc, [string] $AccessToken, $Lab) {
    if ($AccessToken) { return $AccessToken }
    if ($Context.Switches.arcManagedIdentity) {
        throw (New-LabException "Arc integration on cluster '$($Context.Cluster.name)' uses the cluster's managed identity: pass -AccessToken (a token from the node's metadata endpoint)." 'InvalidArgument')
    }
    if (-not $Arc['appId'] -or -not $Arc['secret']) {
        throw (New-LabException "Arc integration on cluster '$($Context.Cluster.name)' has no onboarding credentials. Run Initialize-AzureStackHCIArcIntegration with -AppId and -Secret, or pass -AccessToken." 'InvalidOperation')
    }
    Get-SecretToken -Context $Context -Authority $Lab.authorityEndpoint -TenantId $Arc.tenantId -AppId $Arc.appId -Secret $Arc.secret -Scope $Lab.resourceManagerEndpoint
}

function Get-LabConnection {
    if (-not $env:HCI_LAB_JSON -or -not (Test-Path $env:HCI_LAB_JSON)) { throw (New-LabException 'The lab connection file (HCI_LAB_JSON) is missing: is the lab cloud running?') }
    Get-Content $env:HCI_LAB_JSON -Raw | ConvertFrom-Json
}

function Get-MachineUri($Lab, $Arc, [string] $NodeName) {
    "$($Lab.resourceManagerEndpoint.TrimEnd('/'))/subscriptions/$($Arc.subscriptionId)/resourceGroups/$($Arc.resourceGroup)/providers/Microsoft.HybridCompute/machines/$NodeName" +
    "?api-version=$script:HybridComputeApiVersion"
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

# Some node builds' Initialize-AzureStackHCIArcIntegration has no -Cloud (MS 2.x detects it); the noCloudParameter
# switch makes this node such a build, from the next session on: the same command, its -Cloud cut out.
if ($env:HCI_NODE_STATE -and (Read-LabFile (Join-Path $env:HCI_NODE_STATE 'switches.json'))?['noCloudParameter']) {
    $initialize = ${function:Initialize-AzureStackHCIArcIntegration}.Ast
    $parameters = @($initialize.Body.ParamBlock.Parameters)
    $cloud = [array]::IndexOf(@($parameters | ForEach-Object { $_.Name.VariablePath.UserPath }), 'Cloud')
    $text = $initialize.Extent.Text
    $offset = $initialize.Extent.StartOffset
    . ([scriptblock]::Create($text.Remove($parameters[$cloud - 1].Extent.EndOffset - $offset, $parameters[$cloud].Extent.EndOffset - $parameters[$cloud - 1].Extent.EndOffset)))
    Remove-Variable initialize, parameters, cloud, text, offset
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

function Start-LabPeriodicSync($Context, [int] $Seconds, [DateTimeOffset] $EnabledAt) {
    <# The node's own sync, some time after its agent connected, as a real node syncs on a timer: a process of its own
       (setsid) that outlives the session, and does nothing if the node's Arc changed meanwhile (or the lab was reset). #>
    $arcFile = Join-Path $Context.NodeDir 'arc.json'
    $script = @"
Start-Sleep -Seconds $Seconds
`$arc = if (Test-Path '$arcFile') { Get-Content '$arcFile' -Raw | ConvertFrom-Json }
if (`$arc -and [DateTimeOffset] `$arc.enabledAt -eq [DateTimeOffset] '$($EnabledAt.ToString('o'))') {
    Import-Module AzStackHCI.LabNode
    Sync-AzureStackHCI -ErrorAction SilentlyContinue
}
"@
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
    Start-Process -FilePath setsid -ArgumentList (Join-Path $PSHOME 'pwsh'), '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded `
        -RedirectStandardOutput (Join-Path $Context.NodeDir 'periodic-sync.log') -RedirectStandardError (Join-Path $Context.NodeDir 'periodic-sync.err') | Out-Null
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

#endregion

Export-ModuleMember -Function @(
    'Get-Cluster', 'Get-ClusterNode', 'Get-ClusterResource', 'Get-ClusterParameter', 'Get-ItemProperty',
    'Get-AzureStackHCI', 'New-AzureStackHCIRegistrationCertificate', 'Set-AzureStackHCIRegistrationCertificate',
    'Remove-AzureStackHCIRegistrationCertificate', 'Set-AzureStackHCIRegistration', 'Sync-AzureStackHCI',
    'Remove-AzureStackHCIRegistration',
    'Get-AzureStackHCIArcIntegration', 'Initialize-AzureStackHCIArcIntegration', 'Enable-AzureStackHCIArcIntegration',
    'Disable-AzureStackHCIArcIntegration', 'Clear-AzureStackHCIArcIntegration',
    'Get-Item', 'Remove-Item', 'Import-PfxCertificate', 'Invoke-WebRequest', 'Invoke-RestMethod', 'Get-Date', 'Get-CimInstance',
    'Resolve-DnsName'
)
