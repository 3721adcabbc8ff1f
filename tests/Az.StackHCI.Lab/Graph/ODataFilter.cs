using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Az.StackHCI.Lab.Graph;

/// <summary>A parsed $filter, evaluated over an entity as Graph serialises it. String comparisons ignore case, as the directory's do.</summary>
internal abstract record FilterExpression
{
    public abstract bool Matches(JsonObject entity);

    /// <summary>Refuses properties Graph cannot filter on for this type.</summary>
    public abstract void Check(IReadOnlySet<string> filterable, string typeName);

    protected static void CheckProperty(string property, IReadOnlySet<string> filterable, string typeName)
    {
        if (!filterable.Contains(property))
        {
            throw GraphException.UnsupportedQuery($"Unsupported or invalid query filter clause specified for property '{property}' of resource '{typeName}'.");
        }
    }

    protected static string? Value(JsonObject entity, string property) =>
        ODataQuery.Text(entity.FirstOrDefault(p => string.Equals(p.Key, property, StringComparison.OrdinalIgnoreCase)).Value);
}

internal sealed record FilterIn(string Property, IReadOnlyList<string?> Literals) : FilterExpression
{
    public override bool Matches(JsonObject entity)
    {
        var value = Value(entity, Property);
        return Literals.Any(l => string.Equals(l, value, StringComparison.OrdinalIgnoreCase));
    }

    public override void Check(IReadOnlySet<string> filterable, string typeName) => CheckProperty(Property, filterable, typeName);
}

internal sealed record FilterStartsWith(string Property, string Prefix) : FilterExpression
{
    public override bool Matches(JsonObject entity) => Value(entity, Property)?.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true;

    public override void Check(IReadOnlySet<string> filterable, string typeName) => CheckProperty(Property, filterable, typeName);
}

internal sealed record FilterBinary(FilterExpression Left, bool IsAnd, FilterExpression Right) : FilterExpression
{
    public override bool Matches(JsonObject entity) => IsAnd ? Left.Matches(entity) && Right.Matches(entity) : Left.Matches(entity) || Right.Matches(entity);

    public override void Check(IReadOnlySet<string> filterable, string typeName)
    {
        Left.Check(filterable, typeName);
        Right.Check(filterable, typeName);
    }
}

/// <summary>
/// Recursive descent over Graph's basic filter grammar: <c>p eq 'x'</c> (quotes doubled inside), bare GUIDs,
/// true/false/null, <c>p in ('a','b')</c>, <c>startswith(p,'x')</c>, <c>and</c>, <c>or</c> and parentheses.
/// </summary>
internal static partial class FilterParser
{
    public static FilterExpression Parse(string text)
    {
        var tokens = Tokenize(text);
        var position = 0;
        var expression = ParseOr(text, tokens, ref position);
        if (position != tokens.Count)
        {
            throw Syntax(text, tokens[position].Position);
        }

        return expression;
    }

    private static FilterExpression ParseOr(string text, List<Token> tokens, ref int position)
    {
        var left = ParseAnd(text, tokens, ref position);
        while (IsWord(tokens, position, "or"))
        {
            position++;
            left = new FilterBinary(left, false, ParseAnd(text, tokens, ref position));
        }

        return left;
    }

    private static FilterExpression ParseAnd(string text, List<Token> tokens, ref int position)
    {
        var left = ParsePrimary(text, tokens, ref position);
        while (IsWord(tokens, position, "and"))
        {
            position++;
            left = new FilterBinary(left, true, ParsePrimary(text, tokens, ref position));
        }

        return left;
    }

    private static FilterExpression ParsePrimary(string text, List<Token> tokens, ref int position)
    {
        if (position >= tokens.Count)
        {
            throw Syntax(text, text.Length);
        }

        var token = tokens[position];
        if (token.Kind == TokenKind.Open)
        {
            position++;
            var inner = ParseOr(text, tokens, ref position);
            Expect(text, tokens, ref position, TokenKind.Close);
            return inner;
        }

        if (token.Kind != TokenKind.Word)
        {
            throw Syntax(text, token.Position);
        }

        if (string.Equals(token.Text, "startswith", StringComparison.OrdinalIgnoreCase) && position + 1 < tokens.Count && tokens[position + 1].Kind == TokenKind.Open)
        {
            position += 2;
            var property = Expect(text, tokens, ref position, TokenKind.Word).Text;
            Expect(text, tokens, ref position, TokenKind.Comma);
            var prefix = Expect(text, tokens, ref position, TokenKind.String).Text;
            Expect(text, tokens, ref position, TokenKind.Close);
            return new FilterStartsWith(property, prefix);
        }

        position++;
        var op = Expect(text, tokens, ref position, TokenKind.Word);
        switch (op.Text.ToLowerInvariant())
        {
            case "eq":
                return new FilterIn(token.Text, new[] { Literal(text, tokens, ref position) });
            case "in":
                Expect(text, tokens, ref position, TokenKind.Open);
                var literals = new List<string?> { Literal(text, tokens, ref position) };
                while (position < tokens.Count && tokens[position].Kind == TokenKind.Comma)
                {
                    position++;
                    literals.Add(Literal(text, tokens, ref position));
                }

                Expect(text, tokens, ref position, TokenKind.Close);
                return new FilterIn(token.Text, literals);
            case "ne" or "gt" or "ge" or "lt" or "le":
                throw GraphException.UnsupportedQuery($"Unsupported query: operator '{op.Text}' needs an advanced query (ConsistencyLevel: eventual), which the lab's Graph does not offer.");
            default:
                throw Syntax(text, op.Position);
        }
    }

    private static string? Literal(string text, List<Token> tokens, ref int position)
    {
        if (position >= tokens.Count)
        {
            throw Syntax(text, text.Length);
        }

        var token = tokens[position++];
        return token.Kind switch
        {
            TokenKind.String or TokenKind.Guid => token.Text,
            TokenKind.Word when token.Text is "true" or "false" => token.Text,
            TokenKind.Word when token.Text == "null" => null,
            _ => throw Syntax(text, token.Position),
        };
    }

    private static Token Expect(string text, List<Token> tokens, ref int position, TokenKind kind)
    {
        if (position >= tokens.Count || tokens[position].Kind != kind)
        {
            throw Syntax(text, position < tokens.Count ? tokens[position].Position : text.Length);
        }

        return tokens[position++];
    }

    private static bool IsWord(List<Token> tokens, int position, string word) =>
        position < tokens.Count && tokens[position].Kind == TokenKind.Word && string.Equals(tokens[position].Text, word, StringComparison.OrdinalIgnoreCase);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.Open : c == ')' ? TokenKind.Close : TokenKind.Comma, c.ToString(), i++));
            }
            else if (c == '\'')
            {
                // OData string literal: a quote inside is written twice.
                var start = i++;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw Syntax(text, start);
                    }

                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            value.Append('\'');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    value.Append(text[i++]);
                }

                tokens.Add(new Token(TokenKind.String, value.ToString(), start));
            }
            else if (GuidAt().Match(text, i) is { Success: true } guid && guid.Index == i)
            {
                tokens.Add(new Token(TokenKind.Guid, guid.Value, i));
                i += guid.Length;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '/' or '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, text[start..i], start));
            }
            else
            {
                throw Syntax(text, i);
            }
        }

        return tokens;
    }

    private static GraphException Syntax(string text, int position) =>
        new(400, "BadRequest", $"Invalid filter clause: Syntax error at position {position} in '{text}'.");

    [GeneratedRegex(@"\G[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9a-zA-Z_])")]
    private static partial Regex GuidAt();

    private enum TokenKind { Word, String, Guid, Open, Close, Comma }

    private sealed record Token(TokenKind Kind, string Text, int Position);
}
