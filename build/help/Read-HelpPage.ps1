# Read: a platyPS-style markdown page (schema 2.0.0) into the objects that Test-HelpPage.ps1 checks and
# Write-MamlHelp.ps1 / Write-AboutTopic.ps1 render. Dot-sourced by build/New-MamlHelp.ps1. Reading never refuses a
# page: whatever is missing is left empty here and reported by the checks.

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

#endregion

#region Command pages

# Reads one command page into a plain object; Test-CommandDoc (Test-HelpPage.ps1) says what is wrong with it.
function Read-CommandDoc([string]$Path) {
    $doc = Read-MarkdownFile $Path
    $h1 = @($doc.Sections | Where-Object Level -eq 1)
    $name = if ($h1.Count -gt 0) { $h1[0].Title } else { [IO.Path]::GetFileNameWithoutExtension($Path) }

    $synopsis = Get-Section $doc 'SYNOPSIS'
    $synopsisBlocks = if ($synopsis) { Split-Block $synopsis.Lines } else { @() }

    $description = Get-Section $doc 'DESCRIPTION'
    $descriptionBlocks = if ($description) { Split-Block $description.Lines } else { @() }

    # SYNTAX: one "### <set name>" with a code block per parameter set, or a single unnamed code block. Without
    # the section, Syntax stays empty.
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

    $examples = @()
    $exampleSection = Get-Section $doc 'EXAMPLES'
    if ($exampleSection) {
        foreach ($child in $exampleSection.Children) {
            $blocks = Split-Block $child.Lines
            $code = @($blocks | Where-Object Kind -eq 'Code' | ForEach-Object Text)
            $remarks = @($blocks | Where-Object Kind -ne 'Code')
            # CodeBlocks: the code blocks one by one, for the check (Code joins them).
            $examples += [pscustomobject]@{ Title = $child.Title; Code = ($code -join "`n`n"); Remarks = $remarks; CodeBlocks = $code }
        }
    }

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
            # A parameter without a yaml block with its Type is kept, for the check to refuse: no MAML is written then.
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
