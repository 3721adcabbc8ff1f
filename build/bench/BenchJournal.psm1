<#
    What a registration did, read from the lab's journals rather than from a clock: the node rounds on its
    critical path and the cloud calls the management process made. Both are deterministic, so they measure the
    design even where the lab's nodes share the management PC's processors.
#>

function Get-NodeRounds {
    <#
    .SYNOPSIS
        The longest chain of node commands in which each starts after the previous one ended: R, the number of node
        round trips nothing could overlap. Returns that chain, earliest first.
    .DESCRIPTION
        Picking, again and again, the command that ends first among those starting after the chain's last end gives
        a longest chain (the classic interval-scheduling argument: no chain can end its k-th command earlier).
        Commands that run on several nodes at once overlap, so a parallel step counts once however many nodes it
        has; one node at a time it counts once per node.
    #>
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $NodeJournal)
    $commands = $NodeJournal | Where-Object { $_.end } | ForEach-Object {
        [pscustomobject]@{ Start = [DateTimeOffset] $_.time; End = [DateTimeOffset] $_.end; Node = $_.node; Command = $_.command }
    } | Sort-Object End
    $chainEnd = [DateTimeOffset]::MinValue
    foreach ($command in $commands) {
        if ($command.Start -ge $chainEnd) { $command; $chainEnd = $command.End }
    }
}

function Get-ManagementCalls {
    <#
    .SYNOPSIS
        The cloud requests of the management process, per service: those made as the signed-in user, or before
        anyone is signed in (device-code and discovery requests). The nodes' own requests carry their
        applications' ids (cluster certificate, Arc secret) and are left out.
    #>
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $Journal, [Parameter(Mandatory)] [string] $UserName)
    $management = @($Journal | Where-Object { $_.service -in 'arm', 'graph', 'authority' -and ($null -eq $_.principal -or $_.principal -eq $UserName) })
    [pscustomobject]@{
        Arm       = @($management | Where-Object service -EQ 'arm').Count
        Graph     = @($management | Where-Object service -EQ 'graph').Count
        Authority = @($management | Where-Object service -EQ 'authority').Count
    }
}

Export-ModuleMember -Function Get-NodeRounds, Get-ManagementCalls
