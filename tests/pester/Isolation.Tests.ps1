# The engine and its dependencies load in the module's own AssemblyLoadContext, so a session that already holds
# other versions of Azure.Core and MSAL (as Az.Accounts or Microsoft.Graph PowerShell leave behind) still works.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifest = Get-TestModuleManifest
    $getDependency = Join-Path $PSScriptRoot '../Get-TestDependency.ps1'
    $otherAzureCore = & $getDependency -Name Azure.Core
    $otherMsal = & $getDependency -Name Microsoft.Identity.Client

    $result = Invoke-Pwsh -Script @"
`$ErrorActionPreference = 'Stop'
# Another module's versions arrive first, in the default load context.
`$otherCore = [Reflection.Assembly]::LoadFrom('$otherAzureCore')
`$otherMsal = [Reflection.Assembly]::LoadFrom('$otherMsal')
`$null = [Azure.Core.AccessToken]; `$null = [Microsoft.Identity.Client.PublicClientApplicationBuilder]

Import-Module '$manifest'
`$null = Get-AzStackHCIEnvironment    # loads the engine

`$engineContext = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { `$_.Assemblies.GetName().Name -contains 'Az.StackHCI.Core' }
`$engine = `$engineContext.Assemblies | Where-Object { `$_.GetName().Name -eq 'Az.StackHCI.Core' }
`$environmentType = `$engine.GetType('Az.StackHCI.Core.Environments.HciEnvironment')
`$unreachable = [uri]'https://127.0.0.1:1/'
`$environment = [Activator]::CreateInstance(`$environmentType, [object[]]@('Unreachable', `$unreachable, 'https://management.local/', `$unreachable, `$unreachable, `$unreachable, 'x/.default', `$unreachable, 'eastus', `$false, `$null))
`$request = [Activator]::CreateInstance(`$engine.GetType('Az.StackHCI.Core.Identity.SignInRequest'))
`$request.TenantId = '00000000-0000-0000-0000-000000000001'
`$request.ClientId = '00000000-0000-0000-0000-000000000002'
`$request.ClientSecret = 'not-a-real-secret'
`$reporter = `$engine.GetType('Az.StackHCI.Core.Operations.SilentReporter')::Instance

`$chain = @()
try {
    `$engine.GetType('Az.StackHCI.Core.Identity.AzureSignIn')::SignInAsync(`$environment, `$request, `$reporter, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
}
catch {
    for (`$e = `$_.Exception; `$e; `$e = `$e.InnerException) { `$chain += `$e }
}

function Versions(`$context) { @(`$context.Assemblies | Where-Object { `$_.GetName().Name -in 'Azure.Core', 'Microsoft.Identity.Client', 'Azure.Identity' } | ForEach-Object { `$_.GetName().Name + '/' + `$_.GetName().Version }) }
[pscustomobject]@{
    EngineContext         = `$engineContext.GetType().FullName
    EngineContextVersions = Versions `$engineContext
    DefaultVersions       = Versions ([System.Runtime.Loader.AssemblyLoadContext]::Default)
    ExceptionTypes        = @(`$chain | ForEach-Object { `$_.GetType().FullName })
    ErrorId               = (`$chain | Where-Object { `$_.GetType().Name -eq 'HciException' } | Select-Object -First 1).ErrorId
    AuthFailureContext    = (`$chain | Where-Object { `$_.GetType().Name -eq 'AuthenticationFailedException' } | ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_.GetType().Assembly).GetType().FullName } | Select-Object -First 1)
    SessionAzureCore      = [Azure.Core.AccessToken].Assembly.GetName().Version.ToString()
} | ConvertTo-Json -Depth 3
"@
}

Describe 'Dependency isolation on PowerShell 7' {
    It 'loads the engine in the module''s own load context' {
        $result.EngineContext | Should -Be 'Az.StackHCI.Loading.EngineLoadContext'
    }

    It 'signs in through Azure.Identity inside that context although other versions were loaded first' {
        # The token request reaches the network (connection refused): Azure.Identity, MSAL and Azure.Core all ran.
        $result.ExceptionTypes | Should -Contain 'Azure.Identity.AuthenticationFailedException'
        $result.ErrorId | Should -Be 'AuthenticationFailed'
        $result.AuthFailureContext | Should -Be 'Az.StackHCI.Loading.EngineLoadContext'
    }

    It 'keeps its own Azure.Core and MSAL apart from the session''s older ones' {
        $result.DefaultVersions | Should -Contain 'Azure.Core/1.44.1.0'
        $result.DefaultVersions | Should -Contain 'Microsoft.Identity.Client/4.65.0.0'
        $result.EngineContextVersions | Where-Object { $_ -like 'Azure.Core/*' } | Should -Not -BeNullOrEmpty
        $result.EngineContextVersions | Where-Object { $_ -like 'Microsoft.Identity.Client/*' } | Should -Not -BeNullOrEmpty
        $result.EngineContextVersions | Should -Not -Contain 'Azure.Core/1.44.1.0'
        $result.EngineContextVersions | Should -Not -Contain 'Microsoft.Identity.Client/4.65.0.0'
    }

    It 'leaves the session''s own Azure.Core usable' {
        $result.SessionAzureCore | Should -Be '1.44.1.0'
    }
}

Describe 'Module layout' {
    It 'keeps dependencies out of the folder PowerShell loads from' {
        $bin = Join-Path (Split-Path (Get-TestModuleManifest)) 'bin'
        (Get-ChildItem $bin -Filter *.dll).Name | Should -Be 'Az.StackHCI.dll'
        Join-Path $bin 'Dependencies/Az.StackHCI.Core.dll' | Should -Exist
        Join-Path $bin 'Dependencies/Azure.Identity.dll' | Should -Exist
    }
}
