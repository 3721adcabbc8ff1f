<#
.SYNOPSIS
    Compiles the platyPS-style markdown in docs/ into the module's help files, without platyPS.

.DESCRIPTION
    Every docs/<Verb-Noun>.md (platyPS schema 2.0.0) becomes one command:command element of
    <OutputPath>/<ModuleName>.dll-Help.xml (MAML, as Get-Help reads it). Every docs/about_*.md becomes
    <OutputPath>/about_*.help.txt in the classic about-topic text layout.

    The script fails, listing every problem found, when a command page has no synopsis, no description, no
    example, or a parameter without a description, so help cannot silently rot.

    This is the entry point; the work is in build/help/, one job a file:
      Read-HelpPage.ps1     a markdown page into a help object (front matter, sections, blocks, the command page)
      Test-HelpPage.ps1     what is wrong with a page (the checks that refuse the build)
      Write-MamlHelp.ps1    the command pages as MAML XML
      Write-AboutTopic.ps1  the about topics as about_*.help.txt

.NOTES
    Why not platyPS: it is not served on the project's machines. The NuGet feed the developers and CI reach has
    no platyPS and no Microsoft.PowerShell.PlatyPS (no version of either), so the build could not install it;
    this script reads the same markdown schema and writes the same MAML itself.

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

. (Join-Path $PSScriptRoot 'help/Read-HelpPage.ps1')
. (Join-Path $PSScriptRoot 'help/Test-HelpPage.ps1')
. (Join-Path $PSScriptRoot 'help/Write-MamlHelp.ps1')
. (Join-Path $PSScriptRoot 'help/Write-AboutTopic.ps1')

# UTF-8 with a byte order mark, so Windows PowerShell 5.1 does not read the about topics as ANSI.
$utf8 = New-Object System.Text.UTF8Encoding $true

$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath
$null = New-Item -ItemType Directory -Force -Path $OutputPath
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).ProviderPath

# Command pages are named Verb-Noun.md; about_*.md and free-form pages (architecture, lab guide) are not.
$commandFiles = @(Get-ChildItem -LiteralPath $DocsPath -Filter '*.md' | Where-Object { $_.BaseName -match '^[A-Za-z]+-[A-Za-z0-9]+$' } | Sort-Object Name)
$problems = New-Object System.Collections.Generic.List[string]
$commands = @($commandFiles | ForEach-Object {
        $cmd = Read-CommandDoc $_.FullName
        Test-CommandDoc $cmd $_.FullName $problems
        $cmd
    })
if ($problems.Count -gt 0) {
    throw "The command help in '$DocsPath' is incomplete:`n  " + ($problems -join "`n  ")
}

$helpFile = Join-Path $OutputPath "$ModuleName.dll-Help.xml"
Write-MamlHelp $commands $helpFile
Write-Verbose "Wrote $helpFile ($($commands.Count) commands)."

foreach ($about in @(Get-ChildItem -LiteralPath $DocsPath -Filter 'about_*.md')) {
    $doc = Read-MarkdownFile $about.FullName
    Test-AboutTopic $doc $about.FullName
    Write-AboutTopic $doc $about.FullName $OutputPath
    Write-Verbose "Wrote $($about.BaseName).help.txt."
}
