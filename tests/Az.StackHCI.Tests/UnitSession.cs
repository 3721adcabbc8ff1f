using Azure.Core;
using Az.StackHCI.Core.Environments;
using Az.StackHCI.Core.Identity;
using Az.StackHCI.Core.Operations;
using Az.StackHCI.Core.Resilience;

namespace Az.StackHCI.Tests;

/// <summary>A signed-in session in AzureCloud for unit tests whose cloud is a fake: it holds no token and gives none.</summary>
internal static class UnitSession
{
    public static (HciEnvironment Environment, AzureSession Session) Create(IOperationReporter reporter)
    {
        var environment = new EnvironmentCatalog(Path.GetTempPath()).Find(BuiltInEnvironments.AzureCloud)!;
        var identity = new SignedInIdentity(environment, new NoCredential(), "72f988bf-0000-4000-8000-000000000000", "admin@contoso.example", SignInMethod.DeviceCode, "unit");
        return (environment, new AzureSession(identity, new SdkRetryPolicy(_ => { }), reporter));
    }

    private sealed class NoCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException("No token in unit tests.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException("No token in unit tests.");
    }
}
