# FailoverClusters helpers: whether another node of the cluster is up, and the id of the cluster name resource
# (Get-ClusterNode, Get-ClusterResource, Get-ClusterParameter and the registry's HKLM:\Cluster).

function Test-LabNodeUp($Node) {
    # Down when the switch says so or its sshd is not running (the same check the control API makes).
    $switches = Read-LabFile (Join-Path $Node.dir 'switches.json')
    if ($switches -and $switches['down']) { return $false }
    $pidFile = Join-Path $Node.dir 'sshd.pid'
    if (-not (Test-Path $pidFile)) { return $false }
    $processId = (Get-Content $pidFile -Raw).Trim()
    $cmdline = "/proc/$processId/cmdline"
    (Test-Path $cmdline) -and ((Get-Content $cmdline -Raw) -replace "`0", ' ').Contains((Join-Path $Node.dir 'sshd_config'))
}

function Get-ClusterNameResourceId($Cluster) {
    <# The id of the cluster's network name resource ("Cluster Name"), stable per cluster. #>
    [guid]::new([Security.Cryptography.MD5]::HashData([Text.Encoding]::UTF8.GetBytes("ClusterNameResource:$($Cluster.id)"))).ToString()
}
