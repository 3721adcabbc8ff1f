using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using Az.StackHCI.Core.Nodes;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows;
using Az.StackHCI.Remoting;

namespace Az.StackHCI.Commands
{
    /// <summary>The parameters and checks of every command that reaches cluster nodes over PowerShell remoting.</summary>
    public abstract class AzStackHCINodeCmdlet : AzStackHCICmdlet
    {
        [Parameter]
        public NodeTransport Transport { get; set; }

        /// <summary>SSH user name on the nodes (default: as ssh_config or the current user).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? UserName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyFilePath { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 16;

        /// <summary>WinRM over HTTPS to the nodes (port 5986 unless -Port says otherwise).</summary>
        [Parameter]
        public SwitchParameter UseSSL { get; set; }

        /// <summary>The nodes' WinRM or SSH port (default: the transport's own).</summary>
        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>WinRM authentication to the nodes, as New-PSSession's (default: Negotiate).</summary>
        [Parameter]
        public AuthenticationMechanism Authentication { get; set; }

        /// <summary>WinRM session options (default: the caller's $PSSessionOption, as New-PSSession uses it).</summary>
        [Parameter]
        [ValidateNotNull]
        public PSSessionOption? SessionOption { get; set; }

        /// <summary>True when -WhatIf is in force (given, or through $WhatIfPreference).</summary>
        protected bool IsWhatIf => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? ((SwitchParameter)whatIf).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        /// <summary>-Credential is for WinRM; -UserName and -KeyFilePath are for SSH.</summary>
        protected void CheckRemotingParameters(PSCredential? credential)
        {
            var ssh = Transport == NodeTransport.SSH || (Transport == NodeTransport.Default && new NodeConnectionSettings().UseSsh);
            if (ssh && credential is not null)
            {
                Refuse("CredentialNotForSsh", "Credential", "-Credential is for WinRM sessions; over SSH give -UserName and -KeyFilePath (or rely on your SSH configuration).");
            }

            if (!ssh && (UserName is not null || KeyFilePath is not null))
            {
                Refuse("SshParametersNotForWinRM", UserName is not null ? "UserName" : "KeyFilePath", "-UserName and -KeyFilePath are for SSH sessions; with WinRM use -Credential, or add -Transport SSH.");
            }

            var winRmOnly = new[] { nameof(UseSSL), nameof(Authentication), nameof(SessionOption) }.FirstOrDefault(MyInvocation.BoundParameters.ContainsKey);
            if (ssh && winRmOnly is not null)
            {
                Refuse("WinRMParametersNotForSsh", winRmOnly, $"-{winRmOnly} is for WinRM sessions; over SSH the SSH configuration (ssh_config) sets how to connect, or add -Transport WSMan.");
            }
        }

        /// <summary>A connector for this command's nodes; disposing it closes every session it opened.</summary>
        internal PowerShellNodeConnector NewConnector(PSCredential? credential)
        {
            var settings = new NodeConnectionSettings
            {
                UserName = UserName,
                KeyFilePath = KeyFilePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyFilePath),
                Credential = credential,
                UseSsl = UseSSL,
                Port = MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : (int?)null,
                Authentication = MyInvocation.BoundParameters.ContainsKey(nameof(Authentication)) ? Authentication : (AuthenticationMechanism?)null,
                SessionOption = SessionOption ?? CallerSessionOption(),
            };
            if (Transport != NodeTransport.Default)
            {
                settings.UseSsh = Transport == NodeTransport.SSH;
            }

            return new PowerShellNodeConnector(settings, ThrottleLimit);
        }

        /// <summary>
        /// The sequence every node command shares once its parameters are checked: one connector for the run, the
        /// workflow off the pipeline thread, a failure written as a (non-terminating) error. False when it failed, or
        /// when -WhatIf left every change undone: the "What if:" lines are then the answer, a result would only say so.
        /// </summary>
        internal bool TryRunWorkflow<T>(PSCredential? credential, Func<INodeConnector, CmdletReporter, CancellationToken, Task<T>> workflow, out T result,
            Action<HciException>? beforeError = null)
        {
            using var connector = NewConnector(credential);
            return TryRunOperation((reporter, token) => workflow(connector, reporter, token), out result, beforeError)
                && !(IsWhatIf && result is IChangeOutcome { ChangesSkipped: true });
        }

        /// <summary>The caller's $PSSessionOption preference, which New-PSSession would use in the caller's own session.</summary>
        private PSSessionOption? CallerSessionOption() => GetVariableValue("PSSessionOption") switch
        {
            PSSessionOption option => option,
            PSObject { BaseObject: PSSessionOption wrapped } => wrapped,
            _ => null,
        };

        /// <summary>Where a command's log goes: the given folder, else the current one.</summary>
        protected string LogsPath(string? logsDirectory) => logsDirectory is null
            ? SessionState.Path.CurrentFileSystemLocation.ProviderPath
            : SessionState.Path.GetUnresolvedProviderPathFromPSPath(logsDirectory);
    }
}
