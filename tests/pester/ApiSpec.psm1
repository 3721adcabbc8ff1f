# Request bodies checked against Microsoft's REST API specifications (tests/specs): every property a body sends must
# be one the spec's schema defines, not read-only, and of the spec's type.

$specRoot = Join-Path $PSScriptRoot '../specs'
$documents = @{}

function Get-SpecDocument([string] $Path) {
    if (-not $documents.ContainsKey($Path)) { $documents[$Path] = Get-Content $Path -Raw | ConvertFrom-Json -AsHashtable }
    $documents[$Path]
}

function Resolve-SpecSchema([string] $File, $Schema) {
    <# Follows $ref (within the file, or to the copied common types) to the schema it names; $null outside the copies. #>
    while ($Schema -is [hashtable] -and $Schema.ContainsKey('$ref')) {
        $target, $pointer = $Schema['$ref'] -split '#', 2
        if ($target) {
            $File = if ($target -match 'common-types/resource-management/v5/types\.json$') { Join-Path $specRoot 'common-types/v5/types.json' } else { Join-Path (Split-Path $File) $target }
            if (-not (Test-Path $File)) { return $File, $null }
        }
        $Schema = Get-SpecDocument $File
        foreach ($part in $pointer.Trim('/').Split('/')) { $Schema = $Schema[$part] }
    }
    $File, $Schema
}

function Get-SpecProperties([string] $File, [hashtable] $Schema) {
    <# The properties an object schema allows, its allOf parents' included: name => (file, schema). #>
    $properties = @{}
    foreach ($parent in @($Schema['allOf'])) {
        if ($null -eq $parent) { continue }
        $parentFile, $parentSchema = Resolve-SpecSchema $File $parent
        if ($parentSchema) { foreach ($entry in (Get-SpecProperties $parentFile $parentSchema).GetEnumerator()) { $properties[$entry.Key] = $entry.Value } }
    }
    if ($Schema['properties'] -is [hashtable]) { foreach ($entry in $Schema['properties'].GetEnumerator()) { $properties[$entry.Key] = @($File, $entry.Value) } }
    $properties
}

function Test-SpecValue([string] $File, $Schema, $Value, [string] $Path) {
    $File, $Schema = Resolve-SpecSchema $File $Schema
    if ($null -eq $Schema) { return }
    if ($Schema['readOnly']) { "$Path is read-only in the spec" }
    $properties = Get-SpecProperties $File $Schema
    if ($Value -is [hashtable]) {
        foreach ($name in $Value.Keys) {
            if ($properties.ContainsKey($name)) { Test-SpecValue $properties[$name][0] $properties[$name][1] $Value[$name] "$Path.$name" }
            elseif ($Schema['additionalProperties'] -is [hashtable]) { Test-SpecValue $File $Schema['additionalProperties'] $Value[$name] "$Path.$name" }
            elseif (-not $Schema['additionalProperties']) { "$Path.$name is not in the spec" }
        }
    }
    elseif ($Schema['type'] -eq 'string' -and $null -ne $Value -and $Value -isnot [string]) { "$Path should be a string" }
    elseif ($Schema['type'] -eq 'array') {
        if ($Value -isnot [array] -and $Value -isnot [Collections.IList]) { "$Path should be an array" }
        else { $i = 0; foreach ($item in $Value) { Test-SpecValue $File $Schema['items'] $item "$Path[$i]"; $i++ } }
    }
    elseif ($properties.Count -gt 0 -and $null -ne $Value) { "$Path should be an object" }
}

function Test-ApiSpecBody {
    <#
        .SYNOPSIS
        What in a request body the spec does not allow (none: the body conforms). -Spec names the file under
        tests/specs (e.g. 'azurestackhci/2024-04-01/clusters.json'), -Definition its schema (e.g. 'Cluster').
    #>
    param([Parameter(Mandatory)] [string] $Spec, [Parameter(Mandatory)] [string] $Definition, [Parameter(Mandatory)] [AllowNull()] $Body)
    $file = Join-Path $specRoot $Spec
    $schema = (Get-SpecDocument $file)['definitions'][$Definition]
    if ($null -eq $schema) { throw "$Spec has no definition $Definition." }
    $value = if ($Body -is [string]) { $Body | ConvertFrom-Json -AsHashtable } else { $Body | ConvertTo-Json -Depth 20 | ConvertFrom-Json -AsHashtable }
    @(Test-SpecValue $file $schema $value $Definition)
}

Export-ModuleMember -Function Test-ApiSpecBody
