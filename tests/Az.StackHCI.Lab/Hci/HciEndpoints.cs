using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Hci;

/// <summary>The Azure Stack HCI service (data plane). Node registration and sync arrive with the lab's part 2
/// (step 3); the health probe Test-AzStackHCIConnection uses answers already.</summary>
internal static class HciEndpoints
{
    public static void Map(WebApplication app, LabContext lab) =>
        app.MapGet("/health", () => Results.Text("Healthy", "text/plain"));
}
