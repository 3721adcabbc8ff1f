# Check: what is wrong with a page as Read-HelpPage.ps1 read it, so help cannot silently rot. Dot-sourced by
# build/New-MamlHelp.ps1, which refuses the build when a command page has a problem (before any file is written).

# A platyPS template leaves "{{ Fill in the ... }}"; that counts as missing.
function Test-Blank([string]$Text) { [string]::IsNullOrWhiteSpace($Text) -or $Text -match '^\s*\{\{.*\}\}\s*$' }

# All the text of some blocks except code, as one string (to tell whether there is any).
function Get-ProseText($Blocks) {
    $text = foreach ($block in @($Blocks)) { if ($null -ne $block -and $block.Kind -ne 'Code') { $block.Text } }
    (@($text) -join ' ').Trim()
}

# Adds what is wrong with one command page (as Read-CommandDoc read it from $Path) to $Problems: no synopsis, no
# description, no syntax, no example or one without code or text, a parameter without a description or a Type.
function Test-CommandDoc($Cmd, [string]$Path, [System.Collections.Generic.List[string]]$Problems) {
    $file = Split-Path -Leaf $Path
    $problem = { param($what) $Problems.Add("${file}: $what") }

    if (Test-Blank (Get-ProseText $Cmd.Synopsis)) { & $problem 'the SYNOPSIS section is missing or empty.' }
    if (Test-Blank (Get-ProseText $Cmd.Description)) { & $problem 'the DESCRIPTION section is missing or empty.' }

    # Read-CommandDoc gives a SYNTAX section at least one set ('(All)' when it names none).
    if ($Cmd.Syntax.Count -eq 0) { & $problem 'the SYNTAX section is missing.' }

    foreach ($example in $Cmd.Examples) {
        if ($example.CodeBlocks.Count -eq 0) { & $problem "'$($example.Title)' has no code block." }
        if (Test-Blank (Get-ProseText $example.Remarks)) { & $problem "'$($example.Title)' is not explained." }
    }
    if ($Cmd.Examples.Count -eq 0) { & $problem 'there is no example (### Example 1: ... under ## EXAMPLES).' }

    foreach ($parameter in $Cmd.Parameters) {
        $paramName = $parameter.Name
        $variants = $parameter.Variants
        if (Test-Blank (Get-ProseText $parameter.Description)) { & $problem "parameter -$paramName has no description." }
        if ($variants.Count -eq 0 -or -not $variants[0].Type) { & $problem "parameter -$paramName has no yaml block with its Type." }
    }
}

# An about topic needs a '## Short description' with text; throws otherwise.
function Test-AboutTopic($Doc, [string]$Path) {
    $file = Split-Path -Leaf $Path
    if (-not ($Doc.Sections | Where-Object { $_.Level -eq 2 -and $_.Title -eq 'Short description' -and -not (Test-Blank (Get-ProseText (Split-Block $_.Lines))) })) {
        throw "${file}: an about topic needs a '## Short description' section with text."
    }
}
