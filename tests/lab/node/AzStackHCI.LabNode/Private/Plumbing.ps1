# Lab node plumbing: the node's context (its environment, cluster.json and the fault switches, all read from disk at
# each command), what every command does on entry and exit (the node's latency, the failCommand switch, its line in
# the nodes' journal), the switches' failure counters, and errors shaped as the OS's cmdlets write them.
# See docs/lab.md, "Lab nodes", "Control API" and "Journal".

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
