using System.Collections.Generic;
using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;

namespace Az.StackHCI.Core.Workflows.Registration
{
    /// <summary>What every registration step works with.</summary>
    internal sealed class RegistrationContext
    {
        public RegistrationContext(RegistrationRequest request, HciEnvironment environment, AzureSession session, ClusterConnection cluster, RegistrationTarget target, IOperationReporter reporter,
            IArmResources? arm = null, IDirectory? directory = null)
        {
            Request = request;
            Environment = environment;
            Session = session;
            Cluster = cluster;
            Target = target;
            Reporter = reporter;
            Arm = arm ?? new ArmGateway(session, target.SubscriptionId);
            Graph = directory ?? new GraphGateway(session);
            Changes = new ChangeGate(reporter);
        }

        public RegistrationRequest Request { get; }

        public HciEnvironment Environment { get; }

        public AzureSession Session { get; }

        public ClusterConnection Cluster { get; }

        public RegistrationTarget Target { get; }

        public IOperationReporter Reporter { get; }

        public IArmResources Arm { get; }

        public IDirectory Graph { get; }

        /// <summary>Asks before each change; shut for the rest of the run (registration and Arc) once one is declined.</summary>
        public ChangeGate Changes { get; }

        public string TenantId => Session.TenantId;

        public RegistrationResult Result(RegistrationStatus status, string details, IEnumerable<NodeResult> nodes)
        {
            var result = new RegistrationResult
            {
                Result = status,
                Details = details,
                AzureResourceId = Target.ResourceId,
                AzurePortalResourceURL = PortalLinks.Resource(Environment, TenantId, Target.ResourceId),
            };
            result.Nodes.AddRange(nodes);
            return result;
        }
    }
}
