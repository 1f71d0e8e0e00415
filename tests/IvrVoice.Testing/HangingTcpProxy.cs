using System.Net;
using System.Net.Sockets;

namespace IvrVoice.Testing;

/// <summary>
/// A TCP relay on a loopback port in front of a real server (PostgreSQL in the tests) that can be made to <em>hang</em>:
/// while hung it still accepts connections but forwards nothing in either direction, on new and existing connections alike,
/// which is what a database stopped with SIGSTOP (or a half-dead network path) looks like to a client. With no target at all
/// it is a listener that accepts and never answers. Nothing in it speaks the protocol; the real server does.
/// </summary>
public sealed class HangingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly (string Host, int Port)? _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _accepting;
    private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _accepted;

    /// <param name="target">Where to relay to; null makes a listener that never answers.</param>
    /// <param name="hung">Start hung.</param>
    public HangingTcpProxy((string Host, int Port)? target, bool hung = false)
    {
        _target = target;
        if (!hung)
        {
            _open.TrySetResult();
        }

        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Stops forwarding; connections stay open and silent.</summary>
    public void Hang()
    {
        TaskCompletionSource open = Volatile.Read(ref _open);
        if (open.Task.IsCompleted)
        {
            Volatile.Write(ref _open, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>Forwards again, including what was held while hung.</summary>
    public void Resume() => Volatile.Read(ref _open).TrySetResult();

    /// <summary>The connection string <paramref name="connectionString"/> pointed at this relay (Host and Port replaced).</summary>
    public string Redirect(string connectionString)
    {
        System.Data.Common.DbConnectionStringBuilder builder = new() { ConnectionString = connectionString };
        foreach (string key in new[] { "Host", "Server", "Port" })
        {
            builder.Remove(key);
        }

        builder["Host"] = "127.0.0.1";
        builder["Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return builder.ConnectionString;
    }

    /// <summary>Host and port of the server a connection string names.</summary>
    public static (string Host, int Port) TargetOf(string connectionString)
    {
        System.Data.Common.DbConnectionStringBuilder builder = new() { ConnectionString = connectionString };
        string host = builder.TryGetValue("Host", out object? h) ? h.ToString()! : builder.TryGetValue("Server", out object? s) ? s.ToString()! : "127.0.0.1";
        int port = builder.TryGetValue("Port", out object? p) ? int.Parse(p.ToString()!, System.Globalization.CultureInfo.InvariantCulture) : 5432;
        return (host, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (TcpClient client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            Interlocked.Increment(ref _accepted);
            Track(client);
            if (_target is { } target)
            {
                _ = RelayAsync(client, target);
            }
        }
    }

    private async Task RelayAsync(TcpClient client, (string Host, int Port) target)
    {
        using TcpClient server = new();
        Track(server);
        try
        {
            await server.ConnectAsync(target.Host, target.Port, _stopping.Token);
            NetworkStream toClient = client.GetStream();
            NetworkStream toServer = server.GetStream();
            await Task.WhenAny(PumpAsync(toClient, toServer), PumpAsync(toServer, toClient));
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            int read = await from.ReadAsync(buffer, _stopping.Token);
            if (read == 0)
            {
                return;
            }

            // While hung, what was read is held, not lost: a stopped process keeps its socket buffers too.
            await Volatile.Read(ref _open).Task.WaitAsync(_stopping.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }

    private void Track(TcpClient client)
    {
        lock (_clients)
        {
            _clients.Add(client);
        }
    }
}
