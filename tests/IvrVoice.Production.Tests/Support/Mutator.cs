using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IvrVoice.Production.Tests.Support;

/// <summary>
/// Seeded mutations of valid inputs: byte-level (flips, interesting bytes, cuts, splices, insertions), WAV-aware (chunk sizes and
/// format fields set to boundary values) and JSON-aware (a node replaced by another type, an extreme number, a huge or odd
/// string, deep nesting, or removed). The same seed always gives the same sequence.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)',', (byte)':'];
    private static readonly uint[] InterestingSizes = [0, 1, 2, 3, 15, 16, 17, 18, 40, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF, 0xFFFF_1000];
    private static readonly ushort[] InterestingShorts = [0, 1, 2, 3, 6, 7, 8, 0xFFFE, 0xFFFF, 0x7FFF, 0x8000, 24, 32, 64, 65];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    /// <summary>One mutation of <paramref name="input"/>, JSON-aware when it parses as JSON and WAV-aware when it is RIFF.</summary>
    public byte[] Mutate(byte[] input)
    {
        if (input.Length > 0 && input[0] is (byte)'{' or (byte)'[' && _random.Next(3) > 0 && TryMutateJson(input) is { } json)
        {
            return json;
        }

        if (input.Length >= 12 && input.AsSpan(0, 4).SequenceEqual("RIFF"u8) && _random.Next(2) == 0)
        {
            return MutateWav(input);
        }

        return MutateBytes(input);
    }

    /// <summary>1 to 3 stacked byte-level mutations.</summary>
    public byte[] MutateBytes(byte[] input)
    {
        byte[] data = input;
        int rounds = 1 + _random.Next(3);
        for (int r = 0; r < rounds; r++)
        {
            data = _random.Next(8) switch
            {
                0 => FlipBits(data),
                1 => SetInterestingByte(data),
                2 => Truncate(data),
                3 => DeleteRange(data),
                4 => DuplicateRange(data),
                5 => InsertRandom(data),
                6 => OverwriteRandom(data),
                _ => data.Length == 0 ? data : data[_random.Next(data.Length)..],
            };
        }

        return data;
    }

    /// <summary>A RIFF/WAVE file with a chunk size or a format field set to a boundary value (then maybe a byte mutation on top).</summary>
    public byte[] MutateWav(byte[] input)
    {
        byte[] data = (byte[])input.Clone();
        List<(int Offset, string Id)> chunks = [];
        for (int at = 12; at + 8 <= data.Length && chunks.Count < 32;)
        {
            chunks.Add((at, Encoding.ASCII.GetString(data, at, 4)));
            long size = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 4));
            long next = at + 8 + size + (size & 1);
            if (next <= at || next > data.Length)
            {
                break;
            }

            at = (int)next;
        }

        switch (_random.Next(5))
        {
            case 0:
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), Pick(InterestingSizes));
                break;
            case 1 when chunks.Count > 0:
                (int offset, _) = chunks[_random.Next(chunks.Count)];
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset + 4), Pick(InterestingSizes));
                break;
            case 2 when chunks.FirstOrDefault(c => c.Id == "fmt ") is { Id: not null } fmt && fmt.Offset + 24 <= data.Length:
                // fmt fields: tag, channels, rate, byte rate, block align, bits (and extensible's sub-format beyond).
                int field = _random.Next(6);
                int position = fmt.Offset + 8 + (field switch { 0 => 0, 1 => 2, 2 => 4, 3 => 8, 4 => 12, _ => 14 });
                if (field is 2 or 3)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(position), Pick(InterestingSizes));
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(position), Pick(InterestingShorts));
                }

                break;
            case 3 when chunks.Count > 1:
                // Swap two chunk ids: data before fmt, two fmt chunks, no data.
                (int a, string aId) = chunks[_random.Next(chunks.Count)];
                (int b, string bId) = chunks[_random.Next(chunks.Count)];
                Encoding.ASCII.GetBytes(bId).CopyTo(data, a);
                Encoding.ASCII.GetBytes(aId).CopyTo(data, b);
                break;
            default:
                return MutateBytes(data);
        }

        return _random.Next(4) == 0 ? MutateBytes(data) : data;
    }

    /// <summary>A JSON document with one node replaced or removed, or null when <paramref name="input"/> is not JSON.</summary>
    public byte[]? TryMutateJson(byte[] input)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(input);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is null)
        {
            return null;
        }

        List<(JsonNode? Parent, string? Property, int Index, JsonNode? Node)> slots = [];
        Collect(root, null, null, -1, slots);
        (JsonNode? parent, string? property, int index, JsonNode? node) = slots[_random.Next(slots.Count)];
        bool remove = parent is not null && _random.Next(5) == 0;
        JsonNode? replacement = remove ? null : Replacement(node);
        switch (parent)
        {
            case null:
                root = replacement ?? JsonValue.Create("");
                break;
            case JsonObject obj when remove:
                obj.Remove(property!);
                break;
            case JsonObject obj when _random.Next(6) == 0:
                // Same value under a near-miss name, or the name in another case.
                obj.Remove(property!);
                obj[_random.Next(2) == 0 ? property!.ToUpperInvariant() : property + "_"] = node?.DeepClone();
                break;
            case JsonObject obj:
                obj[property!] = replacement;
                break;
            case JsonArray array when remove:
                array.RemoveAt(index);
                break;
            case JsonArray array:
                array[index] = replacement;
                break;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private JsonNode? Replacement(JsonNode? original) => _random.Next(16) switch
    {
        0 => null,
        1 => JsonValue.Create(true),
        2 => JsonValue.Create(0),
        3 => JsonValue.Create(-1),
        4 => JsonValue.Create(1e308),
        5 => JsonNode.Parse("123456789012345678901234567890"),
        6 => JsonValue.Create(""),
        7 => JsonValue.Create(new string('A', 1 + _random.Next(200_000))),
        8 => JsonValue.Create(OddString()),
        9 => new JsonObject(),
        10 => new JsonArray(),
        // Deeper than System.Text.Json's default limit of 64, which parsers must survive.
        11 => JsonNode.Parse(new string('[', 100) + new string(']', 100), documentOptions: new JsonDocumentOptions { MaxDepth = 256 }),
        12 => new JsonArray(original?.DeepClone(), original?.DeepClone()),
        13 => original is JsonValue value && value.TryGetValue(out string? text) ? JsonValue.Create(MutateText(text)) : JsonValue.Create("x"),
        14 => JsonValue.Create(-2147483649L),
        _ => JsonValue.Create(double.Epsilon),
    };

    private string OddString() => _random.Next(8) switch
    {
        0 => "\u0000\u0001\u001f",
        1 => "https://169.254.169.254/latest/meta-data/",
        2 => "http://example.com/audio.wav",
        3 => "file:///etc/passwd",
        4 => "../../../../etc/passwd",
        5 => "\ud83d\ude00\u200b\u202e\ufeff",
        6 => "COMPLETED",
        _ => "not base64 !!",
    };

    private string MutateText(string text)
    {
        if (text.Length == 0)
        {
            return "=";
        }

        char[] chars = text.ToCharArray();
        int changes = 1 + _random.Next(4);
        for (int i = 0; i < changes; i++)
        {
            chars[_random.Next(chars.Length)] = "=/+-_ \u00e9%"[_random.Next(8)];
        }

        return _random.Next(3) == 0 ? new string(chars, 0, _random.Next(chars.Length)) : new string(chars);
    }

    private static void Collect(JsonNode? node, JsonNode? parent, string? property, int index, List<(JsonNode?, string?, int, JsonNode?)> slots)
    {
        slots.Add((parent, property, index, node));
        switch (node)
        {
            case JsonObject obj:
                foreach ((string name, JsonNode? child) in obj.ToList())
                {
                    Collect(child, obj, name, -1, slots);
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    Collect(array[i], array, null, i, slots);
                }

                break;
        }
    }

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];

    private byte[] FlipBits(byte[] data)
    {
        if (data.Length == 0)
        {
            return data;
        }

        byte[] copy = (byte[])data.Clone();
        int flips = 1 + _random.Next(8);
        for (int i = 0; i < flips; i++)
        {
            copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        }

        return copy;
    }

    private byte[] SetInterestingByte(byte[] data)
    {
        if (data.Length == 0)
        {
            return [Pick(InterestingBytes)];
        }

        byte[] copy = (byte[])data.Clone();
        // Headers matter most: aim at the first 64 bytes half of the time.
        int at = _random.Next(2) == 0 ? _random.Next(Math.Min(64, copy.Length)) : _random.Next(copy.Length);
        copy[at] = Pick(InterestingBytes);
        return copy;
    }

    private byte[] Truncate(byte[] data) => data.Length == 0 ? data : data[.._random.Next(data.Length)];

    private byte[] DeleteRange(byte[] data)
    {
        if (data.Length < 2)
        {
            return data;
        }

        int start = _random.Next(data.Length);
        int length = 1 + _random.Next(Math.Min(64, data.Length - start));
        return [.. data[..start], .. data[(start + length)..]];
    }

    private byte[] DuplicateRange(byte[] data)
    {
        if (data.Length == 0)
        {
            return data;
        }

        int start = _random.Next(data.Length);
        int length = 1 + _random.Next(Math.Min(256, data.Length - start));
        int at = _random.Next(data.Length + 1);
        return [.. data[..at], .. data.AsSpan(start, length), .. data[at..]];
    }

    private byte[] InsertRandom(byte[] data)
    {
        byte[] noise = new byte[1 + _random.Next(32)];
        _random.NextBytes(noise);
        int at = _random.Next(data.Length + 1);
        return [.. data[..at], .. noise, .. data[at..]];
    }

    private byte[] OverwriteRandom(byte[] data)
    {
        if (data.Length == 0)
        {
            return data;
        }

        byte[] copy = (byte[])data.Clone();
        int start = _random.Next(copy.Length);
        _random.NextBytes(copy.AsSpan(start, Math.Min(copy.Length - start, 1 + _random.Next(16))));
        return copy;
    }
}
