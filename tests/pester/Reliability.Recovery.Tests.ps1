# Reliability (step 8): the management pwsh killed hard at each step of Register and Unregister, then a re-run
# ends exactly where an uninterrupted run ends; concurrent runs on one cluster end in one registration; ten clusters
# register at once from parallel runspaces of one process. The built module against the lab cloud and lab clusters.

BeforeDiscovery {
    # Where to kill, read from the journals: the request journal (service, method and path) or the nodes' one (command).
    # Each point's Then slows the call that follows it, so the kill lands before the command ends however long the
    # journal takes to show the point (the lab drops a delayed request whose caller is gone).
    $registerPoints = @(
        # The service-managed identity (the default): the provider's identity calls.
        @{ Flow = 'service-managed'; Point = 'the cluster resource is created'; Journal = 'arm'; Pattern = '^PUT .*/Microsoft.AzureStackHCI/clusters/[^/]+$'
            Then = @{ service = 'arm'; method = 'POST'; path = '/createClusterIdentity(\?|$)'; latencyMs = 5000 }
        }
        @{ Flow = 'service-managed'; Point = 'the provider creates the cluster''s identity'; Journal = 'arm'; Pattern = '^POST .*/clusters/[^/]+/createClusterIdentity$'
            Then = @{ service = 'arm'; method = 'GET'; path = '(?i)/Microsoft\.AzureStackHCI/clusters/[^/?]+(\?|$)'; latencyMs = 5000 }
        }
        @{ Flow = 'service-managed'; Point = 'the nodes make their certificates'; Journal = 'node'; Pattern = '^New-AzureStackHCIRegistrationCertificate$'
            Then = @{ service = 'arm'; method = 'POST'; path = '/uploadCertificate(\?|$)'; latencyMs = 5000 }
        }
        @{ Flow = 'service-managed'; Point = 'the certificates go to the provider'; Journal = 'arm'; Pattern = '^POST .*/clusters/[^/]+/uploadCertificate$'
            Then = @{ service = 'arm'; method = 'GET'; path = '/operationStatuses/'; latencyMs = 5000 }
        }
        @{ Flow = 'service-managed'; Point = 'the provider generates the Arc secret'; Journal = 'arm'; Pattern = '^POST .*/arcSettings/default/generatePassword$'
            Then = @{ service = 'arm'; method = 'PUT'; path = '(?i)/Microsoft\.Authorization/roleAssignments/'; latencyMs = 5000 }
        }
        @{ Flow = 'service-managed'; Point = 'the nodes enable Arc'; Journal = 'node'; Pattern = '^Enable-AzureStackHCIArcIntegration$'
            Then = @{ service = 'arm'; method = 'GET'; path = '(?i)/arcSettings/default(\?|$)'; latencyMs = 5000 }
        }
        # The seed's flow (-UseOwnApplication): the user's own applications through Graph.
        @{ Flow = 'own application'; Point = 'the cluster application is created'; Journal = 'graph'; Pattern = '^POST /v1.0/applications$'
            Then = @{ service = 'graph'; method = 'GET'; path = '^/v1\.0/servicePrincipals'; latencyMs = 5000 }
        }
        @{ Flow = 'own application'; Point = 'the cluster resource is created'; Journal = 'arm'; Pattern = '^PUT .*/Microsoft.AzureStackHCI/clusters/[^/]+$'
            Then = @{ service = 'arm'; method = 'GET'; path = '(?i)/Microsoft\.AzureStackHCI/clusters/[^/?]+(\?|$)'; latencyMs = 5000 }
        }
        @{ Flow = 'own application'; Point = 'the nodes make their certificates'; Journal = 'node'; Pattern = '^New-AzureStackHCIRegistrationCertificate$'
            Then = @{ service = 'graph'; method = 'PATCH'; path = '^/v1\.0/applications/'; latencyMs = 5000 }
        }
        @{ Flow = 'own application'; Point = 'the Arc secret is added'; Journal = 'graph'; Pattern = '^POST /v1.0/applications/[^/]+/addPassword$'
            Then = @{ service = 'arm'; method = 'PUT'; path = '(?i)/Microsoft\.Authorization/roleAssignments/'; latencyMs = 5000 }
        }
        @{ Flow = 'own application'; Point = 'the nodes enable Arc'; Journal = 'node'; Pattern = '^Enable-AzureStackHCIArcIntegration$'
            Then = @{ service = 'arm'; method = 'GET'; path = '(?i)/arcSettings/default(\?|$)'; latencyMs = 5000 }
        }
    )
    $flows = @(
        @{ Flow = 'service-managed'; Switch = ''; Points = @($registerPoints | Where-Object Flow -EQ 'service-managed') }
        @{ Flow = 'own application'; Switch = ' -UseOwnApplication'; Points = @($registerPoints | Where-Object Flow -EQ 'own application') }
    )
    $unregisterPoints = @(
        # A service-managed registration, in Microsoft's order: Arc first, the nodes forget the registration before
        # the resource goes (the provider's identities go with it).
        @{ Point = 'the Arc settings are deleted'; Journal = 'arm'; Pattern = '^DELETE .*/arcSettings/default$'
            Then = @{ service = 'arm'; method = 'DELETE'; path = '(?i)/Microsoft\.Authorization/roleAssignments/'; latencyMs = 5000 }
        }
        @{ Point = 'the nodes remove their registration'; Journal = 'node'; Pattern = '^Remove-AzureStackHCIRegistration$'
            Then = @{ service = 'arm'; method = 'DELETE'; path = '(?i)/Microsoft\.AzureStackHCI/clusters/[^/?]+(\?|$)'; latencyMs = 5000 }
        }
        @{ Point = 'the cluster resource is deleted'; Journal = 'arm'; Pattern = '^DELETE .*/Microsoft.AzureStackHCI/clusters/[^/]+$'
            Then = @{ service = 'arm'; path = '(?i)/resourceGroups/[^/?]+(/resources)?(\?|$)'; latencyMs = 5000 }
        }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHelpers.psm1') -Force
    Initialize-LabSuite   # helpers, the module under test, the lab's environment, $lab and $cluster
    $entry = @{ ComputerName = $cluster.nodes[0]; EnvironmentName = $lab.environmentName; LogsDirectory = $TestDrive }
    $register = $entry + @{ SubscriptionId = $lab.subscriptionId; Region = 'eastus' }
    $commands = @{
        Register   = "Register-AzStackHCI -SubscriptionId '$($lab.subscriptionId)' -Region eastus -ComputerName '$($cluster.nodes[0])' -EnvironmentName '$($lab.environmentName)' -LogsDirectory '$TestDrive'"
        RegisterOwn = "Register-AzStackHCI -SubscriptionId '$($lab.subscriptionId)' -Region eastus -ComputerName '$($cluster.nodes[0])' -EnvironmentName '$($lab.environmentName)' -LogsDirectory '$TestDrive' -UseOwnApplication"
        # With the resource's names, as the failure message says to re-run: once the nodes have forgotten the
        # registration, they are what finds the resource (9115 asks for them, as Microsoft's does).
        Unregister = "Unregister-AzStackHCI -SubscriptionId '$($lab.subscriptionId)' -ResourceName '$($cluster.name)' -ComputerName '$($cluster.nodes[0])' -EnvironmentName '$($lab.environmentName)' -LogsDirectory '$TestDrive' -Confirm:`$false"
    }

    function Get-NewJournalHits([string] $Journal, [string] $Pattern, [int] $Skip) {
        <# Entries after the first $Skip that match; only those are parsed, so a long journal costs no more to watch. #>
        foreach ($entry in Read-JournalLines $Journal | Select-Object -Skip $Skip) {
            try { $line = $entry | ConvertFrom-Json } catch { continue }   # a line still being written
            $text = if ($Journal -eq 'node') { $line.command } elseif ($line.service -eq $Journal) { "$($line.method) $($line.path)" }
            if ($text -match $Pattern) { $line }
        }
    }

    function Read-JournalLines([string] $Journal) {
        $path = if ($Journal -eq 'node') { Get-LabNodeJournalPath } else { $lab.journal }
        if (-not (Test-Path $path)) { return }
        $stream = [IO.File]::Open($path, 'Open', 'Read', 'ReadWrite')
        try { ([IO.StreamReader]::new($stream)).ReadToEnd() -split "`n" | Where-Object { $_ } }
        finally { $stream.Dispose() }
    }

    function Stop-CommandAt([string] $Command, [string] $Journal, [string] $Pattern) {
        <# Runs the command in a new pwsh and kills that process (SIGKILL) as soon as the journal shows the point. #>
        $skip = @(Read-JournalLines $Journal).Count
        $script = Join-Path $TestDrive "crash-$([guid]::NewGuid().ToString('N')).ps1"
        Set-Content $script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Get-TestModuleManifest)'
Add-AzStackHCIEnvironment -Name '$($lab.environmentName)' -ResourceManagerEndpoint '$($lab.resourceManagerEndpoint)' -Scope Process | Out-Null
$($commands[$Command]) -WarningAction SilentlyContinue | Out-Null
"@
        $process = Start-Pwsh $script
        $deadline = [DateTime]::UtcNow.AddMinutes(3)
        while (-not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            if ((Get-NewJournalHits $Journal $Pattern $skip).Count -gt 0) {
                Stop-Process -Id $process.Id -Force
                $process.WaitForExit()
                return 'killed'
            }
            Start-Sleep -Milliseconds 50
        }
        if (-not $process.HasExited) { Stop-Process -Id $process.Id -Force }
        "finished: $(Get-Content "$script.err" -Raw)"
    }
}

Describe 'Reliability: Register killed at each step, <Flow>' -Tag 'Reliability' -ForEach $flows {
    BeforeAll {
        $own = @{ UseOwnApplication = $Flow -eq 'own application' }
        $command = if ($own.UseOwnApplication) { 'RegisterOwn' } else { 'Register' }
        Reset-Lab
        (Register-AzStackHCI @register @own -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        $uninterrupted = Get-RegistrationShape
        Reset-Lab
    }

    It 'is killed when <Point>' -ForEach $Points {
        Set-LabFaults @($Then)
        try { Stop-CommandAt $command $Journal $Pattern | Should -Be 'killed' }
        finally { Set-LabFaults @() }
    }

    It 'ends, re-run, exactly where an uninterrupted run ends' {
        (Register-AzStackHCI @register @own -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        $shape = Get-RegistrationShape
        foreach ($property in 'Applications', 'Principals', 'RoleAssignments', 'Groups', 'Resources', 'NodeCertificates') {
            # The provider's applications take every run's keys and secrets (it owns them): compared by name.
            $actual, $expected = if ($property -eq 'Applications' -and -not $own.UseOwnApplication) {
                @($shape.$property -replace ' keys:\d+ passwords:\d+'), @($uninterrupted.$property -replace ' keys:\d+ passwords:\d+')
            } else { $shape.$property, $uninterrupted.$property }
            $actual | Should -Be $expected -Because $property
        }
        $shape.NodeCertificates | Should -Be @($cluster.nodes | ForEach-Object { "$_ certificates:1 all-keys:True" })
    }
}

Describe 'Reliability: Unregister killed at each step' -Tag 'Reliability' {
    BeforeAll {
        Reset-Lab
        $before = Get-CloudInventory
        (Register-AzStackHCI @register -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
    }

    It 'is killed when <Point>' -ForEach $unregisterPoints {
        Set-LabFaults @($Then)
        try { Stop-CommandAt Unregister $Journal $Pattern | Should -Be 'killed' }
        finally { Set-LabFaults @() }
    }

    It 'ends, re-run, with everything registration made gone' {
        $names = @{ SubscriptionId = $lab.subscriptionId; ResourceName = $cluster.name }
        (Unregister-AzStackHCI @entry @names -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        $after = Get-CloudInventory
        foreach ($property in 'Applications', 'Principals', 'RoleAssignments', 'Groups') {
            $after.$property | Should -Be $before.$property -Because $property
        }
        foreach ($node in $cluster.nodes) { Get-LabNodeCertificateFiles $node | Should -BeNullOrEmpty }
        (Get-AzStackHCI -ComputerName $cluster.nodes[0]).RegistrationStatus | Should -Be 'NotYet'
    }
}

Describe 'Reliability: concurrency' -Tag 'Reliability' {
    BeforeEach {
        Reset-Lab
    }

    It 'ends two Register-AzStackHCI on one cluster at once in one registration, never two applications' {
        $manifest = Get-TestModuleManifest
        $outcomes = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:manifest
            $parameters = $using:register
            try { (Register-AzStackHCI @parameters -EnableAzureArcServer:$false -WarningAction SilentlyContinue -ErrorAction Stop).Result.ToString() }
            catch { $_.FullyQualifiedErrorId }
        }

        $outcomes | Should -Contain 'Success'
        $outcomes | ForEach-Object { $_ | Should -BeIn 'Success', 'ClusterOperationInProgress,Az.StackHCI.Commands.RegisterAzStackHCICommand' }
        @((Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name)'").value).Count | Should -Be 1
        (Register-AzStackHCI @register -EnableAzureArcServer:$false -WarningAction SilentlyContinue -ErrorAction Stop).Result | Should -Be 'Success'
        @((Invoke-LabGraph GET "applications?`$filter=displayName eq '$($cluster.name)'").value).Count | Should -Be 1
        (Get-RegistrationShape).NodeCertificates | Should -Be @($cluster.nodes | ForEach-Object { "$_ certificates:1 all-keys:True" })
    }

    It 'registers ten clusters at once from parallel runspaces of one process' {
        $lab.clusters.Count | Should -BeGreaterOrEqual 10
        $manifest = Get-TestModuleManifest
        $results = $lab.clusters | Select-Object -First 10 | ForEach-Object -ThrottleLimit 10 -Parallel {
            Import-Module $using:manifest
            $lab = $using:lab
            $each = $_
            try {
                $result = Register-AzStackHCI -SubscriptionId $lab.subscriptionId -Region eastus -ComputerName $each.nodes[0] -EnvironmentName $lab.environmentName `
                    -EnableAzureArcServer:$false -LogsDirectory $using:TestDrive -WarningAction SilentlyContinue -ErrorAction Stop
                "$($each.name) $($result.Result)"
            }
            catch { "$($each.name) $($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
        }

        $results | Sort-Object | Should -Be @($lab.clusters | Select-Object -First 10 | ForEach-Object { "$($_.name) Success" } | Sort-Object)
        foreach ($each in $lab.clusters | Select-Object -First 10) {
            (Invoke-LabArm GET "/subscriptions/$($lab.subscriptionId)/resourceGroups/$($each.name)-rg/providers/Microsoft.AzureStackHCI/clusters/$($each.name)?api-version=2024-04-01").name | Should -Be $each.name
        }
    }
}
