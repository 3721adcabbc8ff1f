using System.Text.RegularExpressions;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>
/// The product never waits a fixed time: waiting is polling with backoff (Resilience/Polling) or the SDKs' own
/// retry policies (docs/performance.md). Microsoft's module lost minutes to fixed sleeps.
/// </summary>
public sealed class NoFixedSleepsTests
{
    private static readonly Regex FixedWait = new(@"Thread\.Sleep|Task\.Delay|Start-Sleep|\.Wait\(\s*\d|SpinWait", RegexOptions.CultureInvariant);

    [Fact]
    public void No_product_source_sleeps_or_delays()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Az.StackHCI.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
        }

        var sources = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .ToList();
        var offenders = sources
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => FixedWait.IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.NotEmpty(sources);
        Assert.Empty(offenders);
    }
}
