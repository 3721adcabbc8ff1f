using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Az.StackHCI.Lab.Hosting;

/// <summary>One fault: which requests it hits and what it does to them (latency, a status, a dropped connection).</summary>
internal sealed class FaultRule
{
    public string? Service { get; set; }
    public string? Method { get; set; }
    public string? Path { get; set; }
    public int? Status { get; set; }
    public int? RetryAfterSeconds { get; set; }

    /// <summary>How many matching requests it still hits; null = all.</summary>
    public int? Count { get; set; }
    public double Probability { get; set; } = 1.0;
    public int LatencyMs { get; set; }
    public int JitterMs { get; set; }
    public bool Drop { get; set; }
}

/// <summary>Applies fault rules to requests; deterministic for a given seed.</summary>
internal sealed class FaultInjector
{
    private readonly object _gate = new();
    private List<FaultRule> _rules = new();
    private Random _random = new(1);

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_gate)
            {
                return _rules.ToList();
            }
        }
    }

    public void Set(IEnumerable<FaultRule> rules, int seed = 1)
    {
        lock (_gate)
        {
            _rules = rules.ToList();
            _random = new Random(seed);
        }
    }

    public void Clear() => Set(Array.Empty<FaultRule>());

    /// <summary>Reads rules from a JSON array, or an object { seed, rules }.</summary>
    public void Load(JsonNode? node)
    {
        var seed = node is JsonObject o && o["seed"] is JsonValue s ? s.GetValue<int>() : 1;
        var rules = node is JsonObject obj ? obj["rules"] : node;
        Set(rules?.Deserialize<List<FaultRule>>(new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? new List<FaultRule>(), seed);
    }

    /// <summary>The fault for this request, if any; counts it against the rule's budget.</summary>
    public (FaultRule Rule, int DelayMs)? Match(string service, HttpRequest request)
    {
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if ((rule.Service is not null && !string.Equals(rule.Service, service, StringComparison.OrdinalIgnoreCase))
                    || (rule.Method is not null && !string.Equals(rule.Method, request.Method, StringComparison.OrdinalIgnoreCase))
                    || (rule.Path is not null && !Regex.IsMatch(request.Path.Value + request.QueryString.Value, rule.Path, RegexOptions.IgnoreCase))
                    || rule.Count is <= 0)
                {
                    continue;
                }

                if (rule.Probability < 1.0 && _random.NextDouble() >= rule.Probability)
                {
                    continue;
                }

                if (rule.Count is int left)
                {
                    rule.Count = left - 1;
                }

                return (rule, rule.LatencyMs + (rule.JitterMs > 0 ? _random.Next(rule.JitterMs + 1) : 0));
            }
        }

        return null;
    }
}
