using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Az.StackHCI.Lab.Hosting;

namespace Az.StackHCI.Lab.Proxy;

/// <summary>
/// An HTTP/1.1 proxy on the loopback (127.0.0.1 and [::1] on one port, so http://localhost:port/ works whichever
/// address a client's resolver gives first): CONNECT tunnels and absolute-URI requests to loopback targets only
/// (403 for anything else), Basic proxy authentication when it has a credential (407 with a challenge otherwise).
/// Every request is a journal line. Subclasses change what a tunnel carries (see <see cref="InspectingProxy"/>).
/// </summary>
internal class ProxyServer : IAsyncDisposable
{
    public const string Realm = "AzStackHCILab";

    private readonly RequestJournal _journal;
    private readonly string? _expectedAuthorization;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _listeners = new();
    private readonly List<Task> _loops = new();
    private long _requests;

    public ProxyServer(string name, RequestJournal journal, NetworkCredential? credential = null)
    {
        Name = name;
        _journal = journal;
        Credential = credential;
        _expectedAuthorization = credential is null
            ? null
            : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.UserName}:{credential.Password}"));
    }

    /// <summary>forwarding, authenticated or inspecting: the journal's "proxy" field.</summary>
    public string Name { get; }

    public NetworkCredential? Credential { get; }

    public int Port { get; private set; }

    public Uri Uri => new($"http://localhost:{Port}/");

    public long RequestCount => Interlocked.Read(ref _requests);

    public void Start()
    {
        // [::1] must get the port 127.0.0.1 got; another process may hold it there, so try a few ports. Without
        // IPv6 on the loopback at all, 127.0.0.1 alone is enough (connecting to [::1] fails at once and clients go on).
        for (var attempt = 0; ; attempt++)
        {
            var v4 = Listen(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)v4.LocalEndPoint!).Port;
            try
            {
                _listeners.Add(Listen(new IPEndPoint(IPAddress.IPv6Loopback, Port)));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 10)
            {
                v4.Dispose();
                continue;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported)
            {
            }

            _listeners.Add(v4);
            break;
        }

        foreach (var listener in _listeners)
        {
            _loops.Add(AcceptAsync(listener));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    /// <summary>The connection to the target, once TCP is up: as it is here; TLS of the proxy's own when inspecting.</summary>
    protected virtual Task<Stream> OpenUpstreamAsync(Socket upstream, ProxyTarget target, CancellationToken cancel) =>
        Task.FromResult<Stream>(new NetworkStream(upstream, ownsSocket: false));

    /// <summary>The client's side of a tunnel after the 200: as it is here; TLS terminated by the proxy when inspecting.</summary>
    protected virtual Task<Stream> AcceptClientAsync(Stream client, ProxyTarget target, CancellationToken cancel) =>
        Task.FromResult(client);

    private static Socket Listen(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(endpoint);
            socket.Listen(128);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        Socket? upstream = null;
        // Stopping the lab ends open tunnels too.
        using var stopping = _stop.Token.Register(() =>
        {
            client.Dispose();
            upstream?.Dispose();
        });
        try
        {
            using var clientStream = new NetworkStream(client, ownsSocket: false);
            while (await ProxyRequest.ReadAsync(clientStream, _stop.Token) is { } request)
            {
                Interlocked.Increment(ref _requests);
                var watch = Stopwatch.StartNew();
                var (status, principal) = await AdmitAsync(request, clientStream);
                if (status != 0)
                {
                    _journal.WriteProxy(Name, request.Method, request.Target, status, principal, watch.Elapsed);
                    if (request.KeepAlive)
                    {
                        continue;
                    }

                    return;
                }

                upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { DualMode = true, NoDelay = true };
                await (request.Method == "CONNECT"
                    ? TunnelAsync(request, clientStream, client, upstream, principal, watch)
                    : ForwardAsync(request, clientStream, client, upstream, principal, watch));
                return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or ObjectDisposedException
            or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // The client or the target went away, or spoke something else than HTTP: nothing to answer.
        }
        finally
        {
            upstream?.Dispose();
            client.Dispose();
        }
    }

    /// <summary>0 when the request may go on; else the status the proxy answered it with itself.</summary>
    private async Task<(int Status, string? Principal)> AdmitAsync(ProxyRequest request, Stream client)
    {
        string? principal = null;
        if (_expectedAuthorization is not null)
        {
            var given = request.Header("Proxy-Authorization") ?? "";
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(_expectedAuthorization)))
            {
                await AnswerAsync(client, request, 407, "Proxy Authentication Required", "The lab proxy needs Basic credentials.",
                    $"Proxy-Authenticate: Basic realm=\"{Realm}\"");
                return (407, null);
            }

            principal = Credential!.UserName;
        }

        var target = Target(request);
        if (target is null)
        {
            await AnswerAsync(client, request, 400, "Bad Request", $"'{request.Target}' is neither host:port for CONNECT nor an absolute http URI.");
            return (400, principal);
        }

        if (!target.IsLoopback)
        {
            await AnswerAsync(client, request, 403, "Forbidden", $"The lab proxy reaches the loopback only, not '{target.Host}'.");
            return (403, principal);
        }

        return (0, principal);
    }

    private async Task TunnelAsync(ProxyRequest request, NetworkStream client, Socket clientSocket, Socket upstream, string? principal, Stopwatch watch)
    {
        var target = Target(request)!;
        Stream upstreamStream;
        try
        {
            await upstream.ConnectAsync(target.Addresses, target.Port, _stop.Token);
            upstreamStream = await OpenUpstreamAsync(upstream, target, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            await AnswerAsync(client, request, 502, "Bad Gateway", $"The lab proxy could not reach {request.Target}: {e.Message}");
            _journal.WriteProxy(Name, request.Method, request.Target, 502, principal, watch.Elapsed);
            return;
        }

        await using (upstreamStream)
        {
            await client.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), _stop.Token);
            _journal.WriteProxy(Name, request.Method, request.Target, 200, principal, watch.Elapsed);
            await using var clientSide = await AcceptClientAsync(client, target, _stop.Token);
            await RelayAsync(clientSide, clientSocket, upstreamStream, upstream);
        }
    }

    /// <summary>An absolute-URI request: sent on in origin form with Connection: close, then relayed like a tunnel.</summary>
    private async Task ForwardAsync(ProxyRequest request, NetworkStream client, Socket clientSocket, Socket upstream, string? principal, Stopwatch watch)
    {
        var target = ProxyTarget.FromAbsoluteUri(request.Target, out var uri)!;
        try
        {
            await upstream.ConnectAsync(target.Addresses, target.Port, _stop.Token);
        }
        catch (SocketException e)
        {
            await AnswerAsync(client, request, 502, "Bad Gateway", $"The lab proxy could not reach {uri!.Authority}: {e.Message}");
            _journal.WriteProxy(Name, request.Method, request.Target, 502, principal, watch.Elapsed);
            return;
        }

        using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
        var head = new StringBuilder($"{request.Method} {uri!.PathAndQuery} {request.Version}\r\n");
        foreach (var (name, value) in request.Headers.Where(h => !IsHopByHop(h.Key)))
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        await upstreamStream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), _stop.Token);

        // The body (if any) goes on while the answer's head comes back; the head gives the journal its status.
        var body = Pump(client, upstreamStream, upstream, clientSocket);
        var answer = await ProxyRequest.ReadHeadAsync(upstreamStream, _stop.Token) ?? throw new EndOfStreamException();
        var status = int.TryParse(answer.Split(' ').ElementAtOrDefault(1), out var code) ? code : 502;
        _journal.WriteProxy(Name, request.Method, request.Target, status, principal, watch.Elapsed);
        await client.WriteAsync(Encoding.Latin1.GetBytes(answer + "\r\n\r\n"), _stop.Token);
        await Task.WhenAll(body, Pump(upstreamStream, client, clientSocket, upstream));
    }

    private static bool IsHopByHop(string header) =>
        header.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Connection", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase);

    private static ProxyTarget? Target(ProxyRequest request) =>
        request.Method == "CONNECT" ? ProxyTarget.FromAuthority(request.Target) : ProxyTarget.FromAbsoluteUri(request.Target, out _);

    private static Task RelayAsync(Stream client, Socket clientSocket, Stream upstream, Socket upstreamSocket) =>
        Task.WhenAll(Pump(client, upstream, upstreamSocket, clientSocket), Pump(upstream, client, clientSocket, upstreamSocket));

    /// <summary>
    /// One direction of a relay. Its end is passed on as an end (TLS close_notify, then FIN), so the other direction
    /// can still finish; a broken connection ends both.
    /// </summary>
    private static async Task Pump(Stream from, Stream to, Socket toSocket, Socket fromSocket)
    {
        try
        {
            await from.CopyToAsync(to);
            if (to is SslStream tls)
            {
                await tls.ShutdownAsync();
            }

            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            toSocket.Dispose();
            fromSocket.Dispose();
        }
    }

    private async Task AnswerAsync(Stream client, ProxyRequest request, int status, string reason, string message, string? header = null)
    {
        var body = Encoding.UTF8.GetBytes(message + "\n");
        var head = $"HTTP/1.1 {status} {reason}\r\n" + (header is null ? "" : header + "\r\n")
            + $"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\n"
            + (request.KeepAlive ? "" : "Connection: close\r\n") + "\r\n";
        await client.WriteAsync(Encoding.Latin1.GetBytes(head).Concat(body).ToArray(), _stop.Token);
    }
}
