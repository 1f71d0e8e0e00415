using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace IvrVoice.Telephony.Signatures;

/// <summary>
/// Computes and compares one auth token's signatures without building the signed string: the URL's pieces and the sorted
/// form fields are UTF-8 encoded straight into a keyed HMAC taken from a pool, so the key is set up once per pooled
/// instance rather than once per request, and a matching request allocates nothing here. This is the one implementation
/// of what Twilio signs: <see cref="TwilioSignature.Compute(string, string, IEnumerable{KeyValuePair{string, string}}?, TwilioSignatureAlgorithm)"/>
/// signs with it too. Dispose releases the pooled HMACs (native crypto handles); a hasher used once, as
/// <see cref="TwilioSignature.Compute(string, string, IEnumerable{KeyValuePair{string, string}}?, TwilioSignatureAlgorithm)"/>
/// uses it, is disposed at once rather than left to the finalizer.
/// </summary>
internal sealed class TwilioSignatureHasher : IDisposable
{
    // Base64 of the longest digest (HMAC-SHA256, 32 bytes).
    private const int MaxSignatureChars = 44;

    private readonly HmacPool _sha1;
    private readonly HmacPool _sha256;

    public TwilioSignatureHasher(byte[] key)
    {
        _sha1 = new HmacPool(key, HashAlgorithmName.SHA1);
        _sha256 = new HmacPool(key, HashAlgorithmName.SHA256);
    }

    /// <summary>Disposes the pooled HMACs; signing afterwards throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _sha1.Dispose();
        _sha256.Dispose();
    }

    /// <summary>The Base64 signature of <paramref name="url"/> followed by the fields.</summary>
    public string Sign(string url, SortedFields fields, TwilioSignatureAlgorithm algorithm)
    {
        Span<byte> digest = stackalloc byte[32];
        int length = Digest([], url, fields, algorithm, digest);
        return Convert.ToBase64String(digest[..length]);
    }

    /// <summary>
    /// True when <paramref name="signature"/> is the Base64 signature of <paramref name="origin"/> + <paramref name="target"/>
    /// followed by the fields. The Base64 text is compared in constant time, as the official libraries compare it.
    /// </summary>
    public bool Matches(ReadOnlySpan<char> origin, ReadOnlySpan<char> target, SortedFields fields, string signature, TwilioSignatureAlgorithm algorithm)
    {
        Span<byte> digest = stackalloc byte[32];
        int length = Digest(origin, target, fields, algorithm, digest);
        Span<char> expected = stackalloc char[MaxSignatureChars];
        if (!Convert.TryToBase64Chars(digest[..length], expected, out int written))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(expected[..written]),
            MemoryMarshal.AsBytes(signature.AsSpan()));
    }

    private int Digest(ReadOnlySpan<char> origin, ReadOnlySpan<char> target, SortedFields fields, TwilioSignatureAlgorithm algorithm, Span<byte> digest)
    {
        HmacPool pool = algorithm == TwilioSignatureAlgorithm.HmacSha256 ? _sha256 : _sha1;
        Hmac hmac = pool.Rent();
        int length;
        try
        {
            hmac.Append(origin);
            hmac.Append(target);
            fields.AppendTo(hmac);
            length = hmac.Finish(digest);
        }
        catch
        {
            hmac.Dispose();
            throw;
        }

        pool.Return(hmac);
        return length;
    }

    /// <summary>
    /// A keyed HMAC and the UTF-8 encoder that feeds it; one request at a time. The encoded bytes gather in a buffer that goes
    /// to the HMAC when full and at the end, so a webhook's URL and a dozen fields cost one or two calls into the crypto
    /// library instead of two per field.
    /// </summary>
    internal sealed class Hmac(IncrementalHash hash) : IDisposable
    {
        private const int BufferBytes = 2048;

        // Stateful, so a surrogate pair split between two appended pieces encodes as it would in one concatenated string.
        private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetEncoder();
        private readonly byte[] _buffer = new byte[BufferBytes];
        private int _buffered;

        public void Append(ReadOnlySpan<char> text)
        {
            while (!text.IsEmpty)
            {
                // Room for any one character's bytes (at most 4, with a pending surrogate's 3 before it) before encoding.
                if (BufferBytes - _buffered < 8)
                {
                    Drain();
                }

                _encoder.Convert(text, _buffer.AsSpan(_buffered), flush: false, out int charsUsed, out int bytesUsed, out _);
                _buffered += bytesUsed;
                text = text[charsUsed..];
            }
        }

        /// <summary>Writes the digest and resets both the encoder and the HMAC (which keeps its key) for the next request.</summary>
        public int Finish(Span<byte> digest)
        {
            if (BufferBytes - _buffered < 8)
            {
                Drain();
            }

            _encoder.Convert([], _buffer.AsSpan(_buffered), flush: true, out _, out int bytesUsed, out _);
            _buffered += bytesUsed;
            Drain();
            return hash.GetHashAndReset(digest);
        }

        public void Dispose() => hash.Dispose();

        private void Drain()
        {
            hash.AppendData(_buffer.AsSpan(0, _buffered));
            _buffered = 0;
        }
    }

    /// <summary>Keyed HMAC instances for one key and algorithm, lent to one request at a time.</summary>
    private sealed class HmacPool(byte[] key, HashAlgorithmName algorithm) : IDisposable
    {
        private readonly Hmac?[] _items = new Hmac?[Math.Max(4, Environment.ProcessorCount * 2)];
        private volatile bool _disposed;

        public Hmac Rent()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int i = 0; i < _items.Length; i++)
            {
                if (Interlocked.Exchange(ref _items[i], null) is { } item)
                {
                    return item;
                }
            }

            return new Hmac(IncrementalHash.CreateHMAC(algorithm, key));
        }

        public void Return(Hmac hmac)
        {
            for (int i = 0; i < _items.Length; i++)
            {
                if (Interlocked.CompareExchange(ref _items[i], hmac, null) is null)
                {
                    // Disposed meanwhile: take it back out (unless Dispose already did) so nothing is left undisposed.
                    if (_disposed && Interlocked.Exchange(ref _items[i], null) is { } late)
                    {
                        late.Dispose();
                    }

                    return;
                }
            }

            hmac.Dispose();
        }

        public void Dispose()
        {
            _disposed = true;
            for (int i = 0; i < _items.Length; i++)
            {
                Interlocked.Exchange(ref _items[i], null)?.Dispose();
            }
        }
    }
}

/// <summary>
/// Form fields in the order Twilio signs them (ordinal by key; equal keys keep their order), held in a pooled array.
/// Dispose returns the array.
/// </summary>
internal readonly struct SortedFields : IDisposable
{
    private readonly Field[]? _fields;
    private readonly int _count;

    private SortedFields(Field[] fields, int count)
    {
        _fields = fields;
        _count = count;
    }

    public bool IsEmpty => _count == 0;

    public static SortedFields From(IEnumerable<KeyValuePair<string, StringValues>>? form)
    {
        if (form is null)
        {
            return default;
        }

        Field[] fields;
        int count = 0;
        if (form is FormCollection collection)
        {
            // FormCollection's own struct enumerator: no enumerator object per request.
            if (collection.Count == 0)
            {
                return default;
            }

            fields = ArrayPool<Field>.Shared.Rent(collection.Count);
            foreach (KeyValuePair<string, StringValues> pair in collection)
            {
                fields[count] = new Field(pair.Key, pair.Value, count);
                count++;
            }
        }
        else
        {
            KeyValuePair<string, StringValues>[] pairs = form as KeyValuePair<string, StringValues>[] ?? [.. form];
            if (pairs.Length == 0)
            {
                return default;
            }

            fields = ArrayPool<Field>.Shared.Rent(pairs.Length);
            foreach (KeyValuePair<string, StringValues> pair in pairs)
            {
                fields[count] = new Field(pair.Key, pair.Value, count);
                count++;
            }
        }

        fields.AsSpan(0, count).Sort(static (a, b) =>
        {
            int byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : a.Order.CompareTo(b.Order);
        });
        return new SortedFields(fields, count);
    }

    public void AppendTo(TwilioSignatureHasher.Hmac hmac)
    {
        for (int i = 0; i < _count; i++)
        {
            Field field = _fields![i];
            if (field.Values.Count == 1)
            {
                hmac.Append(field.Key);
                hmac.Append(field.Values[0]);
                continue;
            }

            // The Node library signs a repeated key as each distinct value in sorted order; the C# library would comma-join
            // instead. Twilio's voice webhooks never repeat a key, so this only matters for agreement with the Node oracle.
            foreach (string? value in field.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                hmac.Append(field.Key);
                hmac.Append(value);
            }
        }
    }

    public void Dispose()
    {
        if (_fields is not null)
        {
            ArrayPool<Field>.Shared.Return(_fields, clearArray: true);
        }
    }

    internal readonly record struct Field(string Key, StringValues Values, int Order);
}
