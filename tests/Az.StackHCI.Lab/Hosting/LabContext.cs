using Az.StackHCI.Lab.State;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Hosting;

/// <summary>What every service of the lab shares.</summary>
internal sealed class LabContext(LabState state, TokenService tokens, RequestJournal journal, FaultInjector faults, FederationIssuer federation)
{
    public LabState State { get; } = state;
    public TokenService Tokens { get; } = tokens;

    /// <summary>The external OIDC issuer whose tokens the ci application accepts (workload identity federation).</summary>
    public FederationIssuer Federation { get; } = federation;
    public RequestJournal Journal { get; } = journal;
    public FaultInjector Faults { get; } = faults;

    /// <summary>Base URLs of the services, known once they listen.</summary>
    public Dictionary<string, Uri> Endpoints { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Uri Authority => Endpoints[ServiceNames.Authority];
    public Uri Arm => Endpoints[ServiceNames.Arm];
    public Uri Graph => Endpoints[ServiceNames.Graph];
    public Uri Hci => Endpoints[ServiceNames.Hci];

    /// <summary>Token audiences ARM accepts: the public cloud's two and its own URL.</summary>
    public IReadOnlyCollection<string> ArmAudiences => new[] { "https://management.core.windows.net/", "https://management.azure.com/", Arm.AbsoluteUri };

    /// <summary>Token audiences the lab's Graph accepts.</summary>
    public IReadOnlyCollection<string> GraphAudiences => new[] { Graph.AbsoluteUri, "https://graph.microsoft.com/", LabIds.MicrosoftGraphAppId };

    /// <summary>Token audiences the lab's HCI service accepts (China spells it by application id).</summary>
    public IReadOnlyCollection<string> HciAudiences => new[] { Hci.AbsoluteUri, LabIds.HciServiceAppId };
}

internal static class ServiceNames
{
    public const string Authority = "authority";
    public const string Arm = "arm";
    public const string Graph = "graph";
    public const string Hci = "hci";
    public const string Control = "control";
}
