# Write: an about_*.md page, as Read-MarkdownFile (Read-HelpPage.ps1) read it, as <OutputPath>/about_*.help.txt in the classic
# about-topic text layout. Dot-sourced by build/New-MamlHelp.ps1, which defines $utf8.

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
# body text indented by four, code by eight. $Doc is the page at $Path as Read-MarkdownFile read it (and
# Test-AboutTopic passed).
function Write-AboutTopic($Doc, [string]$Path, [string]$OutputPath) {
    $name = [IO.Path]::GetFileNameWithoutExtension($Path)
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
