using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>Forgets this session's sign-ins (of one environment when named): the next command signs in anew.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "AzStackHCI", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(AzStackHCIContext))]
    public sealed class DisconnectAzStackHCICommand : AzStackHCICmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string? EnvironmentName { get; set; }

        /// <summary>Writes the sign-ins forgotten.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var held = SignedInIdentities.List(EnvironmentName);
            if (held.Count == 0 || !ShouldProcess(string.Join(", ", held.Select(c => $"{c.Account} ({c.EnvironmentName})")), "Forget the sign-in"))
            {
                return;
            }

            var forgotten = SignedInIdentities.Forget(EnvironmentName);
            if (PassThru)
            {
                WriteObject(forgotten.Select(c => c.ToModel()), enumerateCollection: true);
            }
        }
    }
}
