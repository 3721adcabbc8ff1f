# Lab nodes, host side: used by Start-Lab.ps1 and Stop-Lab.ps1 (see docs/lab.md, "Lab nodes").
#
# Layout under <Root>:
#   nodes/nodes.json                  what is running: the clusters, their nodes, addresses (Start-Lab writes it)
#   nodes/outside.json                what was written outside <Root> (Stop-Lab undoes exactly that)
#   nodes/<cluster>/cluster.json      the cluster as its nodes see it (name, domain, id, nodes)
#   nodes/<cluster>/registration.json, arc.json       cluster-wide state the node commands keep
#   nodes/<cluster>/<node>/           sshd_config, host key, sshd.pid, sshd.log, switches.json, certs/, profile/
#   ssh/id_ed25519, authorized_keys, known_hosts, ssh_config          the SSH client side
# A node is an sshd on its own loopback address 127.<slot>.<cluster>.<10+n> (port 22 as root, 2222 otherwise),
# where <slot> comes from a hash of <Root> so two lab roots do not collide. ~/.ssh/config gets one Include line
# for <Root>/ssh/ssh_config, which maps node1, node1.<domain> (and the cluster name) to that address.

Set-StrictMode -Version Latest

$script:Sshd = '/usr/sbin/sshd'
$script:MarkerPrefix = '# Az.StackHCI lab (removed by tests/lab/Stop-Lab.ps1):'

function Test-LabRoot { [Environment]::UserName -eq 'root' -or (& id -u) -eq '0' }

function Install-LabPackages {
    <#
        What the lab's nodes and its scripted browser need from the distribution when missing (needs root):
        openssh-server (its own sshd is never started) and curl (tests/Az.StackHCI.Lab/Browser/xdg-open).
    #>
    $missing = @(@{ Path = $script:Sshd; Package = 'openssh-server' }, @{ Path = '/usr/bin/curl'; Package = 'curl' } | Where-Object { -not (Test-Path $_.Path) })
    if (-not $missing) { return }
    $packages = @($missing.Package)
    if (-not (Test-LabRoot)) {
        throw "The lab needs $($packages -join ' and '), and installing them needs root. Run 'sudo apt-get install -y $($packages -join ' ')' (the lab never starts the distribution's sshd), or run Start-Lab.ps1 as root."
    }
    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) { throw "The lab needs $($packages -join ' and ') and this machine has no apt-get to install them." }
    Write-Host "Installing $($packages -join ', ') (apt-get; the distribution's sshd service is not started)..."
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $output = & apt-get install -y --no-install-recommends @packages 2>&1
    if ($LASTEXITCODE -ne 0) {
        & apt-get update 2>&1 | Out-Null
        $output = & apt-get install -y --no-install-recommends @packages 2>&1
    }
    if ($LASTEXITCODE -ne 0 -or @($missing | Where-Object { -not (Test-Path $_.Path) })) { throw "Installing $($packages -join ', ') failed:`n$($output -join "`n")" }
}

function Get-LabSlot([string] $Root, [int] $Port) {
    <# The second octet of this lab's node addresses: the running nodes' one, else from a hash of <Root>, skipping used ones. #>
    $running = @(Get-LabRunningClusters $Root | ForEach-Object { $_.nodes } | Where-Object { Get-LabNodeProcessId $_ })
    if ($running) { return [int] $running[0].address.Split('.')[1] }
    $hash = [Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($Root))
    foreach ($step in 0..199) {
        $slot = 20 + (($hash[0] + $step) % 200)
        $client = [Net.Sockets.TcpClient]::new()
        try { $inUse = $client.ConnectAsync("127.$slot.1.11", $Port).Wait(300) } catch { $inUse = $false } finally { $client.Dispose() }
        if (-not $inUse) { return $slot }
    }
    throw 'No free loopback range 127.<20..219>.x.y for lab nodes.'
}

function Get-LabNodeLayout {
    <#
        K clusters; -Nodes gives each cluster's node count, its last value repeating (3 = every cluster 3; 3,1 = the
        first 3, the others 1). Node names are numbered across clusters: cluster k holds the next nodes after cluster
        k-1's (with N for all, node((k-1)*N+1) .. node(k*N)).
    #>
    param([string] $Root, [int[]] $Nodes, [int] $Clusters)
    $isRoot = Test-LabRoot
    $slot = Get-LabSlot $Root $(if ($isRoot) { 22 } else { 2222 })
    $numbered = 0
    foreach ($k in 1..$Clusters) {
        $count = $Nodes[[Math]::Min($k, $Nodes.Count) - 1]
        $name = "hcicluster$k"
        $domain = "$name.lab.local"
        $dir = Join-Path $Root "nodes/$name"
        $existing = if (Test-Path (Join-Path $dir 'cluster.json')) { Get-Content (Join-Path $dir 'cluster.json') -Raw | ConvertFrom-Json } else { $null }
        $nodeList = foreach ($i in @(if ($count -gt 0) { 1..$count })) {
            $nodeName = "node$($numbered + $i)"
            $previous = if ($existing) { $existing.nodes | Where-Object { $_.name -eq $nodeName } } else { $null }
            [ordered]@{
                name         = $nodeName
                fqdn         = "$nodeName.$domain"
                id           = "$i"
                address      = "127.$slot.$k.$(10 + $i)"
                port         = if ($isRoot) { 22 } else { 2222 }
                dir          = Join-Path $dir $nodeName
                serialNumber = if ($previous) { $previous.serialNumber } else { 'LAB' + [guid]::NewGuid().ToString('N').Substring(0, 10).ToUpperInvariant() }
                manufacturer = 'Az.StackHCI Lab'
                model        = 'Lab Node'
                coreCount    = 16
                memoryInGiB  = 128
            }
        }
        [ordered]@{
            name   = $name
            domain = $domain
            id     = if ($existing) { $existing.id } else { [guid]::NewGuid().ToString() }
            dir    = $dir
            nodes  = @($nodeList)
        }
        $numbered += $count
    }
}

function Get-LabProcessTree([int[]] $ProcessId) {
    <# The processes and all their descendants (from /proc), parents first. #>
    $children = @{}
    foreach ($entry in [IO.Directory]::EnumerateDirectories('/proc')) {
        $name = [IO.Path]::GetFileName($entry)
        if ($name -notmatch '^\d+$') { continue }
        try { $stat = [IO.File]::ReadAllText("$entry/stat") } catch { continue }
        $parent = [int] ($stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')[1])
        if (-not $children.ContainsKey($parent)) { $children[$parent] = [Collections.Generic.List[int]]::new() }
        $children[$parent].Add([int] $name)
    }
    $result = [Collections.Generic.List[int]]::new()
    $queue = [Collections.Generic.Queue[int]]::new()
    # Never pid 0 or 1 (a missing pid must not take the whole machine along).
    foreach ($id in $ProcessId) { if ($id -gt 1) { $queue.Enqueue($id) } }
    while ($queue.Count) {
        $current = $queue.Dequeue()
        $result.Add($current)
        if ($children.ContainsKey($current)) { foreach ($child in $children[$current]) { $queue.Enqueue($child) } }
    }
    $result
}

function Get-LabNodeProcessId($Node) {
    <# The pid of the node's listening sshd, or $null (the pid file is checked against the process's command line). #>
    $pidFile = Join-Path $Node.dir 'sshd.pid'
    if (-not (Test-Path $pidFile)) { return }
    $text = (Get-Content $pidFile -Raw -ErrorAction SilentlyContinue)
    if (-not $text) { return }
    $processId = [int] $text.Trim()
    try { $commandLine = [IO.File]::ReadAllText("/proc/$processId/cmdline").Replace([char] 0, ' ') } catch { return }
    if ($commandLine.Contains((Join-Path $Node.dir 'sshd_config'))) { $processId }
}

function Test-LabProcessAlive([int] $ProcessId) {
    <# Running (a zombie waiting for its parent to reap it is not). #>
    try { $stat = [IO.File]::ReadAllText("/proc/$ProcessId/stat") } catch { return $false }
    $stat.Substring($stat.LastIndexOf(')') + 2, 1) -ne 'Z'
}

function Stop-LabProcessTree([int[]] $ProcessId) {
    # Listeners and their connections with their pwsh: SIGTERM all at once, SIGKILL what is left after 3 s.
    $tree = @(Get-LabProcessTree $ProcessId)
    & kill -TERM @tree 2>$null
    $deadline = [DateTime]::UtcNow.AddSeconds(3)
    while ([DateTime]::UtcNow -lt $deadline -and ($tree | Where-Object { Test-LabProcessAlive $_ })) { Start-Sleep -Milliseconds 50 }
    $left = @($tree | Where-Object { Test-LabProcessAlive $_ })
    if ($left) { & kill -KILL @left 2>$null }
}

function Stop-LabNode {
    <# One or more nodes: their sshd with every session it serves. #>
    param([object[]] $Node)
    $listeners = @($Node | ForEach-Object { Get-LabNodeProcessId $_ } | Where-Object { $_ })
    if ($listeners) { Stop-LabProcessTree $listeners }
    foreach ($each in $Node) { Remove-Item (Join-Path $each.dir 'sshd.pid') -Force -ErrorAction SilentlyContinue }
}

function Start-LabNode($Node) {
    if (Get-LabNodeProcessId $Node) { return }
    if (-not (Test-Path /run/sshd)) { New-Item -ItemType Directory -Path /run/sshd -Force | Out-Null }
    $output = & $script:Sshd -f (Join-Path $Node.dir 'sshd_config') -E (Join-Path $Node.dir 'sshd.log') 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "The sshd of $($Node.name) did not start ($LASTEXITCODE): $($output -join ' ') $(Get-Content (Join-Path $Node.dir 'sshd.log') -Tail 5 -ErrorAction SilentlyContinue)"
    }
}

function Wait-LabNode($Node, [int] $TimeoutSeconds = 10) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ($true) {
        if (Get-LabNodeProcessId $Node) {
            $client = [Net.Sockets.TcpClient]::new()
            try { if ($client.ConnectAsync($Node.address, $Node.port).Wait(500)) { return } } catch { } finally { $client.Dispose() }
        }
        if ([DateTime]::UtcNow -gt $deadline) {
            throw "The sshd of $($Node.name) does not listen on $($Node.address):$($Node.port): $(Get-Content (Join-Path $Node.dir 'sshd.log') -Tail 5 -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 50
    }
}

function Test-LabNodeSwitchedDown($Node) {
    $file = Join-Path $Node.dir 'switches.json'
    (Test-Path $file) -and [bool] (Get-Content $file -Raw | ConvertFrom-Json).down
}

function New-LabSshKey([string] $Path, [string] $Comment) {
    if (Test-Path $Path) { return }
    $output = & ssh-keygen -q -t ed25519 -N '' -C $Comment -f $Path 2>&1
    if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed for $Path`: $output" }
}

function Write-LabNodeFiles {
    <# Everything a node needs on disk; configuration is rewritten at each start, state is kept. #>
    param($Cluster, [string] $Root, [string] $ConnectionFile, [string] $CaBundle)
    $sshDir = Join-Path $Root 'ssh'
    $pwsh = Join-Path $PSHOME 'pwsh'
    $dotnetRoot = [IO.Path]::GetFullPath((Join-Path ([Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()) '../../..'))
    $moduleFolder = Join-Path $PSScriptRoot 'node'
    $user = [Environment]::UserName
    New-Item -ItemType Directory -Path $Cluster.dir -Force | Out-Null
    $clusterView = [ordered]@{ name = $Cluster.name; domain = $Cluster.domain; id = $Cluster.id; nodes = $Cluster.nodes }
    Set-Content -Path (Join-Path $Cluster.dir 'cluster.json') -Value ($clusterView | ConvertTo-Json -Depth 5)
    foreach ($node in $Cluster.nodes) {
        $dir = $node.dir
        foreach ($sub in 'certs', 'profile/config', 'profile/data', 'profile/cache', 'tmp') { New-Item -ItemType Directory -Path (Join-Path $dir $sub) -Force | Out-Null }
        New-LabSshKey (Join-Path $dir 'ssh_host_ed25519_key') "$($node.name) host key"
        # The node's commands come first in its module path, ahead of pwsh's own modules, so the lab's Get-Item
        # (which serves Cert:\LocalMachine, absent from pwsh on Linux) is found even as a session's first command.
        New-Item -ItemType Directory -Path (Join-Path $dir 'profile/config/powershell') -Force | Out-Null
        Set-Content -Path (Join-Path $dir 'profile/config/powershell/powershell.config.json') -Value (@{ PSModulePath = $moduleFolder } | ConvertTo-Json)
        $environment = [ordered]@{
            HCI_NODE_NAME = $node.name; HCI_CLUSTER_NAME = $Cluster.name; HCI_NODE_STATE = $dir; HCI_CLUSTER_STATE = $Cluster.dir
            HCI_LAB_JSON = $ConnectionFile; SSL_CERT_FILE = $CaBundle; PSModulePath = $moduleFolder; DOTNET_ROOT = $dotnetRoot
            # Each node writes its pwsh profile data and temporary files into its own folder, not the user's home.
            XDG_CONFIG_HOME = Join-Path $dir 'profile/config'; XDG_DATA_HOME = Join-Path $dir 'profile/data'
            XDG_CACHE_HOME = Join-Path $dir 'profile/cache'; TMPDIR = Join-Path $dir 'tmp'
        }
        $setEnv = ($environment.GetEnumerator() | ForEach-Object { "`"$($_.Key)=$($_.Value)`"" }) -join ' '
        # sshd_config allows no trailing comments.
        Set-Content -Path (Join-Path $dir 'sshd_config') -Value @"
ListenAddress $($node.address)
Port $($node.port)
HostKey "$(Join-Path $dir 'ssh_host_ed25519_key')"
PidFile "$(Join-Path $dir 'sshd.pid')"
AuthorizedKeysFile "$(Join-Path $sshDir 'authorized_keys')"
AllowUsers $user
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 100:30:200
MaxSessions 100
SetEnv $setEnv
Subsystem powershell $pwsh -sshs -NoLogo -NoProfile
"@
    }
}

function Write-LabSshClientFiles {
    <# Client key, authorized_keys, known_hosts (every node's host key under all its names) and ssh_config. #>
    param([string] $Root, $Clusters)
    $sshDir = Join-Path $Root 'ssh'
    New-Item -ItemType Directory -Path $sshDir -Force | Out-Null
    $key = Join-Path $sshDir 'id_ed25519'
    New-LabSshKey $key 'Az.StackHCI lab client'
    Copy-Item "$key.pub" (Join-Path $sshDir 'authorized_keys') -Force
    [IO.File]::SetUnixFileMode((Join-Path $sshDir 'authorized_keys'), [IO.UnixFileMode] 'UserRead, UserWrite, GroupRead, OtherRead')
    $knownHosts = [Collections.Generic.List[string]]::new()
    $config = [Collections.Generic.List[string]]::new()
    $config.Add("# Written by tests/lab/Start-Lab.ps1 for the lab at $Root.")
    foreach ($cluster in $Clusters) {
        foreach ($node in $cluster.nodes) {
            $names = @($node.name, $node.fqdn)
            # The cluster name (and its FQDN) is owned by the first node, like the cluster name resource.
            if ($node -eq $cluster.nodes[0]) { $names += $cluster.name, "$($cluster.name).$($cluster.domain)" }
            $hostKey = (Get-Content (Join-Path $node.dir 'ssh_host_ed25519_key.pub') -Raw).Trim().Split(' ')
            $patterns = foreach ($name in $names + $node.address) { if ($node.port -eq 22) { $name } else { "[$name]:$($node.port)" } }
            $knownHosts.Add("$($patterns -join ',') $($hostKey[0]) $($hostKey[1])")
            $config.Add('')
            $config.Add("Host $($names -join ' ')")
            $config.Add("    HostName $($node.address)")
            $config.Add("    Port $($node.port)")
            $config.Add("    User $([Environment]::UserName)")
            $config.Add("    IdentityFile `"$key`"")
            $config.Add('    IdentitiesOnly yes')
            $config.Add("    UserKnownHostsFile `"$(Join-Path $sshDir 'known_hosts')`"")
            $config.Add('    GlobalKnownHostsFile /dev/null')
            $config.Add('    StrictHostKeyChecking yes')
            $config.Add('    BatchMode yes')
            $config.Add('    ConnectTimeout 10')
            $config.Add('    ServerAliveInterval 15')
            $config.Add('    LogLevel ERROR')
        }
    }
    Set-Content -Path (Join-Path $sshDir 'known_hosts') -Value $knownHosts
    Set-Content -Path (Join-Path $sshDir 'ssh_config') -Value $config
}

function Get-LabOutsideRecord([string] $Root) {
    $file = Join-Path $Root 'nodes/outside.json'
    if (Test-Path $file) { Get-Content $file -Raw | ConvertFrom-Json -AsHashtable } else { @{} }
}

function Set-LabOutsideRecord([string] $Root, [hashtable] $Record) {
    New-Item -ItemType Directory -Path (Join-Path $Root 'nodes') -Force | Out-Null
    Set-Content -Path (Join-Path $Root 'nodes/outside.json') -Value ($Record | ConvertTo-Json)
}

function Get-UserSshConfigPath { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.ssh/config' }

function Add-LabSshInclude([string] $Root) {
    <# One Include line (plus a marker comment) at the top of ~/.ssh/config, so every ssh client resolves the nodes. #>
    $record = Get-LabOutsideRecord $Root
    $configPath = Get-UserSshConfigPath
    $sshHome = Split-Path $configPath
    $marker = "$script:MarkerPrefix $Root"
    $include = "Include `"$(Join-Path $Root 'ssh/ssh_config')`""
    if (-not (Test-Path $sshHome)) {
        New-Item -ItemType Directory -Path $sshHome | Out-Null
        [IO.File]::SetUnixFileMode($sshHome, [IO.UnixFileMode] 'UserRead, UserWrite, UserExecute')
        $record.createdSshHome = $sshHome
    }
    if (-not (Test-Path $configPath)) {
        Set-Content -Path $configPath -Value @() -NoNewline
        [IO.File]::SetUnixFileMode($configPath, [IO.UnixFileMode] 'UserRead, UserWrite')
        $record.createdSshConfig = $configPath
    }
    $lines = @(Get-Content $configPath)
    if ($lines -notcontains $marker) {
        # First match wins in ssh_config: the newest lab goes first.
        Set-Content -Path $configPath -Value (@($marker, $include) + $lines)
    }
    $record.sshConfig = $configPath
    Set-LabOutsideRecord $Root $record
}

function Remove-LabSshInclude([string] $Root) {
    $record = Get-LabOutsideRecord $Root
    $configPath = if ($record['sshConfig']) { $record.sshConfig } else { Get-UserSshConfigPath }
    $marker = "$script:MarkerPrefix $Root"
    if (Test-Path $configPath) {
        $lines = [Collections.Generic.List[string]] @(Get-Content $configPath)
        $index = $lines.IndexOf($marker)
        if ($index -ge 0) {
            $lines.RemoveAt($index)
            if ($index -lt $lines.Count -and $lines[$index].StartsWith('Include ')) { $lines.RemoveAt($index) }
            if ($record['createdSshConfig'] -and -not ($lines | Where-Object { $_.Trim() })) { Remove-Item $configPath -Force }
            else { Set-Content -Path $configPath -Value $lines }
        }
    }
    if ($record['createdSshHome'] -and (Test-Path $record.createdSshHome) -and -not (Get-ChildItem -Force $record.createdSshHome)) {
        Remove-Item $record.createdSshHome -Force
    }
    $record.Remove('sshConfig'); $record.Remove('createdSshConfig'); $record.Remove('createdSshHome')
    Set-LabOutsideRecord $Root $record
}

function Get-LabRunningClusters([string] $Root) {
    $file = Join-Path $Root 'nodes/nodes.json'
    if (Test-Path $file) { @((Get-Content $file -Raw | ConvertFrom-Json).clusters) } else { @() }
}

function Get-LabNodeFolders([string] $Root) {
    <# Every node folder of this root, whether or not nodes.json (still) lists it. #>
    Get-ChildItem (Join-Path $Root 'nodes/*/*/sshd_config') -ErrorAction SilentlyContinue | ForEach-Object { [pscustomobject]@{ dir = $_.DirectoryName } }
}

function Stop-LabNodes([string] $Root) {
    <# Every node sshd (with its sessions) by pid, then what was written outside <Root>. #>
    $nodes = @(Get-LabNodeFolders $Root)
    if ($nodes) { Stop-LabNode $nodes }
    Remove-Item (Join-Path $Root 'nodes/nodes.json') -Force -ErrorAction SilentlyContinue
    Remove-LabSshInclude $Root
    $record = Get-LabOutsideRecord $Root
    # /run/sshd (sshd's privilege separation directory) goes only if this lab made it and no sshd runs any more.
    if ($record['createdRunSshd'] -and (Test-Path /run/sshd) -and -not (Get-ChildItem -Force /run/sshd) -and -not (Test-AnySshdRunning)) {
        Remove-Item /run/sshd -Force
        $record.Remove('createdRunSshd')
        Set-LabOutsideRecord $Root $record
    }
}

function Test-AnySshdRunning {
    foreach ($entry in [IO.Directory]::EnumerateDirectories('/proc')) {
        if ([IO.Path]::GetFileName($entry) -notmatch '^\d+$') { continue }
        try { if ((Get-Item "$entry/exe" -ErrorAction Stop).LinkTarget -eq $script:Sshd) { return $true } } catch { }
    }
    $false
}

function Start-LabNodes {
    <# Starts (or keeps) K clusters of the -Nodes counts (see Get-LabNodeLayout); returns the clusters for lab.json. #>
    param([string] $Root, [int[]] $Nodes, [int] $Clusters, [string] $ConnectionFile, [string] $CaBundle)
    if (-not $IsLinux) { throw 'Lab nodes need Linux (an sshd per node on loopback addresses).' }
    $layout = @(Get-LabNodeLayout -Root $Root -Nodes $Nodes -Clusters $Clusters)
    # Nodes of an earlier start that are not in this layout stop.
    $wanted = @($layout | ForEach-Object { $_.nodes } | ForEach-Object { $_.dir })
    $unwanted = @(Get-LabNodeFolders $Root | Where-Object { $_.dir -notin $wanted })
    if ($unwanted) { Stop-LabNode $unwanted }
    Install-LabPackages
    $record = Get-LabOutsideRecord $Root
    if (-not (Test-Path /run/sshd)) {
        New-Item -ItemType Directory -Path /run/sshd | Out-Null
        $record.createdRunSshd = $true
        Set-LabOutsideRecord $Root $record
    }
    foreach ($cluster in $layout) { Write-LabNodeFiles -Cluster $cluster -Root $Root -ConnectionFile $ConnectionFile -CaBundle $CaBundle }
    Write-LabSshClientFiles -Root $Root -Clusters $layout
    # Recorded before anything starts, so Stop-Lab finds whatever did start.
    Set-Content -Path (Join-Path $Root 'nodes/nodes.json') -Value (@{ clusters = $layout } | ConvertTo-Json -Depth 6)
    Add-LabSshInclude $Root
    $all = @($layout | ForEach-Object { $_.nodes })
    $toStart = @($all | Where-Object { -not (Get-LabNodeProcessId $_) -and -not (Test-LabNodeSwitchedDown $_) })
    foreach ($node in $toStart) { Start-LabNode $node }
    foreach ($node in $toStart) { Wait-LabNode $node }
    if ($toStart.Count) { Write-Host "Started $($toStart.Count) lab node(s); $($all.Count) in $($layout.Count) cluster(s)." }
    else { Write-Host "The $($all.Count) lab node(s) are already running." }
    $layout
}

function Set-LabConnectionClusters {
    <# Lists the clusters in lab.json (which the cloud writes at its start) and where the SSH client configuration is. #>
    param([string] $ConnectionFile, $Clusters, [string] $Root)
    $json = [Text.Json.Nodes.JsonNode]::Parse([IO.File]::ReadAllText($ConnectionFile))
    $list = @($Clusters | ForEach-Object { [ordered]@{ name = $_.name; domain = $_.domain; id = $_.id; nodes = @($_.nodes | ForEach-Object { $_.name }) } })
    $json['clusters'] = [Text.Json.Nodes.JsonNode]::Parse((ConvertTo-Json -InputObject $list -Depth 5))
    $json['sshConfig'] = if ($list.Count) { [Text.Json.Nodes.JsonValue]::Create((Join-Path $Root 'ssh/ssh_config')) } else { $null }
    $temporary = "$ConnectionFile.$PID.tmp"
    [IO.File]::WriteAllText($temporary, $json.ToJsonString([Text.Json.JsonSerializerOptions] @{ WriteIndented = $true }))
    [IO.File]::Move($temporary, $ConnectionFile, $true)
}

Export-ModuleMember -Function Start-LabNodes, Stop-LabNodes, Set-LabConnectionClusters, Get-LabRunningClusters, Stop-LabNode, Start-LabNode, Wait-LabNode, Get-LabNodeProcessId, Get-LabProcessTree, Test-LabProcessAlive
