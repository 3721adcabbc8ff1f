# Emulates the FailoverClusters module on a lab node: Get-Cluster, Get-ClusterNode, Get-ClusterResource,
# Get-ClusterParameter, named and shaped as on an Azure Stack HCI node (docs/lab.md, "Lab nodes"; behaviour reference
# §2.6, §2.7; the node State a ClusterNodeState enum, real-world-evidence.md), with the parameters of the module's node
# command catalogue (tests/lab/LabNodeCatalogue.Tests.ps1).

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
