using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Az.StackHCI.Core.Environments;

namespace Az.StackHCI.Completers
{
    /// <summary>Completes -EnvironmentName/-Name with the built-in and the user's custom environments.</summary>
    public sealed class EnvironmentNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            IEnumerable<HciEnvironment> environments;
            try
            {
                environments = new EnvironmentCatalog().GetAll();
            }
            catch (Core.Operations.HciException)
            {
                environments = BuiltInEnvironments.All;
            }

            return environments
                .Where(e => pattern.IsMatch(e.Name))
                .Select(e => new CompletionResult(
                    e.Name.Contains(" ") ? "'" + e.Name + "'" : e.Name,
                    e.Name,
                    CompletionResultType.ParameterValue,
                    e.ResourceManagerEndpoint.AbsoluteUri))
                .ToList();
        }
    }
}
