using Az.StackHCI.Lab.State;

namespace Az.StackHCI.Lab.Arm;

/// <summary>Applications the HCI resource provider creates in the customer's tenant (cluster and Arc identities).</summary>
internal static class DirectoryObjects
{
    public static (LabApplication Application, LabServicePrincipal ServicePrincipal) CreateApplication(LabState state, string displayName)
    {
        var replicatedAt = state.ReplicatedAtForNewObject();
        var application = new LabApplication
        {
            Id = state.NewId(), AppId = state.NewId(), DisplayName = displayName, CreatedDateTime = state.Now, ReplicatedAt = replicatedAt,
        };
        var servicePrincipal = new LabServicePrincipal
        {
            Id = state.NewId(), AppId = application.AppId, DisplayName = displayName, AppOwnerOrganizationId = state.TenantId, ReplicatedAt = replicatedAt,
        };
        state.Applications.Add(application);
        state.ServicePrincipals.Add(servicePrincipal);
        return (application, servicePrincipal);
    }
}
