using System.Text.RegularExpressions;
using Xunit;

namespace Az.StackHCI.Tests;

/// <summary>
/// Scripts match on error ids (about_Az.StackHCI, "Errors"), so every id the product raises is in the help a user
/// reads: an id of one command's workflow in that command's page, an id of shared code (sign-in, ARM, Graph,
/// nodes, polling) in about_Az.StackHCI or a command page.
/// </summary>
public sealed class ErrorIdsDocumentedTests
{
    // The error id is HciException's first argument, or either side of a conditional that chooses it.
    private static readonly Regex RaisedId = new(
        @"HciException\(\s*(?:""(?<id>[A-Z][A-Za-z]+)""|[^,""]*\?\s*""(?<id>[A-Z][A-Za-z]+)""\s*:\s*""(?<other>[A-Z][A-Za-z]+)"")",
        RegexOptions.CultureInvariant);

    private static readonly Dictionary<string, string[]> PagesOfArea = new(StringComparer.Ordinal)
    {
        ["Registration"] = new[] { "Register-AzStackHCI.md" },
        ["Unregistration"] = new[] { "Unregister-AzStackHCI.md" },
        ["Status"] = new[] { "Get-AzStackHCI.md" },
        ["Connectivity"] = new[] { "Test-AzStackHCIConnection.md" },
        ["Settings"] = new[] { "Set-AzStackHCI.md" },
    };

    [Fact]
    public void Every_error_id_the_product_raises_is_in_the_help()
    {
        var root = RepositoryRoot();
        var docs = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").ToDictionary(f => Path.GetFileName(f), File.ReadAllText, StringComparer.Ordinal);
        var raised = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => RaisedId.Matches(File.ReadAllText(f)).SelectMany(m => new[] { m.Groups["id"], m.Groups["other"] })
                .Where(g => g.Success).Select(g => (Id: g.Value, File: f)))
            .ToList();

        var undocumented = raised
            .Where(r => !PagesFor(r.File, docs.Keys).Any(page => Regex.IsMatch(docs[page], $@"\b{r.Id}\b")))
            .Select(r => $"{r.Id} ({Path.GetRelativePath(root, r.File)}) is in none of: {string.Join(", ", PagesFor(r.File, docs.Keys))}")
            .Distinct()
            .ToList();

        Assert.True(raised.Count > 50, $"Only {raised.Count} error ids found: has HciException's signature changed?");
        Assert.True(undocumented.Count == 0, "Undocumented error ids:\n" + string.Join("\n", undocumented));
    }

    private static IEnumerable<string> PagesFor(string file, IEnumerable<string> pages)
    {
        var parts = file.Split(Path.DirectorySeparatorChar);
        var workflows = Array.IndexOf(parts, "Workflows");
        return workflows >= 0 && workflows + 2 < parts.Length && PagesOfArea.TryGetValue(parts[workflows + 1], out var own)
            ? own
            : pages.Where(p => p.StartsWith("about_", StringComparison.Ordinal) || p.Contains("-AzStackHCI", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Az.StackHCI.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
        }

        return root;
    }
}
