using System.Net;
using System.Text;

namespace Az.StackHCI.Lab.Proxy;

/// <summary>
/// The head of one request to a proxy (request line and headers). Read a byte at a time, so none of the bytes that
/// follow the head (a tunnel's first TLS record, a request body) is taken from the connection.
/// </summary>
internal sealed class ProxyRequest
{
    private const int MaxHeadBytes = 32 * 1024;

    private ProxyRequest(string method, string target, string version, List<KeyValuePair<string, string>> headers)
    {
        Method = method;
        Target = target;
        Version = version;
        Headers = headers;
    }

    public string Method { get; }

    /// <summary>host:port for CONNECT, an absolute URI for a forwarded request.</summary>
    public string Target { get; }

    public string Version { get; }

    public List<KeyValuePair<string, string>> Headers { get; }

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Whether the connection may carry another request after an answer of the proxy's own.</summary>
    public bool KeepAlive =>
        Version == "HTTP/1.1" && Header("Content-Length") is null or "0" && Header("Transfer-Encoding") is null
        && !string.Equals(Header("Proxy-Connection") ?? Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);

    /// <summary>The next request on the connection; null when the client closed it between requests.</summary>
    public static async Task<ProxyRequest?> ReadAsync(Stream stream, CancellationToken cancel)
    {
        var head = await ReadHeadAsync(stream, cancel);
        if (head is null)
        {
            return null;
        }

        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Not an HTTP/1.x request line: '{lines[0]}'.");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new InvalidDataException($"Not a header: '{line}'.");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        return new ProxyRequest(parts[0], parts[1], parts[2], headers);
    }

    /// <summary>Bytes up to the blank line that ends a head (request or response), without it; null at a clean end of stream.</summary>
    public static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken cancel)
    {
        var head = new List<byte>(512);
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancel) == 0)
            {
                return head.Count == 0 ? null : throw new EndOfStreamException("The connection closed within a head.");
            }

            if (head.Count == MaxHeadBytes)
            {
                throw new InvalidDataException("The head is too long.");
            }

            head.Add(one[0]);
        }

        return Encoding.Latin1.GetString(head.ToArray(), 0, head.Count - 4);
    }
}

/// <summary>Where a proxy request wants to go; only the loopback is allowed, so the lab never reaches out.</summary>
internal sealed record ProxyTarget(string Host, int Port)
{
    /// <summary>host:port, [v6]:port; null if it is neither.</summary>
    public static ProxyTarget? FromAuthority(string authority)
    {
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        var host = authority[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return host.Length == 0 ? null : new ProxyTarget(host, port);
    }

    /// <summary>An absolute http URI; null for anything else (https goes through CONNECT).</summary>
    public static ProxyTarget? FromAbsoluteUri(string target, out Uri? uri)
    {
        uri = Uri.TryCreate(target, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttp ? parsed : null;
        return uri is null ? null : new ProxyTarget(uri.DnsSafeHost, uri.Port);
    }

    /// <summary>localhost or a loopback address; names are never looked up, which would reach out already.</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>The addresses to try, IPv4 first: the lab's services listen on 127.0.0.1.</summary>
    public IPAddress[] Addresses =>
        IPAddress.TryParse(Host, out var address) ? new[] { address } : new[] { IPAddress.Loopback, IPAddress.IPv6Loopback };
}
