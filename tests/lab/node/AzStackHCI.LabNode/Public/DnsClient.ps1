# Emulates DnsClient's Resolve-DnsName on a lab node (docs: Resolve-DnsName [-Name] <String> [[-Type] <RecordType>]
# …): the node's resolver, and the OS's NXDOMAIN error for the names in unresolvableNames (docs/lab.md, "Lab nodes").

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
