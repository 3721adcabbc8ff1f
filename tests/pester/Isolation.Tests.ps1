# The engine and its dependencies load in the module's own AssemblyLoadContext, so a session that already holds
# other versions of Azure.Core and MSAL (as Az.Accounts or Microsoft.Graph PowerShell leave behind) still works.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifest = Get-TestModuleManifest
    $getDependency = Join-Path $PSScriptRoot '../Get-TestDependency.ps1'
    $otherAzureCore = & $getDependency -Name Azure.Core
    $otherMsal = & $getDependency -Name Microsoft.Identity.Client
    $lab = Get-Content $env:AZSTACKHCI_LAB_JSON -Raw | ConvertFrom-Json

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
`$arm = [uri]'$($lab.resourceManagerEndpoint)'
`$authority = [uri]'$($lab.authorityEndpoint)'
`$environment = [Activator]::CreateInstance(`$environmentType, [object[]]@('Lab', `$arm, 'https://management.core.windows.net/', `$authority, `$arm, `$arm, 'x/.default', `$arm, 'eastus', `$false, `$null))
`$signIn = `$engine.GetType('Az.StackHCI.Core.Identity.AzureSignIn')
`$reporter = `$engine.GetType('Az.StackHCI.Core.Operations.SilentReporter')::Instance
function New-Request([string] `$secret) {
    `$request = [Activator]::CreateInstance(`$engine.GetType('Az.StackHCI.Core.Identity.SignInRequest'))
    `$request.TenantId = '$($lab.tenantId)'
    `$request.ClientId = '$($lab.servicePrincipals.ci.appId)'
    `$request.ClientSecret = `$secret
    `$request
}

# A real token from the lab's Entra ID, through Azure.Identity, MSAL and Azure.Core in the module's context.
`$session = `$signIn::SignInAsync(`$environment, (New-Request '$($lab.servicePrincipals.ci.secret)'), `$reporter, [Threading.CancellationToken]::None).GetAwaiter().GetResult()

# And a refused one, to see which load context the SDK's exception types come from.
`$chain = @()
try {
    `$signIn::SignInAsync(`$environment, (New-Request 'wrong-secret'), `$reporter, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
}
catch {
    for (`$e = `$_.Exception; `$e; `$e = `$e.InnerException) { `$chain += `$e }
}

function Versions(`$context) { @(`$context.Assemblies | Where-Object { `$_.GetName().Name -in 'Azure.Core', 'Microsoft.Identity.Client', 'Azure.Identity' } | ForEach-Object { `$_.GetName().Name + '/' + `$_.GetName().Version }) }
[pscustomobject]@{
    SignedInAs            = `$session.Account
    SignedInTenant        = `$session.TenantId
    EngineContext         = `$engineContext.GetType().FullName
    EngineContextVersions = Versions `$engineContext
    DefaultVersions       = Versions ([System.Runtime.Loader.AssemblyLoadContext]::Default)
    ExceptionTypes        = @(`$chain | ForEach-Object { `$_.GetType().FullName })
    ErrorId               = (`$chain | Where-Object { `$_.GetType().Name -eq 'HciException' } | Select-Object -First 1).ErrorId
    ErrorMessage          = (`$chain | Where-Object { `$_.GetType().Name -eq 'HciException' } | Select-Object -First 1).Message
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
        $result.SignedInAs | Should -Be $lab.servicePrincipals.ci.appId
        $result.SignedInTenant | Should -Be $lab.tenantId
    }

    It 'reports a refused sign-in with the service''s reason, from SDK types of its own context' {
        $result.ExceptionTypes | Should -Contain 'Azure.Identity.AuthenticationFailedException'
        $result.ErrorId | Should -Be 'AuthenticationFailed'
        $result.ErrorMessage | Should -Match 'AADSTS7000215'
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
