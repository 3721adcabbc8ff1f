# Write: the command pages, as Read-HelpPage.ps1 read them, as one MAML file (<ModuleName>.dll-Help.xml, as
# Get-Help reads it). Dot-sourced by build/New-MamlHelp.ps1, which defines $utf8.

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

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

# The whole help file: a helpItems element with one command:command per page, in the order given.
function Write-MamlHelp($Commands, [string]$HelpFile) {
    $settings = New-Object System.Xml.XmlWriterSettings
    $settings.Indent = $true
    $settings.Encoding = $utf8
    $w = [System.Xml.XmlWriter]::Create($HelpFile, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', 'http://msh')
        $w.WriteAttributeString('schema', 'maml')
        foreach ($cmd in $Commands) { Write-Command $w $cmd }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    }
    finally { $w.Dispose() }
}

#endregion
