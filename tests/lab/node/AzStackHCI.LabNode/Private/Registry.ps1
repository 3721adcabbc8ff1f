# The node's registry (pwsh on Linux has no Registry provider): the node's keys as the OS and its proxy settings make
# them: HKLM:\Cluster, and WinINet, WinHTTP and the machine's environment (configure-proxy-settings, 22H2), from the
# proxy switch. Get-ItemProperty (Public/Microsoft.PowerShell.Management.ps1) serves them.

function ConvertTo-LabRegistryKey([string] $Path) {
    <# HKLM:\…, HKCU:\…, Registry::HKEY_LOCAL_MACHINE\… (any case, either slash): hive, the key's parts as written, and
       its lower-case name for lookups; null for any path that is not in the registry. #>
    $pattern = '^(?:Microsoft\.PowerShell\.Core\\)?(?:(?<drive>HKLM|HKCU):|Registry::(?<hive>HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKLM|HKCU)(?=$|[\\/]))(?<rest>.*)$'
    if ($Path -notmatch $pattern) { return $null }
    $user = $Matches['drive'] -eq 'HKCU' -or $Matches['hive'] -in 'HKEY_CURRENT_USER', 'HKCU'
    $hive = if ($user) { 'HKEY_CURRENT_USER' } else { 'HKEY_LOCAL_MACHINE' }
    $parts = @($Matches['rest'] -split '[\\/]+' | Where-Object { $_ })
    $key = (@($hive) + $parts) -join '\'
    [pscustomobject]@{ Hive = $hive; Drive = if ($user) { 'HKCU' } else { 'HKLM' }; Parts = $parts; Key = $key; Lookup = $key.ToLowerInvariant() }
}

function Get-LabNodeProxySetting($Context, [string] $Name) {
    <# One of the node's three proxy settings (winInet, winHttp, environment) as the proxy switch gives it, or null. #>
    $proxy = $Context.Switches.proxy
    if ($proxy -is [System.Collections.IDictionary] -and $proxy[$Name] -is [System.Collections.IDictionary]) { $proxy[$Name] } else { $null }
}

function ConvertTo-LabWinHttpSettings([string] $ProxyServer, [string] $BypassList) {
    <# WinHttpSettings as netsh winhttp writes it: DWORDs 0x18 (version), 0 (counter), flags (1 direct access, 3 proxy),
       then the proxy and the bypass list, each as its length (DWORD) and ASCII text. Direct access is the 20 bytes
       Microsoft documents, 1800000000000000010000000000000000000000. #>
    $proxy = [Text.Encoding]::ASCII.GetBytes([string] $ProxyServer)
    $bypass = [Text.Encoding]::ASCII.GetBytes([string] $BypassList)
    $stream = [IO.MemoryStream]::new()
    $writer = [IO.BinaryWriter]::new($stream)
    $writer.Write([int] 0x18); $writer.Write([int] 0)
    $writer.Write([int] $(if ($proxy.Length -gt 0) { 3 } else { 1 }))
    $writer.Write([int] $proxy.Length); $writer.Write($proxy)
    $writer.Write([int] $bypass.Length); $writer.Write($bypass)
    $writer.Flush()
    , $stream.ToArray()
}

function Get-LabRegistryValues($Context, [string] $Lookup) {
    <# The values of a key of the node (ordered name -> value, as the Registry provider types them: REG_DWORD an int,
       REG_BINARY a byte[], REG_SZ and REG_EXPAND_SZ expanded strings); @{} for a key that exists without values, such
       as the parents of these; null for a key the node does not have. #>
    $winInet = Get-LabNodeProxySetting $Context 'winInet'
    $perMachine = $winInet -and [bool] $winInet['perMachine']
    $internetSettings = {
        param([bool] $Enabled)
        $values = [ordered]@{ ProxyEnable = [int] $Enabled }
        if ($Enabled) {
            $values.ProxyServer = [string] $winInet['proxyServer']
            if ($winInet['proxyBypass']) { $values.ProxyOverride = [string] $winInet['proxyBypass'] }
        }
        $values
    }
    $keys = [ordered]@{
        'hkey_local_machine\cluster' = { [ordered]@{ ClusterName = $Context.Cluster.name; ClusterNameResource = Get-ClusterNameResourceId $Context.Cluster } }
        # Set-WinInetProxy -ProxySettingsPerUser 0 (configure-proxy-settings, 22H2): the policy "Make proxy settings per-machine".
        'hkey_local_machine\software\policies\microsoft\windows\currentversion\internet settings' = {
            if ($perMachine) { [ordered]@{ ProxySettingsPerUser = [int] 0 } } else { $null }
        }
        'hkey_local_machine\software\microsoft\windows\currentversion\internet settings' = { & $internetSettings $perMachine }
        'hkey_current_user\software\microsoft\windows\currentversion\internet settings' = { & $internetSettings ([bool] ($winInet -and -not $perMachine)) }
        'hkey_local_machine\software\microsoft\windows\currentversion\internet settings\connections' = {
            $winHttp = Get-LabNodeProxySetting $Context 'winHttp'
            [ordered]@{ WinHttpSettings = if ($winHttp) { ConvertTo-LabWinHttpSettings $winHttp['proxyServer'] $winHttp['bypassList'] } else { ConvertTo-LabWinHttpSettings '' '' } }
        }
        # The machine's environment ([Environment]::SetEnvironmentVariable(…, 'Machine'), as the Arc agent's proxy is set).
        'hkey_local_machine\system\currentcontrolset\control\session manager\environment' = {
            $environment = Get-LabNodeProxySetting $Context 'environment'
            $values = [ordered]@{
                ComSpec = 'C:\Windows\system32\cmd.exe'; DriverData = 'C:\Windows\System32\Drivers\DriverData'
                NUMBER_OF_PROCESSORS = [string] $(if ($Context.Node -and $Context.Node.coreCount) { $Context.Node.coreCount } else { 16 }); OS = 'Windows_NT'
                Path = 'C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\;C:\Windows\System32\OpenSSH\;C:\Program Files\PowerShell\7\'
                PATHEXT = '.COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC;.CPL'; PROCESSOR_ARCHITECTURE = 'AMD64'
                PSModulePath = 'C:\Program Files\WindowsPowerShell\Modules;C:\Windows\system32\WindowsPowerShell\v1.0\Modules'
                TEMP = 'C:\Windows\TEMP'; TMP = 'C:\Windows\TEMP'; USERNAME = 'SYSTEM'; windir = 'C:\Windows'
            }
            if ($environment) {
                foreach ($pair in @(@('HTTPS_PROXY', 'httpsProxy'), @('HTTP_PROXY', 'httpProxy'), @('NO_PROXY', 'noProxy'))) {
                    if ($environment[$pair[1]]) { $values[$pair[0]] = [string] $environment[$pair[1]] }
                }
            }
            $values
        }
    }
    if ($keys.Contains($Lookup)) { return (& $keys[$Lookup]) }
    # Parents of a key the node has exist, without values of their own here.
    if ($Lookup -in 'hkey_local_machine', 'hkey_current_user') { return [ordered]@{} }
    foreach ($known in $keys.Keys) {
        if ($known.StartsWith("$Lookup\") -and $null -ne (& $keys[$known])) { return [ordered]@{} }
    }
    $null
}
