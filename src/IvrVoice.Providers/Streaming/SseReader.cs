using System.Text;

namespace IvrVoice.Providers.Streaming;

/// <summary>
/// Reads server-sent events (the WHATWG event-stream format Google's <c>alt=sse</c> answers use): lines ending in LF,
/// CRLF or CR; <c>data:</c> lines of one event joined with LF; an event ends at a blank line; comments and other fields are
/// ignored. An event larger than the limit is refused instead of buffered.
/// </summary>
internal sealed class SseReader(Stream stream, int maxEventBytes)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly MemoryStream _line = new();
    private readonly StringBuilder _data = new();
    private int _start;
    private int _end;
    private bool _lastWasCr;

    /// <summary>The next event's data, or null at the end of the stream (a last event without its blank line counts).</summary>
    /// <exception cref="InvalidDataException">An event is over the limit.</exception>
    public async ValueTask<string?> ReadEventAsync(CancellationToken cancellationToken)
    {
        bool hasData = false;
        while (true)
        {
            string? line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                return hasData ? Take() : null;
            }

            if (line.Length == 0)
            {
                if (hasData)
                {
                    return Take();
                }

                continue;
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                ReadOnlySpan<char> value = line.AsSpan(5);
                if (value.StartsWith(" "))
                {
                    value = value[1..];
                }

                if (hasData)
                {
                    _data.Append('\n');
                }

                _data.Append(value);
                hasData = true;
                if (_data.Length > maxEventBytes)
                {
                    throw new InvalidDataException($"a server-sent event is over {maxEventBytes} bytes");
                }
            }
        }
    }

    private string Take()
    {
        string data = _data.ToString();
        _data.Clear();
        return data;
    }

    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.SetLength(0);
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    return _line.Length > 0 ? Decode() : null;
                }
            }

            while (_start < _end)
            {
                byte b = _buffer[_start++];
                if (_lastWasCr && b == (byte)'\n')
                {
                    _lastWasCr = false;
                    continue;   // the LF of a CRLF
                }

                _lastWasCr = b == (byte)'\r';
                if (b is (byte)'\n' or (byte)'\r')
                {
                    return Decode();
                }

                _line.WriteByte(b);
                if (_line.Length > maxEventBytes)
                {
                    throw new InvalidDataException($"a server-sent event line is over {maxEventBytes} bytes");
                }
            }
        }
    }

    private string Decode() => Encoding.UTF8.GetString(_line.GetBuffer(), 0, (int)_line.Length);
}
