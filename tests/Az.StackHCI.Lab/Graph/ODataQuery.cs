using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Az.StackHCI.Lab.Tokens;

namespace Az.StackHCI.Lab.Graph;

/// <summary>
/// The OData query options the lab's Graph understands: $filter (eq, in, startswith, and, or over the entity's
/// simple properties), $select, $top, $count (with ConsistencyLevel: eventual, as Graph demands), $orderby on one
/// property, and its own $skiptoken for @odata.nextLink paging. Others are refused with Request_UnsupportedQuery.
/// </summary>
internal sealed class ODataQuery
{
    private static readonly HashSet<string> Unsupported = new(StringComparer.OrdinalIgnoreCase) { "$expand", "$search", "$skip", "$format", "$apply" };

    private readonly List<KeyValuePair<string, string>> _raw;

    private ODataQuery(List<KeyValuePair<string, string>> raw) => _raw = raw;

    public FilterExpression? Filter { get; private init; }

    public IReadOnlyList<string>? Select { get; private init; }

    public int? Top { get; private init; }

    public int Offset { get; private init; }

    public bool Count { get; private init; }

    public (string Property, bool Descending)? OrderBy { get; private init; }

    public static ODataQuery Parse(IQueryCollection query, IHeaderDictionary headers)
    {
        var raw = query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
        string? Get(string name) => raw.Where(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value).FirstOrDefault();
        foreach (var (name, _) in raw)
        {
            if (Unsupported.Contains(name))
            {
                throw GraphException.UnsupportedQuery($"The query option '{name}' is not supported by the lab's Graph.");
            }
        }

        int? top = null;
        if (Get("$top") is string topText)
        {
            top = int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t is >= 1 and <= 999
                ? t
                : throw GraphException.BadRequest($"Invalid page size specified: '{topText}'. Must be between 1 and 999 inclusive.");
        }

        var count = string.Equals(Get("$count"), "true", StringComparison.OrdinalIgnoreCase);
        if (count && !string.Equals(headers["ConsistencyLevel"].ToString(), "eventual", StringComparison.OrdinalIgnoreCase))
        {
            // Directory objects count only as an advanced query.
            throw GraphException.BadRequest("$count is not currently supported.");
        }

        (string, bool)? orderBy = null;
        if (Get("$orderby") is string order)
        {
            var parts = order.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            orderBy = parts.Length is 1 or 2 && (parts.Length == 1 || parts[1] is "asc" or "desc")
                ? (parts[0], parts.Length == 2 && parts[1] == "desc")
                : throw GraphException.UnsupportedQuery($"Unsupported $orderby clause '{order}'.");
        }

        return new ODataQuery(raw)
        {
            Filter = Get("$filter") is string filter ? FilterParser.Parse(filter) : null,
            Select = Get("$select") is string select ? select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            Top = top,
            Offset = Get("$skiptoken") is string token ? DecodeSkipToken(token) : 0,
            Count = count,
            OrderBy = orderBy,
        };
    }

    public bool Selects(string property) => Select?.Contains(property, StringComparer.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Filters, orders, pages and projects serialised entities into a collection response. <paramref name="filterable"/>
    /// names the properties $filter and $orderby may use (Graph refuses the others with Request_UnsupportedQuery).
    /// </summary>
    public JsonObject Collection(GraphRequest request, string contextPath, string typeName, IEnumerable<JsonObject> items,
        IReadOnlySet<string> filterable, IReadOnlySet<string> properties, int defaultPageSize)
    {
        Filter?.Check(filterable, typeName);
        CheckSelect(properties, typeName);
        var matching = items.Where(i => Filter?.Matches(i) ?? true).ToList();
        if (OrderBy is var (property, descending))
        {
            if (!filterable.Contains(property))
            {
                throw GraphException.UnsupportedQuery($"Sorting not supported for '{property}' of resource '{typeName}'.");
            }

            matching = (descending
                ? matching.OrderByDescending(i => Text(i[property]), StringComparer.OrdinalIgnoreCase)
                : matching.OrderBy(i => Text(i[property]), StringComparer.OrdinalIgnoreCase)).ToList();
        }

        var pageSize = Top ?? defaultPageSize;
        var page = matching.Skip(Offset).Take(pageSize).Select(Project).ToList();
        var result = new JsonObject
        {
            ["@odata.context"] = request.Context(contextPath + (Select is null ? "" : "(" + string.Join(',', Select) + ")")),
        };
        if (Count)
        {
            result["@odata.count"] = matching.Count;
        }

        result["value"] = new JsonArray(page.Select(p => (JsonNode)p).ToArray());
        if (Offset + pageSize < matching.Count)
        {
            var next = _raw.Where(p => !string.Equals(p.Key, "$skiptoken", StringComparison.OrdinalIgnoreCase)).ToList();
            next.Add(KeyValuePair.Create("$skiptoken", EncodeSkipToken(Offset + pageSize)));
            result["@odata.nextLink"] = request.UrlWithQuery(next);
        }

        return result;
    }

    /// <summary>Applies $select to one serialised entity (all properties without it).</summary>
    public JsonObject Project(JsonObject entity)
    {
        if (Select is null)
        {
            return entity;
        }

        // A derived type's annotation stays (members of directoryObject collections carry their type).
        var projected = entity["@odata.type"] is JsonNode type ? new JsonObject { ["@odata.type"] = type.DeepClone() } : new JsonObject();
        foreach (var name in Select)
        {
            var key = entity.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            if (key is not null)
            {
                projected[key] = entity[key]?.DeepClone();
            }
        }

        return projected;
    }

    public void CheckSelect(IReadOnlySet<string> properties, string typeName)
    {
        foreach (var name in Select ?? Array.Empty<string>())
        {
            if (!properties.Contains(name))
            {
                throw GraphException.BadRequest($"Could not find a property named '{name}' on type '{typeName}'.");
            }
        }
    }

    /// <summary>A value's text for comparisons: strings as they are, other JSON values in their JSON form.</summary>
    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    // The skip token is the lab's own opaque text, as Graph's is to clients.
    private static string EncodeSkipToken(int offset) => Jwt.Encode(Encoding.UTF8.GetBytes("lab-skip:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static int DecodeSkipToken(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Jwt.Decode(token));
            if (text.StartsWith("lab-skip:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw GraphException.BadRequest($"Invalid $skiptoken '{token}'.");
    }
}
