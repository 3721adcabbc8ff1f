using Az.StackHCI.Core.Cloud;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Workflows.Registration;

namespace Az.StackHCI.Core.Workflows.Unregistration
{
    /// <summary>What every unregistration step works with.</summary>
    internal sealed class UnregistrationContext
    {
        public UnregistrationContext(UnregistrationRequest request, AzureSession session, ClusterConnection? cluster, RegistrationTarget target, IOperationReporter reporter, StepProgress<UnregistrationStep> progress,
            IArmResources? arm = null, IDirectory? directory = null)
        {
            Request = request;
            Cluster = cluster;
            Target = target;
            Reporter = reporter;
            Progress = progress;
            Arm = arm ?? new ArmGateway(session, target.SubscriptionId);
            Graph = directory ?? new GraphGateway(session);
            ResourceManager = session.Environment.ResourceManagerEndpoint;
        }

        /// <summary>The cloud's ARM endpoint: the resource of the nodes' managed-identity tokens.</summary>
        public System.Uri ResourceManager { get; }

        public UnregistrationRequest Request { get; }

        /// <summary>The nodes; null when only the cloud side is removed (-CloudOnly).</summary>
        public ClusterConnection? Cluster { get; }

        public RegistrationTarget Target { get; }

        public IOperationReporter Reporter { get; }

        public StepProgress<UnregistrationStep> Progress { get; }

        public IArmResources Arm { get; }

        public IDirectory Graph { get; }
    }
}
