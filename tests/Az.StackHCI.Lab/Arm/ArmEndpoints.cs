using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Arm;

/// <summary>
/// The lab's Azure Resource Manager. One terminal handler instead of endpoint routing: ARM paths nest scopes of any
/// depth ("{scope}/providers/Microsoft.Authorization/…") and must match case-insensitively, which
/// <see cref="ArmRouter"/> does directly.
/// </summary>
internal static class ArmEndpoints
{
    public static void Map(WebApplication app, LabContext lab) => app.Run(context => ArmPipeline.HandleAsync(context, lab));
}
