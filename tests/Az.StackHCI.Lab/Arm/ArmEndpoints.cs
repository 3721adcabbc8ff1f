namespace Az.StackHCI.Lab.Arm; internal static class ArmEndpoints { public static void Map(WebApplication app, Az.StackHCI.Lab.Hosting.LabContext lab) { } }
