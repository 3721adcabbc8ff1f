using System;
using System.Management.Automation;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Models;

namespace Az.StackHCI.Commands
{
    /// <summary>Adds (or updates) a custom cloud, read from its Azure Resource Manager metadata endpoint.</summary>
    [Cmdlet(VerbsCommon.Add, "AzStackHCIEnvironment", SupportsShouldProcess = true)]
    [OutputType(typeof(AzStackHCIEnvironment))]
    public sealed class AddAzStackHCIEnvironmentCommand : AzStackHCICmdlet
    {
        /// <summary>The name to register with, as in Register-AzStackHCI -EnvironmentName.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("EnvironmentName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary>The cloud's Azure Resource Manager URL; its /metadata/endpoints document describes the rest.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("ArmEndpoint", "ResourceManagerUrl")]
        [ValidateNotNull]
        public Uri ResourceManagerEndpoint { get; set; } = null!;

        /// <summary>CurrentUser (default) keeps it for later sessions; Process only for this one.</summary>
        [Parameter]
        public EnvironmentSaveScope Scope { get; set; } = EnvironmentSaveScope.CurrentUser;

        protected override void ProcessRecord()
        {
            var scope = Scope == EnvironmentSaveScope.Process ? EnvironmentScope.Process : EnvironmentScope.CurrentUser;
            var ok = TryRunOperation(async (reporter, token) =>
            {
                EnvironmentCatalog.EnsureNotBuiltIn(Name);
                var read = await new ArmMetadataClient().GetEnvironmentAsync(Name, ResourceManagerEndpoint, reporter, token).ConfigureAwait(false);
                if (!await reporter.ShouldProcessAsync(Name, $"Add the custom environment described by {read.MetadataEndpoint}", token).ConfigureAwait(false))
                {
                    return null;
                }

                new EnvironmentCatalog().Save(read, scope);
                return read;
            }, out var environment);

            if (ok && environment is not null)
            {
                WriteObject(environment.ToModel());
            }
        }
    }
}
