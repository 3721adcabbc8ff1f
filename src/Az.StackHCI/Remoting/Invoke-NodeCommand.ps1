# Runs one command on a node and sends back only plain values, so no node type has to survive the trip. Real nodes
# run it in Windows PowerShell 5.1 (WinRM) or pwsh 7 (SSH), where the OS module's objects arrive deserialized through
# the Windows PowerShell compatibility session: nothing newer than 5.1 may be used here.
param([string] $Command, [hashtable] $Parameters, [string[]] $Select, [string[]] $ExpandOnNode, [string] $InputCommand, [hashtable] $InputParameters, [string] $Definition)

# Nothing on the node may wait for a prompt or spend time drawing progress nobody sees.
$ProgressPreference = 'SilentlyContinue'
$ConfirmPreference = 'None'
# Windows PowerShell 5.1 may not offer TLS 1.2 by default; every Azure endpoint requires it.
if ($PSVersionTable.PSVersion.Major -lt 6) { [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12 }

# A command of the module itself (no OS command), defined here for this run only.
if ($Definition) { . ([scriptblock]::Create($Definition)) }

# Paths only the node can spell (%windir%, %ProgramFiles%), as Microsoft's callers build them there.
foreach ($name in @($ExpandOnNode)) {
    if ($name -and $Parameters.ContainsKey($name)) { $Parameters[$name] = [Environment]::ExpandEnvironmentVariables([string]$Parameters[$name]) }
}

function ConvertTo-Plain($Value, [int] $Depth = 0) {
    <# Enums by name (live or deserialized, also inside dictionaries), dates as UTC ISO 8601 text, objects as property bags. #>
    if ($null -eq $Value) { return $null }
    if ($Depth -gt 6) { return [string]$Value }
    # A deserialized enum is its number, wrapped with its name as ToString() and its type names kept.
    if ($Value -is [enum] -or $Value.PSObject.TypeNames -contains 'Deserialized.System.Enum') { return $Value.ToString() }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o') }
    if ($Value -is [datetimeoffset]) { return $Value.UtcDateTime.ToString('o') }
    if ($Value -is [string] -or $Value -is [ValueType]) { return $Value }
    if ($Value -is [type]) { return $Value.FullName }
    if ($Value -is [System.Collections.IDictionary]) {
        $entries = [ordered]@{}
        foreach ($key in @($Value.Keys)) { $entries[[string]$key] = ConvertTo-Plain $Value[$key] ($Depth + 1) }
        return [pscustomobject]$entries
    }
    if ($Value -is [System.Collections.IEnumerable]) { return , @($Value | ForEach-Object { ConvertTo-Plain $_ ($Depth + 1) }) }
    $plain = [ordered]@{}
    # Some getters throw (a CNG certificate's PrivateKey on Windows PowerShell): such a property reads as null.
    foreach ($property in $Value.PSObject.Properties) { $plain[$property.Name] = try { ConvertTo-Plain $property.Value ($Depth + 1) } catch { $null } }
    [pscustomobject]$plain
}

function Get-ErrorText($Record) {
    <#
        The record's text and what its exception chain adds: the OS registration cmdlets keep the cloud's answer (an
        AADSTS code, for example) in an inner exception's Detail.Error, not in the record's own message.
    #>
    $texts = [System.Collections.Generic.List[string]]::new()
    $texts.Add([string]$Record)
    $exception = $Record.Exception
    while ($null -ne $exception) {
        foreach ($text in @([string]$exception.Message, [string]$(try { $exception.Detail.Error } catch { $null }))) {
            if ($text -and -not ($texts | Where-Object { $_.Contains($text) })) { $texts.Add($text) }
        }
        $exception = $exception.InnerException
    }
    $texts -join ' '
}

$failures = [System.Collections.Generic.List[object]]::new()
$output = @()
$watch = [Diagnostics.Stopwatch]::StartNew()
try {
    # The error stream, not -ErrorVariable: that also collects errors a script command caught and handled itself.
    $ErrorActionPreference = 'Continue'
    # A command fed by another's output on the node (objects such as a cluster resource cannot travel).
    $run = if ($InputCommand) { { & $InputCommand @InputParameters | & $Command @Parameters } } else { { & $Command @Parameters } }
    foreach ($item in @(& $run 2>&1)) {
        if ($item -is [System.Management.Automation.ErrorRecord]) { $failures.Add($item) }
        elseif ($Select) { $output += , ($item | Select-Object -Property $Select) }   # only what the module reads (a probe's status, not its body)
        else { $output += , $item }
    }
}
catch {
    $failures.Add($_)
}
$watch.Stop()
[pscustomobject]@{
    ElapsedMilliseconds = $watch.Elapsed.TotalMilliseconds
    Output              = @($output | ForEach-Object { ConvertTo-Json -InputObject (ConvertTo-Plain $_) -Depth 8 -Compress })
    Errors              = @($failures | ForEach-Object { [pscustomobject]@{ Message = Get-ErrorText $_; ErrorId = [string]$_.FullyQualifiedErrorId; Category = [string]$_.CategoryInfo.Category } })
}
