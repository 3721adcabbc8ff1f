using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>Lists the clouds the module can register with: the built-in ones and the custom ones added.</summary>
    [Cmdlet(VerbsCommon.Get, "AzStackHCIEnvironment")]
    [OutputType(typeof(AzStackHCIEnvironment))]
    public sealed class GetAzStackHCIEnvironmentCommand : AzStackHCICmdlet
    {
        /// <summary>Names to show; wildcards allowed. All environments when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("EnvironmentName")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            var environments = RunOperation((reporter, token) => Task.Run(() => new EnvironmentCatalog().GetAll(), token));
            if (Name is null)
            {
                WriteObject(environments.Select(e => e.ToModel()), enumerateCollection: true);
                return;
            }

            foreach (var name in Name)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var matches = environments.Where(e => pattern.IsMatch(e.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"There is no environment named '{name}'. Run Get-AzStackHCIEnvironment to list them, or add a custom one with Add-AzStackHCIEnvironment."),
                        "EnvironmentNotFound", ErrorCategory.ObjectNotFound, name));
                }

                WriteObject(matches.Select(e => e.ToModel()), enumerateCollection: true);
            }
        }
    }
}
