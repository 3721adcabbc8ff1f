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
#
# Layout: this file holds what is module-wide (the OS modules' enums, the service error types, the script variables)
# and the load-time initialisation; Private/*.ps1 the helpers, by purpose; Public/*.ps1 the exported commands, one file
# per OS module they emulate (FailoverClusters, AzureStackHCI, Microsoft.PowerShell.Management, PKI,
# Microsoft.PowerShell.Utility, DnsClient, CimCmdlets). Each file says what it emulates and where the evidence is.

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
# Cert:\LocalMachine\<store>[\<thumbprint>] paths (Get-Item, Remove-Item, Import-PfxCertificate).
$script:CertPathPattern = '^(?:Microsoft\.PowerShell\.Security\\)?(?:Cert:|Certificate::)[\\/]*LocalMachine[\\/]+(?<store>[^\\/]+)(?:[\\/]+(?<thumbprint>[^\\/]+))?[\\/]*$'
# Resolve-DnsName's record types.
$script:DnsRecordTypes = 'UNKNOWN', 'A_AAAA', 'A', 'NS', 'MD', 'MF', 'CNAME', 'SOA', 'MB', 'MG', 'MR', 'NULL', 'WKS', 'PTR', 'HINFO', 'MINFO',
    'MX', 'TXT', 'RP', 'AFSDB', 'X25', 'ISDN', 'RT', 'AAAA', 'SRV', 'DNAME', 'OPT', 'DS', 'RRSIG', 'NSEC', 'DNSKEY', 'DHCID', 'NSEC3',
    'NSEC3PARAM', 'ANY', 'ALL', 'WINS'
# The node's metadata endpoint (Invoke-RestMethod).
$script:NodeMetadataPattern = '^http://127\.0\.0\.1:42542/metadata/(?<path>[^?]*)(?:\?(?<query>.*))?$'
# The classes Get-CimInstance knows.
$script:OperatingSystemClasses = 'CIM_OperatingSystem', 'Win32_OperatingSystem'

# The helpers first, then the commands; all in this module's scope.
foreach ($file in @(Get-ChildItem -Path (Join-Path $PSScriptRoot 'Private') -Filter *.ps1 | Sort-Object Name) +
    @(Get-ChildItem -Path (Join-Path $PSScriptRoot 'Public') -Filter *.ps1 | Sort-Object Name)) {
    . $file.FullName
}
Remove-Variable file

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
