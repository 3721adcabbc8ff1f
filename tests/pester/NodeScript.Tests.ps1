# The script every node command runs in (src/Az.StackHCI/Remoting/Invoke-NodeCommand.ps1), run here on values as a
# real node returns them: live enums, and the deserialized ones pwsh 7 gets from the OS module through the Windows
# PowerShell compatibility session (made with PSSerializer, so no Windows is needed).

BeforeAll {
    $script = Join-Path $PSScriptRoot '../../src/Az.StackHCI/Remoting/Invoke-NodeCommand.ps1'
    Add-Type -TypeDefinition @'
namespace NodeScriptTest {
    public enum RegistrationStatus { NotYet, OutOfPolicy, Registered, NotRegistered }
    public enum ArcStatus { Unknown, Enabled, Disabled, DisableInProgress }
    public class ServiceDetail { public string Error { get; set; } }
    public class ServiceException : System.Exception {
        public ServiceException(string message, string detail) : base(message) { Detail = new ServiceDetail { Error = detail }; }
        public ServiceDetail Detail { get; private set; }
    }
}
'@
    function New-NodeState {
        $arc = [Collections.Generic.Dictionary[string, NodeScriptTest.ArcStatus]]::new()
        $arc['node1'] = 'Enabled'
        $arc['node2'] = 'Disabled'
        [pscustomobject]@{
            RegistrationStatus = [NodeScriptTest.RegistrationStatus]::Registered
            NodesArcStatus     = $arc
            LastConnected      = [datetime]::new(2026, 12, 1, 10, 30, 0, [DateTimeKind]::Local)
            Nested             = [pscustomobject]@{ Status = [NodeScriptTest.ArcStatus]::DisableInProgress }
            Names              = @('only')
        }
    }
    function Invoke-NodeScript([string] $Command, [hashtable] $Parameters = @{}, [string[]] $ExpandOnNode, [string] $InputCommand, [hashtable] $InputParameters) {
        & $script -Command $Command -Parameters $Parameters -ExpandOnNode $ExpandOnNode -InputCommand $InputCommand -InputParameters $InputParameters
    }
    function Read-Output($Result) { $Result.Output | ForEach-Object { $_ | ConvertFrom-Json } }
}

Describe 'The node script' {
    It 'sends enums by name, in dictionaries and nested objects too, and dates as UTC ISO text' {
        function Get-LiveState { New-NodeState }
        $state = Read-Output (Invoke-NodeScript Get-LiveState)

        $state.RegistrationStatus | Should -Be 'Registered'
        $state.NodesArcStatus.node1 | Should -Be 'Enabled'
        $state.NodesArcStatus.node2 | Should -Be 'Disabled'
        $state.Nested.Status | Should -Be 'DisableInProgress'
        $state.Names | Should -Be @('only')
        ([DateTimeOffset]::Parse($state.LastConnected)).UtcDateTime | Should -Be ([datetime]::new(2026, 12, 1, 10, 30, 0, [DateTimeKind]::Local).ToUniversalTime())
    }

    It 'sends deserialized enums (Windows PowerShell compatibility) by name, not by number' {
        function Get-DeserializedState {
            [Management.Automation.PSSerializer]::Deserialize([Management.Automation.PSSerializer]::Serialize((New-NodeState), 4))
        }
        $deserialized = Get-DeserializedState
        $deserialized.RegistrationStatus -is [enum] | Should -BeFalse -Because 'the test must cover the deserialized case'

        $state = Read-Output (Invoke-NodeScript Get-DeserializedState)
        $state.RegistrationStatus | Should -Be 'Registered'
        $state.NodesArcStatus.node1 | Should -Be 'Enabled'
        $state.NodesArcStatus.node2 | Should -Be 'Disabled'
        $state.Nested.Status | Should -Be 'DisableInProgress'
    }

    It 'keeps the cloud''s text from an inner exception''s Detail.Error in the error message' {
        function Set-Failing {
            $inner = [NodeScriptTest.ServiceException]::new('Service call failed.', 'AADSTS700016: Application not found in the directory.')
            Write-Error -Exception ([InvalidOperationException]::new('Failed to register the cluster.', $inner))
        }
        $result = Invoke-NodeScript Set-Failing

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].Message | Should -Match '^Failed to register the cluster\.'
        $result.Errors[0].Message | Should -Match 'Service call failed\.'
        $result.Errors[0].Message | Should -Match 'AADSTS700016'
    }

    It 'pipes one command''s output into another on the node' {
        function Get-Resource([string] $Name) { [pscustomobject]@{ Name = $Name; Id = 42 } }
        function Get-Parameter([string] $Name, [Parameter(ValueFromPipeline)] $InputObject) { process { [pscustomobject]@{ Name = $Name; Value = "$($InputObject.Name):$($InputObject.Id)" } } }

        $result = Read-Output (Invoke-NodeScript Get-Parameter @{ Name = 'DnsSuffix' } -InputCommand Get-Resource -InputParameters @{ Name = 'Cluster Name' })
        $result.Name | Should -Be 'DnsSuffix'
        $result.Value | Should -Be 'Cluster Name:42'
    }

    It 'expands environment variables only in the parameters named, on the node' {
        function Get-Paths([string] $Path, [string] $Secret) { "$Path|$Secret" }
        $env:NODE_SCRIPT_TEST = 'expanded'
        try {
            Read-Output (Invoke-NodeScript Get-Paths @{ Path = '%NODE_SCRIPT_TEST%\agent.msi'; Secret = '%NODE_SCRIPT_TEST%' } -ExpandOnNode Path) |
                Should -Be 'expanded\agent.msi|%NODE_SCRIPT_TEST%'
        }
        finally { Remove-Item env:NODE_SCRIPT_TEST }
    }

    It 'runs the command without prompts or progress, and with the parameters given' {
        function Get-Preferences([string] $Name) { "$Name $ProgressPreference $ConfirmPreference" }
        (Read-Output (Invoke-NodeScript Get-Preferences @{ Name = 'node1' })) | Should -Be 'node1 SilentlyContinue None'
    }
}
