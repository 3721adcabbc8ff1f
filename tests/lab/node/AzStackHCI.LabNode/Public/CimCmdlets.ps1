# Emulates CimCmdlets' Get-CimInstance on a lab node (pwsh on Linux has no CimCmdlets) for the node's operating system,
# which MS 2.x reads ((Get-CimInstance -ClassName CIM_OperatingSystem).BuildNumber).

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
