using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>Shows who this PowerShell session is signed in as, where, newest first. Never a token.</summary>
    [Cmdlet(VerbsCommon.Get, "AzStackHCIContext")]
    [OutputType(typeof(AzStackHCIContext))]
    public sealed class GetAzStackHCIContextCommand : AzStackHCICmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string? EnvironmentName { get; set; }

        protected override void ProcessRecord() =>
            WriteObject(SignedInIdentities.List(EnvironmentName).Select(c => c.ToModel()), enumerateCollection: true);
    }
}
