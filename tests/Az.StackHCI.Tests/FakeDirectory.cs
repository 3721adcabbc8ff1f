using System.Reflection;
using Az.StackHCI.Core.Cloud;

namespace Az.StackHCI.Tests;

/// <summary>
/// The directory (<see cref="IDirectory"/>) for unit tests whose flow should barely touch it: <see cref="Empty"/> finds
/// nothing and refuses every change; <see cref="Unused"/> refuses every call, for flows that need no directory.
/// </summary>
public class FakeDirectory : DispatchProxy
{
    private bool _lookupsAllowed;

    internal static IDirectory Empty() => Create(lookupsAllowed: true);

    internal static IDirectory Unused() => Create(lookupsAllowed: false);

    private static IDirectory Create(bool lookupsAllowed)
    {
        var directory = Create<IDirectory, FakeDirectory>();
        ((FakeDirectory)(object)directory)._lookupsAllowed = lookupsAllowed;
        return directory;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => (_lookupsAllowed, targetMethod?.Name) switch
    {
        (true, nameof(IDirectory.FindApplicationByAppIdAsync) or nameof(IDirectory.FindApplicationByNameAsync)) => Task.FromResult<DirectoryApplication?>(null),
        (true, nameof(IDirectory.FindServicePrincipalIdAsync)) => Task.FromResult<string?>(null),
        _ => throw new NotSupportedException($"The flow under test called the directory ({targetMethod?.Name})."),
    };
}
