# Emulates what Microsoft.PowerShell.Management's providers give on a Windows node and pwsh on Linux lacks: Get-Item and
# Remove-Item for the Certificate provider's Cert:\LocalMachine\<store> (Private/CertificateStore.ps1), Get-ItemProperty
# for the Registry provider's HKLM:, HKCU:, Registry:: (Private/Registry.ps1). Every other path goes to
# Microsoft.PowerShell.Management's own command unchanged (docs/lab.md, "Lab nodes").

function Get-Item {
    <# Get-Item, plus what the Certificate provider gives for Cert:\LocalMachine\<store>\<thumbprint>; every other path
       goes to Microsoft.PowerShell.Management\Get-Item unchanged. #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [string] $Filter, [string[]] $Include, [string[]] $Exclude, [switch] $Force, [pscredential] $Credential, [string[]] $Stream
    )
    process {
        $literal = $PSCmdlet.ParameterSetName -eq 'LiteralPath'
        $paths = if ($literal) { $LiteralPath } else { $Path }
        if (-not ($paths | Where-Object { $_ -match $script:CertPathPattern })) {
            Microsoft.PowerShell.Management\Get-Item @PSBoundParameters
            return
        }
        $context = Get-LabNodeContext
        foreach ($item in $paths) {
            if ($item -notmatch $script:CertPathPattern) {
                $forward = @{} + $PSBoundParameters
                $forward.Remove('Path') | Out-Null; $forward.Remove('LiteralPath') | Out-Null
                if ($literal) { $forward.LiteralPath = $item } else { $forward.Path = $item }
                Microsoft.PowerShell.Management\Get-Item @forward
                continue
            }
            $store = $Matches['store']; $thumbprint = if ($Matches['thumbprint']) { $Matches['thumbprint'] } else { $null }
            $wildcard = -not $literal -and [Management.Automation.WildcardPattern]::ContainsWildcardCharacters($item)
            if (-not $wildcard -and $store -ne 'My' -and $store -notin 'Root', 'CA', 'Trust', 'Disallowed', 'AuthRoot', 'TrustedPublisher', 'TrustedPeople', 'Remote Desktop', 'WebHosting') {
                $found = @()
            }
            elseif (-not $thumbprint) {
                # The store itself: a container, as the provider shows it.
                $found = @([pscustomobject]@{ Name = $store; Location = 'LocalMachine'; PSPath = "Microsoft.PowerShell.Security\Certificate::LocalMachine\$store"; PSIsContainer = $true })
            }
            else {
                $storePattern = if ($literal) { [Management.Automation.WildcardPattern]::Escape($store) } else { $store }
                $thumbprintPattern = if ($literal) { [Management.Automation.WildcardPattern]::Escape($thumbprint) } else { $thumbprint }
                $found = @(Get-LabStoreCertificate $context $storePattern $thumbprintPattern)
            }
            if ($found.Count -gt 0) { $found; continue }
            if (-not $wildcard) {
                $exception = [Management.Automation.ItemNotFoundException]::new("Cannot find path '$item' because it does not exist.")
                $PSCmdlet.WriteError([Management.Automation.ErrorRecord]::new($exception, 'PathNotFound', 'ObjectNotFound', $item))
            }
        }
    }
}

function Remove-Item {
    <# Remove-Item, plus the Certificate provider's removal of Cert:\LocalMachine\My\<thumbprint>; every other path goes to
       Microsoft.PowerShell.Management\Remove-Item unchanged. #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [string] $Filter, [string[]] $Include, [string[]] $Exclude, [switch] $Recurse, [switch] $Force, [pscredential] $Credential, [string[]] $Stream
    )
    process {
        $paths = if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') { $LiteralPath } else { $Path }
        if (-not ($paths | Where-Object { $_ -match $script:CertPathPattern })) {
            Microsoft.PowerShell.Management\Remove-Item @PSBoundParameters
            return
        }
        $context = Enter-LabNodeCommand 'Remove-Item' $PSBoundParameters.Keys
        try {
            if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
            foreach ($item in $paths) {
                $file = if ($item -match $script:CertPathPattern -and $Matches['store'] -eq 'My' -and $Matches['thumbprint']) {
                    Join-Path (Get-CertificateFolder $context) "$($Matches['thumbprint'].ToUpperInvariant()).pfx"
                }
                if (-not $file -or -not (Test-Path -LiteralPath $file)) {
                    $exception = [Management.Automation.ItemNotFoundException]::new("Cannot find path '$item' because it does not exist.")
                    $PSCmdlet.WriteError([Management.Automation.ErrorRecord]::new($exception, 'PathNotFound', 'ObjectNotFound', $item))
                    continue
                }
                if ($PSCmdlet.ShouldProcess($item, 'Remove certificate')) { Microsoft.PowerShell.Management\Remove-Item -LiteralPath $file -Force }
            }
        }
        finally { Exit-LabNodeCommand $context }
    }
}

function Get-ItemProperty {
    <# Get-ItemProperty, plus the node's registry: HKLM:\Cluster (ClusterNameResource) and the keys of its proxy
       settings (WinINet, WinHTTP, the machine's environment), with the Registry provider's errors for a key or value
       the node does not have; every path outside the registry goes to Microsoft.PowerShell.Management\Get-ItemProperty
       unchanged. #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]] $Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath', 'LP')] [string[]] $LiteralPath,
        [Parameter(Position = 1)] [Alias('PSProperty')] [string[]] $Name,
        [string] $Filter, [string[]] $Include, [string[]] $Exclude, [pscredential] $Credential
    )
    $literal = $PSCmdlet.ParameterSetName -eq 'LiteralPath'
    $paths = if ($literal) { $LiteralPath } else { $Path }
    if (-not ($paths | Where-Object { ConvertTo-LabRegistryKey $_ })) {
        Microsoft.PowerShell.Management\Get-ItemProperty @PSBoundParameters
        return
    }
    $context = Enter-LabNodeCommand $MyInvocation.MyCommand.Name $PSBoundParameters.Keys
    try {
        if ($context.Failure) { $PSCmdlet.WriteError($context.Failure); return }
        foreach ($item in $paths) {
            $key = ConvertTo-LabRegistryKey $item
            if (-not $key) {
                $forward = @{} + $PSBoundParameters
                $forward.Remove('Path') | Out-Null; $forward.Remove('LiteralPath') | Out-Null
                if ($literal) { $forward.LiteralPath = $item } else { $forward.Path = $item }
                Microsoft.PowerShell.Management\Get-ItemProperty @forward
                continue
            }
            $values = Get-LabRegistryValues $context $key.Lookup
            if ($null -eq $values) {
                $exception = [Management.Automation.ItemNotFoundException]::new("Cannot find path '$item' because it does not exist.")
                $record = [Management.Automation.ErrorRecord]::new($exception, 'PathNotFound', 'ObjectNotFound', $item)
                $PSCmdlet.WriteError((Set-LabErrorId $record 'PathNotFound,Microsoft.PowerShell.Commands.GetItemPropertyCommand'))
                continue
            }
            # Value names are case-insensitive and may be wildcards, as the provider takes them; a missing literal name is an error.
            $properties = [ordered]@{}
            foreach ($valueName in @($values.Keys)) {
                if (-not $Name -or ($Name | Where-Object { $valueName -like $_ })) { $properties[$valueName] = $values[$valueName] }
            }
            foreach ($missing in @($Name | Where-Object { $_ -and -not [Management.Automation.WildcardPattern]::ContainsWildcardCharacters($_) -and $_ -notin @($values.Keys) })) {
                $exception = [Management.Automation.PSArgumentException]::new("Property $missing does not exist at path $($key.Key).")
                $record = [Management.Automation.ErrorRecord]::new($exception, 'System.Management.Automation.PSArgumentException', 'InvalidArgument', $missing)
                $PSCmdlet.WriteError((Set-LabErrorId $record 'System.Management.Automation.PSArgumentException,Microsoft.PowerShell.Commands.GetItemPropertyCommand'))
            }
            if ($properties.Count -gt 0) {
                $parent = (@($key.Hive) + @($key.Parts | Select-Object -SkipLast 1)) -join '\'
                $properties.PSPath = "Microsoft.PowerShell.Core\Registry::$($key.Key)"
                $properties.PSParentPath = if ($key.Parts.Count -gt 0) { "Microsoft.PowerShell.Core\Registry::$parent" } else { '' }
                $properties.PSChildName = if ($key.Parts.Count -gt 0) { $key.Parts[-1] } else { $key.Hive }
                $properties.PSDrive = $key.Drive
                $properties.PSProvider = 'Microsoft.PowerShell.Core\Registry'
                [pscustomobject]$properties
            }
        }
    }
    finally { Exit-LabNodeCommand $context }
}
