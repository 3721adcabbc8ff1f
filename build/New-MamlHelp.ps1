<#
.SYNOPSIS
    Compiles the platyPS-style markdown in docs/ into the module's help files, without platyPS.

.DESCRIPTION
    Every docs/<Verb-Noun>.md (platyPS schema 2.0.0) becomes one command:command element of
    <OutputPath>/<ModuleName>.dll-Help.xml (MAML, as Get-Help reads it). Every docs/about_*.md becomes
    <OutputPath>/about_*.help.txt in the classic about-topic text layout.

    The script fails, listing every problem found, when a command page has no synopsis, no description, no
    example, or a parameter without a description, so help cannot silently rot.

.EXAMPLE
    ./build/New-MamlHelp.ps1 -DocsPath ./docs -OutputPath ./out/Az.StackHCI/0.1.0/en-US
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string]$DocsPath,

    [Parameter(Mandatory)]
    [string]$OutputPath,

    [string]$ModuleName = 'Az.StackHCI'
)

Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
# UTF-8 with a byte order mark, so Windows PowerShell 5.1 does not read the about topics as ANSI.
$utf8 = New-Object System.Text.UTF8Encoding $true

#region Markdown reading

# Splits a markdown file into its front matter (hashtable) and a flat list of level 1-3 headings, each with the
# lines under it. Lines inside fenced code blocks are never taken for headings (PowerShell comments start with #);
# deeper headings stay in the text, where Split-Block makes them paragraphs of their own.
function Read-MarkdownFile([string]$Path) {
    $lines = [IO.File]::ReadAllText($Path) -replace "`r`n", "`n" -split "`n"
    $meta = @{}
    $start = 0
    if ($lines.Count -gt 0 -and $lines[0] -eq '---') {
        for ($i = 1; $i -lt $lines.Count -and $lines[$i] -ne '---'; $i++) {
            if ($lines[$i] -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $meta[$Matches[1]] = $Matches[2] }
        }
        $start = $i + 1
    }

    $sections = New-Object System.Collections.Generic.List[object]
    $current = [pscustomobject]@{ Level = 0; Title = ''; Lines = New-Object System.Collections.Generic.List[string] }
    $inFence = $false
    for ($i = $start; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^\s*(```|~~~)') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^(#{1,3})\s+(.*?)\s*#*\s*$') {
            $sections.Add($current)
            $current = [pscustomobject]@{ Level = $Matches[1].Length; Title = $Matches[2]; Lines = New-Object System.Collections.Generic.List[string] }
        }
        else {
            $current.Lines.Add($line)
        }
    }
    $sections.Add($current)
    [pscustomobject]@{ Meta = $meta; Sections = $sections }
}

# The level-2 section titled $Title (case-insensitive), with its level-3 children; $null when absent.
function Get-Section($Doc, [string]$Title) {
    $all = $Doc.Sections
    for ($i = 0; $i -lt $all.Count; $i++) {
        if ($all[$i].Level -eq 2 -and $all[$i].Title -eq $Title) {
            $children = @()
            for ($j = $i + 1; $j -lt $all.Count -and $all[$j].Level -gt 2; $j++) { $children += $all[$j] }
            return [pscustomobject]@{ Lines = $all[$i].Lines; Children = $children }
        }
    }
    $null
}

# Turns lines into blocks: Code (fenced), List (one entry per item) or Para (lines joined by spaces).
function Split-Block([string[]]$Lines) {
    $blocks = New-Object System.Collections.Generic.List[object]
    $buffer = New-Object System.Collections.Generic.List[string]
    $fence = $null
    $flush = {
        if ($buffer.Count -gt 0) {
            if ($buffer[0] -match '^\s*([-*+]|\d+\.)\s+') {
                # Continuation lines (indented, no marker) belong to the item above them.
                $items = New-Object System.Collections.Generic.List[string]
                foreach ($b in $buffer) {
                    if ($b -match '^\s*([-*+]|\d+\.)\s+(.*)$') { $items.Add($Matches[2]) }
                    else { $items[$items.Count - 1] += ' ' + $b.Trim() }
                }
                $blocks.Add([pscustomobject]@{ Kind = 'List'; Text = @($items); Lang = '' })
            }
            else {
                $blocks.Add([pscustomobject]@{ Kind = 'Para'; Text = (($buffer | ForEach-Object { $_.Trim() }) -join ' '); Lang = '' })
            }
            $buffer.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($null -ne $fence) {
            if ($line -match '^\s*(```|~~~)\s*$') {
                $blocks.Add([pscustomobject]@{ Kind = 'Code'; Text = ($buffer -join "`n"); Lang = $fence })
                $buffer.Clear()
                $fence = $null
            }
            else { $buffer.Add($line) }
        }
        elseif ($line -match '^\s*(```|~~~)\s*(\S*)') {
            & $flush
            $fence = $Matches[2]
        }
        elseif ($line.Trim() -eq '') { & $flush }
        elseif ($line -match '^#{4,6}\s+(.*?)\s*#*\s*$') {
            & $flush
            $blocks.Add([pscustomobject]@{ Kind = 'Para'; Text = $Matches[1]; Lang = '' })
        }
        else { $buffer.Add($line) }
    }
    & $flush
    $blocks.ToArray()
}

# Markdown inline syntax to plain text: links become "text (url)", emphasis and code marks go.
function ConvertTo-PlainText([string]$Text) {
    $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)\s]+)\)', {
            param($m)
            $label, $url = $m.Groups[1].Value, $m.Groups[2].Value
            if ($url -notmatch '^https?://' -or $label -eq $url) { $label } else { "$label ($url)" }
        })
    $Text = $Text -replace '\*\*|`', ''
    $Text -replace '\\([\\`*_{}\[\]()#+\-.!<>|])', '$1'
}

# A platyPS template leaves "{{ Fill in the ... }}"; that counts as missing.
function Test-Blank([string]$Text) { [string]::IsNullOrWhiteSpace($Text) -or $Text -match '^\s*\{\{.*\}\}\s*$' }

# All the text of some blocks except code, as one string (to tell whether there is any).
function Get-ProseText($Blocks) {
    $text = foreach ($block in @($Blocks)) { if ($null -ne $block -and $block.Kind -ne 'Code') { $block.Text } }
    (@($text) -join ' ').Trim()
}

#endregion

#region Command pages

# Reads one command page into a plain object, adding what is wrong with it to $Problems.
function Read-CommandDoc([string]$Path, [System.Collections.Generic.List[string]]$Problems) {
    $doc = Read-MarkdownFile $Path
    $file = Split-Path -Leaf $Path
    $h1 = @($doc.Sections | Where-Object Level -eq 1)
    $name = if ($h1.Count -gt 0) { $h1[0].Title } else { [IO.Path]::GetFileNameWithoutExtension($Path) }
    $problem = { param($what) $Problems.Add("${file}: $what") }

    $synopsis = Get-Section $doc 'SYNOPSIS'
    $synopsisBlocks = if ($synopsis) { Split-Block $synopsis.Lines } else { @() }
    if (Test-Blank (Get-ProseText $synopsisBlocks)) { & $problem 'the SYNOPSIS section is missing or empty.' }

    $description = Get-Section $doc 'DESCRIPTION'
    $descriptionBlocks = if ($description) { Split-Block $description.Lines } else { @() }
    if (Test-Blank (Get-ProseText $descriptionBlocks)) { & $problem 'the DESCRIPTION section is missing or empty.' }

    # SYNTAX: one "### <set name>" with a code block per parameter set, or a single unnamed code block.
    $syntax = @()
    $syntaxSection = Get-Section $doc 'SYNTAX'
    if ($syntaxSection) {
        foreach ($child in $syntaxSection.Children) {
            $code = @(Split-Block $child.Lines | Where-Object Kind -eq 'Code')
            $syntax += [pscustomobject]@{ Set = ($child.Title -replace '\s*\(Default\)\s*$', ''); Text = ($code | ForEach-Object Text) -join ' ' }
        }
        if ($syntax.Count -eq 0) {
            $code = @(Split-Block $syntaxSection.Lines | Where-Object Kind -eq 'Code')
            $syntax += [pscustomobject]@{ Set = '(All)'; Text = ($code | ForEach-Object Text) -join ' ' }
        }
    }
    else { & $problem 'the SYNTAX section is missing.' }

    $examples = @()
    $exampleSection = Get-Section $doc 'EXAMPLES'
    if ($exampleSection) {
        foreach ($child in $exampleSection.Children) {
            $blocks = Split-Block $child.Lines
            $code = @($blocks | Where-Object Kind -eq 'Code' | ForEach-Object Text)
            $remarks = @($blocks | Where-Object Kind -ne 'Code')
            if ($code.Count -eq 0) { & $problem "'$($child.Title)' has no code block." }
            if (Test-Blank (Get-ProseText $remarks)) { & $problem "'$($child.Title)' is not explained." }
            $examples += [pscustomobject]@{ Title = $child.Title; Code = ($code -join "`n`n"); Remarks = $remarks }
        }
    }
    if ($examples.Count -eq 0) { & $problem 'there is no example (### Example 1: ... under ## EXAMPLES).' }

    # PARAMETERS: "### -Name", a description, then one yaml block (platyPS writes one per parameter set when the
    # attributes differ between sets; the first is the one shown under PARAMETERS).
    $parameters = @()
    $parameterSection = Get-Section $doc 'PARAMETERS'
    if ($parameterSection) {
        foreach ($child in $parameterSection.Children) {
            if ($child.Title -eq 'CommonParameters') { continue }
            $paramName = $child.Title.TrimStart('-')
            $blocks = Split-Block $child.Lines
            $text = @($blocks | Where-Object Kind -ne 'Code')
            if (Test-Blank (Get-ProseText $text)) { & $problem "parameter -$paramName has no description." }
            $variants = @()
            foreach ($yaml in @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Lang -eq 'yaml' })) {
                $values = @{}
                foreach ($line in $yaml.Text -split "`n") {
                    if ($line -match '^\s*([^:]+?)\s*:\s*(.*?)\s*$') { $values[$Matches[1]] = $Matches[2] }
                }
                $variants += [pscustomobject]@{
                    Type           = $values['Type']
                    Sets           = @(("$($values['Parameter Sets'])" -split ',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
                    Aliases        = $values['Aliases']
                    Required       = $values['Required'] -eq 'True'
                    Position       = $values['Position']
                    Default        = $values['Default value']
                    Pipeline       = $values['Accept pipeline input']
                    Globbing       = $values['Accept wildcard characters'] -eq 'True'
                    AcceptedValues = @(("$($values['Accepted values'])" -split ',') | ForEach-Object { $_.Trim() } | Where-Object { $_ })
                }
            }
            if ($variants.Count -eq 0 -or -not $variants[0].Type) { & $problem "parameter -$paramName has no yaml block with its Type."; continue }
            $parameters += [pscustomobject]@{ Name = $paramName; Description = $text; Variants = $variants }
        }
    }

    # INPUTS / OUTPUTS: "### Type.Name" then what it means.
    $typeList = {
        param($title)
        $section = Get-Section $doc $title
        if ($section) {
            foreach ($child in $section.Children) { [pscustomobject]@{ Name = $child.Title; Description = @(Split-Block $child.Lines) } }
        }
    }

    $notes = Get-Section $doc 'NOTES'
    $links = @()
    $linkSection = Get-Section $doc 'RELATED LINKS'
    if ($linkSection) {
        foreach ($m in [regex]::Matches(($linkSection.Lines -join "`n"), '\[([^\]]+)\]\(([^)\s]*)\)')) {
            $links += [pscustomobject]@{ Text = $m.Groups[1].Value; Uri = $m.Groups[2].Value }
        }
    }
    # Get-Help -Online opens the first link with a URI, so "Online Version:" must come first. Without one, external
    # links keep their address in the text only, or -Online would open another site as this command's help. Links
    # to other pages of these docs (relative .md paths) carry no URI: Get-Help would reject them as not absolute.
    $online = "$($doc.Meta['online version'])".Trim()
    $links = @($links | Where-Object { $_.Text.TrimEnd(':') -ne 'Online Version' })
    if ($online) { $links = @([pscustomobject]@{ Text = 'Online Version:'; Uri = $online }) + $links }
    foreach ($link in $links) {
        if ($link.Uri -notmatch '^https?://') { $link.Uri = '' }
        elseif (-not $online) { $link.Text = "$($link.Text): $($link.Uri)"; $link.Uri = '' }
    }

    [pscustomobject]@{
        Name        = $name
        Synopsis    = $synopsisBlocks
        Description = $descriptionBlocks
        Syntax      = $syntax
        Parameters  = $parameters
        Examples    = $examples
        Inputs      = @(& $typeList 'INPUTS')
        Outputs     = @(& $typeList 'OUTPUTS')
        Notes       = if ($notes) { @(Split-Block $notes.Lines) } else { @() }
        Links       = $links
    }
}

#endregion

#region MAML writing

function Write-Element($w, [string]$Prefix, [string]$Name, [string]$Value) {
    $w.WriteElementString($Prefix, $Name, $ns[$Prefix], $Value)
}

# Blocks as maml:para elements: a paragraph each, a list item each ("- item"), code kept as it is.
function Write-Para($w, $Blocks) {
    $any = $false
    foreach ($block in $Blocks) {
        switch ($block.Kind) {
            'Para' { Write-Element $w maml para (ConvertTo-PlainText $block.Text) }
            'List' { foreach ($item in $block.Text) { Write-Element $w maml para ('- ' + (ConvertTo-PlainText $item)) } }
            'Code' { Write-Element $w maml para $block.Text }
        }
        $any = $true
    }
    if (-not $any) { Write-Element $w maml para '' }
}

function Write-Description($w, [string]$Prefix, $Blocks) {
    $w.WriteStartElement($Prefix, 'description', $ns[$Prefix])
    Write-Para $w $Blocks
    $w.WriteEndElement()
}

function Write-Parameter($w, $Parameter, $Variant, [bool]$InSyntax) {
    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', "$($Variant.Required)".ToLowerInvariant())
    $w.WriteAttributeString('variableLength', 'true')
    $w.WriteAttributeString('globbing', "$($Variant.Globbing)".ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $(if ($Variant.Pipeline) { $Variant.Pipeline } else { 'False' }))
    $w.WriteAttributeString('position', $(if ($Variant.Position -match '^\d+$') { $Variant.Position } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if ($Variant.Aliases) { $Variant.Aliases } else { 'none' }))
    Write-Element $w maml name $Parameter.Name
    Write-Description $w maml $Parameter.Description
    $isSwitch = $Variant.Type -eq 'SwitchParameter'
    if ($InSyntax -and $Variant.AcceptedValues.Count -gt 0) {
        # Enumerations: Get-Help shows "-Scope {Process | CurrentUser}".
        $w.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($value in $Variant.AcceptedValues) {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'false')
            $w.WriteAttributeString('command', 'variableLength', $ns.command, 'false')
            $w.WriteString($value)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    elseif (-not ($InSyntax -and $isSwitch)) {
        # A switch shows as [-WhatIf] in the syntax, and as -WhatIf [<SwitchParameter>] under PARAMETERS.
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', "$(-not $isSwitch)".ToLowerInvariant())
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($Variant.Type)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $ns.dev)
    Write-Element $w maml name $Variant.Type
    Write-Element $w maml uri ''
    $w.WriteEndElement()
    Write-Element $w dev defaultValue $(if ($Variant.Default) { $Variant.Default } else { 'None' })
    $w.WriteEndElement()
}

function Write-TypeList($w, [string]$Outer, [string]$Inner, $Types) {
    $w.WriteStartElement('command', $Outer, $ns.command)
    foreach ($type in $Types) {
        $w.WriteStartElement('command', $Inner, $ns.command)
        $w.WriteStartElement('dev', 'type', $ns.dev)
        Write-Element $w maml name $type.Name
        $w.WriteEndElement()
        Write-Description $w maml $type.Description
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
}

function Write-Command($w, $Cmd) {
    $verb, $noun = $Cmd.Name -split '-', 2
    $w.WriteStartElement('command', 'command', $ns.command)
    foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') { $w.WriteAttributeString('xmlns', $prefix, $null, $ns[$prefix]) }

    $w.WriteStartElement('command', 'details', $ns.command)
    Write-Element $w command name $Cmd.Name
    Write-Element $w command verb $verb
    Write-Element $w command noun $noun
    Write-Description $w maml $Cmd.Synopsis
    $w.WriteEndElement()

    Write-Description $w maml $Cmd.Description

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $Cmd.Syntax) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        Write-Element $w maml name $Cmd.Name
        # The set's parameters, in the order the syntax block shows them (any it leaves out go last).
        $members = foreach ($p in $Cmd.Parameters) {
            $variant = $p.Variants | Where-Object { $_.Sets -contains $set.Set -or $_.Sets -contains '(All)' -or $set.Set -eq '(All)' } | Select-Object -First 1
            if ($variant) {
                $at = $set.Text.IndexOf("-$($p.Name) ", [StringComparison]::OrdinalIgnoreCase)
                if ($at -lt 0) { $at = $set.Text.IndexOf("-$($p.Name)]", [StringComparison]::OrdinalIgnoreCase) }
                [pscustomobject]@{ Parameter = $p; Variant = $variant; Order = $(if ($at -ge 0) { $at } else { [int]::MaxValue }) }
            }
        }
        foreach ($m in @($members | Sort-Object Order)) { Write-Parameter $w $m.Parameter $m.Variant $true }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $Cmd.Parameters) { Write-Parameter $w $p $p.Variants[0] $false }
    $w.WriteEndElement()

    Write-TypeList $w inputTypes inputType $Cmd.Inputs
    Write-TypeList $w returnValues returnValue $Cmd.Outputs

    $w.WriteStartElement('maml', 'alertSet', $ns.maml)
    $w.WriteStartElement('maml', 'alert', $ns.maml)
    Write-Para $w $Cmd.Notes
    $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $ns.command)
    foreach ($example in $Cmd.Examples) {
        $w.WriteStartElement('command', 'example', $ns.command)
        Write-Element $w maml title "-------------------------- $($example.Title) --------------------------"
        Write-Element $w dev code $example.Code
        $w.WriteStartElement('dev', 'remarks', $ns.dev)
        Write-Para $w $example.Remarks
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in $Cmd.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
        Write-Element $w maml linkText $link.Text
        Write-Element $w maml uri $link.Uri
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()
}

#endregion

#region About topics

# Greedy word wrap of one paragraph, every line prefixed with $Indent (the first with $First when given).
function Format-Wrapped([string]$Text, [string]$Indent, [string]$First = $Indent, [int]$Width = 80) {
    $out = New-Object System.Collections.Generic.List[string]
    $line = $First
    $fresh = $true
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if (-not $fresh -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $out.Add($line)
            $line = $Indent + $word
        }
        else { $line += $(if ($fresh) { '' } else { ' ' }) + $word }
        $fresh = $false
    }
    $out.Add($line)
    $out
}

# The classic layout: "TOPIC" and the name, level-2 headings in capitals at the margin, level-3 headings and
# body text indented by four, code by eight.
function Convert-AboutTopic([string]$Path) {
    $doc = Read-MarkdownFile $Path
    $file = Split-Path -Leaf $Path
    $name = [IO.Path]::GetFileNameWithoutExtension($Path)
    if (-not ($doc.Sections | Where-Object { $_.Level -eq 2 -and $_.Title -eq 'Short description' -and -not (Test-Blank (Get-ProseText (Split-Block $_.Lines))) })) {
        throw "${file}: an about topic needs a '## Short description' section with text."
    }
    $out = New-Object System.Collections.Generic.List[string]
    foreach ($section in $doc.Sections) {
        switch ($section.Level) {
            0 { }
            1 { $out.Add('TOPIC'); $out.Add("    $name"); $out.Add('') }
            2 { $out.Add($section.Title.ToUpperInvariant()) }
            default { $out.Add('    ' + (ConvertTo-PlainText $section.Title)); $out.Add('') }
        }
        foreach ($block in (Split-Block $section.Lines)) {
            switch ($block.Kind) {
                'Para' { $out.AddRange([string[]](Format-Wrapped (ConvertTo-PlainText $block.Text) '    ')) }
                'List' { foreach ($item in $block.Text) { $out.AddRange([string[]](Format-Wrapped (ConvertTo-PlainText $item) '      ' '    - ')) } }
                'Code' { foreach ($l in $block.Text -split "`n") { $out.Add(("        $l").TrimEnd()) } }
            }
            $out.Add('')
        }
        if ($section.Level -eq 2 -and $out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }
    }
    [IO.File]::WriteAllText((Join-Path $OutputPath "$name.help.txt"), (($out -join [Environment]::NewLine).TrimEnd() + [Environment]::NewLine), $utf8)
}

#endregion

$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath
$null = New-Item -ItemType Directory -Force -Path $OutputPath
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).ProviderPath

# Command pages are named Verb-Noun.md; about_*.md and free-form pages (architecture, lab guide) are not.
$commandFiles = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' | Where-Object { $_.BaseName -match '^[A-Za-z]+-[A-Za-z0-9]+$' } | Sort-Object Name)
$problems = New-Object System.Collections.Generic.List[string]
$commands = @($commandFiles | ForEach-Object { Read-CommandDoc $_.FullName $problems })
if ($problems.Count -gt 0) {
    throw "The command help in '$DocsPath' is incomplete:`n  " + ($problems -join "`n  ")
}

$settings = New-Object System.Xml.XmlWriterSettings
$settings.Indent = $true
$settings.Encoding = $utf8
$helpFile = Join-Path $OutputPath "$ModuleName.dll-Help.xml"
$w = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try {
    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($cmd in $commands) { Write-Command $w $cmd }
    $w.WriteEndElement()
    $w.WriteEndDocument()
}
finally { $w.Dispose() }
Write-Verbose "Wrote $helpFile ($($commands.Count) commands)."

foreach ($about in @(Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md')) {
    Convert-AboutTopic $about.FullName
    Write-Verbose "Wrote $($about.BaseName).help.txt."
}
