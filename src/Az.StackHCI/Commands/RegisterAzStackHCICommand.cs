using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using Az.StackHCI.Completers;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Workflows.Registration;
using Az.StackHCI.Models;
using Az.StackHCI.Remoting;

namespace Az.StackHCI.Commands
{
    /// <summary>Registers an Azure Stack HCI cluster with Azure: the whole procedure, every node at once.</summary>
    [Cmdlet(VerbsLifecycle.Register, "AzStackHCI", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        HelpUri = "https://github.com/az-stackhci/az-stackhci/blob/main/docs/Register-AzStackHCI.md")]
    [OutputType(typeof(AzStackHCIRegistrationResult))]
    public sealed class RegisterAzStackHCICommand : AzStackHCICmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SubscriptionId { get; set; } = "";

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Region { get; set; }

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ResourceName { get; set; }

        [Parameter(Position = 3)]
        public Hashtable? Tag { get; set; }

        [Parameter(Position = 4)]
        [ValidateNotNullOrEmpty]
        public string? TenantId { get; set; }

        [Parameter(Position = 5, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? ResourceGroupName { get; set; }

        [Parameter(Position = 6)]
        [ValidateNotNullOrEmpty]
        public string? ArmAccessToken { get; set; }

        [Parameter(Position = 7)]
        [ValidateNotNullOrEmpty]
        public string? AccountId { get; set; }

        [Parameter(Position = 8)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EnvironmentNameCompleter))]
        public string EnvironmentName { get; set; } = "AzureCloud";

        [Parameter(Position = 9, ValueFromPipelineByPropertyName = true)]
        [Alias("Cluster", "ClusterName", "Node")]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = "localhost";

        /// <summary>A certificate (with private key) already in every node's LocalMachine store, used instead of a new one per node.</summary>
        [Parameter(Position = 10)]
        [ValidatePattern("^[0-9A-Fa-f]{40}$")]
        public string? CertificateThumbprint { get; set; }

        /// <summary>Credential for the PowerShell sessions to the nodes (WinRM).</summary>
        [Parameter(Position = 11)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>Resource group for the nodes' Arc machines (default: the existing arcSettings' group, else the cluster's).</summary>
        [Parameter(Position = 12)]
        [ValidateNotNullOrEmpty]
        public string? ArcServerResourceGroupName { get; set; }

        /// <summary>A pre-created Arc onboarding service principal: UserName = application id, Password = secret.</summary>
        [Parameter(Position = 13)]
        [Credential]
        public PSCredential? ArcSpnCredential { get; set; }

        /// <summary>Folder for RegisterHCI_yyyyMMdd-HHmmss.log (default: the current directory).</summary>
        [Parameter(Position = 14)]
        [ValidateNotNullOrEmpty]
        public string? LogsDirectory { get; set; }

        /// <summary>A Microsoft Graph token to go with -ArmAccessToken (the cluster's application is made through Graph).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? GraphAccessToken { get; set; }

        [Parameter]
        public SwitchParameter RepairRegistration { get; set; }

        [Parameter]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        [Parameter]
        public SwitchParameter EnableAzureArcServer { get; set; } = true;

        /// <summary>A service principal signs in with this: UserName = application id, Password = client secret.</summary>
        [Parameter]
        [Credential]
        public PSCredential? ServicePrincipalCredential { get; set; }

        /// <summary>Application id of a service principal that signs in with -ServicePrincipalCertificatePath.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServicePrincipalId { get; set; }

        /// <summary>PEM or PFX file with the service principal's certificate and private key.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServicePrincipalCertificatePath { get; set; }

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

        protected override void ProcessRecord()
        {
            CheckParameterCombinations();
            var request = new RegistrationRequest
            {
                SubscriptionId = SubscriptionId,
                Region = Region,
                ResourceName = ResourceName,
                ResourceGroupName = ResourceGroupName,
                EnvironmentName = EnvironmentName,
                ComputerName = ComputerName,
                RepairRegistration = RepairRegistration,
                CertificateThumbprint = CertificateThumbprint?.ToUpperInvariant(),
                EnableAzureArcServer = EnableAzureArcServer,
                ArcServerResourceGroupName = ArcServerResourceGroupName,
                ArcSpnAppId = ArcSpnCredential?.UserName,
                ArcSpnSecret = ArcSpnCredential?.GetNetworkCredential().Password,
                ThrottleLimit = ThrottleLimit,
                LogsDirectory = LogsDirectory is null ? SessionState.Path.CurrentFileSystemLocation.ProviderPath : SessionState.Path.GetUnresolvedProviderPathFromPSPath(LogsDirectory),
                SignIn = SignInFromParameters(),
            };
            foreach (DictionaryEntry tag in Tag ?? new Hashtable())
            {
                request.Tags[tag.Key.ToString()!] = tag.Value?.ToString() ?? "";
            }

            using var connector = new PowerShellNodeConnector(ConnectionSettings(), ThrottleLimit);
            if (!TryRunOperation((reporter, token) => new RegisterWorkflow(connector, reporter).RunAsync(request, token), out var result)
                || (result.ChangesSkipped && IsWhatIf))
            {
                return;
            }

            WriteObject(new AzStackHCIRegistrationResult
            {
                Result = (OperationStatus)Enum.Parse(typeof(OperationStatus), result.Result.ToString()),
                AzureResourceId = result.AzureResourceId,
                AzurePortalResourceURL = result.AzurePortalResourceURL,
                AzurePortalAADAppPermissionsURL = result.AzurePortalAADAppPermissionsURL,
                Details = result.Details,
                ErrorDetail = result.ErrorDetail,
                Nodes = result.Nodes.Select(n => new AzStackHCINodeResult { ComputerName = n.ComputerName, Status = n.Status, Detail = n.Detail, CertificateThumbprint = n.CertificateThumbprint }).ToList(),
            });
        }

        private bool IsWhatIf => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? ((SwitchParameter)whatIf).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        /// <summary>Combinations no single parameter set can express; refused before anything is contacted.</summary>
        private void CheckParameterCombinations()
        {
            void Refuse(string errorId, string target, string message) =>
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target));

            var signIns = new[] { ArmAccessToken is not null, ServicePrincipalCredential is not null, ServicePrincipalId is not null || ServicePrincipalCertificatePath is not null }.Count(x => x);
            if (signIns > 1 || (UseDeviceAuthentication && signIns > 0))
            {
                Refuse("ConflictingSignInParameters", "UseDeviceAuthentication",
                    "Choose one way to sign in: device code (-UseDeviceAuthentication, the default), -ArmAccessToken with -GraphAccessToken, -ServicePrincipalCredential, or -ServicePrincipalId with -ServicePrincipalCertificatePath.");
            }

            if ((ServicePrincipalId is null) != (ServicePrincipalCertificatePath is null))
            {
                Refuse("IncompleteServicePrincipalCertificate", ServicePrincipalId is null ? "ServicePrincipalId" : "ServicePrincipalCertificatePath",
                    "A service principal signing in with a certificate needs both -ServicePrincipalId and -ServicePrincipalCertificatePath.");
            }

            if ((ServicePrincipalCredential is not null || ServicePrincipalId is not null) && TenantId is null)
            {
                Refuse("TenantIdRequired", "TenantId", "A service principal signs in to one tenant: give -TenantId.");
            }

            var ssh = Transport == NodeTransport.SSH || (Transport == NodeTransport.Default && new NodeConnectionSettings().UseSsh);
            if (ssh && Credential is not null)
            {
                Refuse("CredentialNotForSsh", "Credential", "-Credential is for WinRM sessions; over SSH give -UserName and -KeyFilePath (or rely on your SSH configuration).");
            }

            if (!ssh && (UserName is not null || KeyFilePath is not null))
            {
                Refuse("SshParametersNotForWinRM", UserName is not null ? "UserName" : "KeyFilePath", "-UserName and -KeyFilePath are for SSH sessions; with WinRM use -Credential, or add -Transport SSH.");
            }
        }

        private SignInRequest SignInFromParameters() => new SignInRequest
        {
            TenantId = TenantId,
            ArmAccessToken = ArmAccessToken,
            GraphAccessToken = GraphAccessToken,
            AccountId = AccountId,
            ClientId = ServicePrincipalCredential?.UserName ?? ServicePrincipalId,
            ClientSecret = ServicePrincipalCredential?.GetNetworkCredential().Password,
            CertificatePath = ServicePrincipalCertificatePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ServicePrincipalCertificatePath),
        };

        private NodeConnectionSettings ConnectionSettings()
        {
            var settings = new NodeConnectionSettings
            {
                UserName = UserName,
                KeyFilePath = KeyFilePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyFilePath),
                Credential = Credential,
            };
            if (Transport != NodeTransport.Default)
            {
                settings.UseSsh = Transport == NodeTransport.SSH;
            }

            return settings;
        }
    }
}
