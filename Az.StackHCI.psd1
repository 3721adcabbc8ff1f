@{
    # The binaries sit in bin/ next to this manifest, both in the repository (after a build) and in the laid-out
    # module, so this one file serves `Import-Module ./Az.StackHCI.psd1` and the published module alike.
    RootModule             = 'bin/Az.StackHCI.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = 'c0177776-6a66-4018-b462-359b37b00a36'
    Author                 = 'Az.StackHCI contributors'
    CompanyName            = 'Az.StackHCI contributors'
    Copyright              = '(c) Az.StackHCI contributors. MIT License.'
    Description            = 'Registers Azure Stack HCI clusters with Azure from a management PC: a compiled, cross-platform replacement for the Az.StackHCI script module.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Core', 'Desktop')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @('bin/Az.StackHCI.Format.ps1xml')
    TypesToProcess         = @('bin/Az.StackHCI.Types.ps1xml')

    # The single list of exported commands: the build, the tests and the package all read it from here.
    CmdletsToExport        = @(
        'Add-AzStackHCIEnvironment'
        'Connect-AzStackHCI'
        'Disconnect-AzStackHCI'
        'Get-AzStackHCIContext'
        'Get-AzStackHCIEnvironment'
        'Get-AzStackHCI'
        'Set-AzStackHCI'
        'Register-AzStackHCI'
        'Test-AzStackHCIConnection'
        'Unregister-AzStackHCI'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()

    PrivateData            = @{
        PSData = @{
            Tags         = @('Azure', 'AzureStackHCI', 'StackHCI', 'HCI', 'Arc', 'Registration', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'Windows')
            # No LicenseUri or ProjectUri: the project has no public address yet, and a made-up one would send users
            # nowhere. The MIT licence ships as LICENSE in the module folder.
            ReleaseNotes = 'See CHANGELOG.md.'   # the build puts this version's CHANGELOG section here
        }
    }
}
