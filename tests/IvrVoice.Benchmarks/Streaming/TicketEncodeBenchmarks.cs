extern alias server;

using System.Buffers.Text;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using IvrVoice.Audio;
using IvrVoice.Prompts;
using StreamItem = server::IvrVoice.Server.Streaming.StreamItem;
using StreamTickets = server::IvrVoice.Server.Streaming.StreamTickets;

namespace IvrVoice.Benchmarks.Streaming;

/// <summary>Tickets of one kind compared across qualities (grouped by parameters).</summary>
internal sealed class TicketEncodeConfig() : MicrosecondConfig("Ticket", BenchmarkLogicalGroupRule.ByParams);

/// <summary>
/// The CPU of encoding a stream ticket (the prompts a &lt;Connect&gt;&lt;Stream&gt; carries in its parameters): the former
/// Brotli stream at CompressionLevel.SmallestSize (quality 11, the baseline) against the encoder at explicit qualities,
/// on typical tickets. <c>dotnet run -c Release --project tests/IvrVoice.Benchmarks -- ticket-sizes</c> prints their sizes.
/// Run: <c>dotnet run -c Release --project tests/IvrVoice.Benchmarks -- --filter '*TicketEncode*'</c>.
/// </summary>
[Config(typeof(TicketEncodeConfig))]
public class TicketEncodeBenchmarks
{
    private IReadOnlyList<StreamItem> _items = null!;

    /// <summary>menu: one mastered menu prompt; flow: three prompts of a menu; announcement: a 1,500-character announcement.</summary>
    [Params("menu", "flow", "announcement")]
    public string Ticket { get; set; } = "menu";

    [GlobalSetup]
    public void Setup() => _items = Tickets[Ticket];

    [Benchmark(Baseline = true)]
    public string SmallestSize() => EncodeSmallestSize(_items);

    [Benchmark]
    public string Quality4() => StreamTickets.Encode(_items, 4, StreamTickets.Window);

    [Benchmark]
    public string Quality5() => StreamTickets.Encode(_items, StreamTickets.Quality, StreamTickets.Window);

    /// <summary>Typical tickets, by name.</summary>
    internal static Dictionary<string, IReadOnlyList<StreamItem>> Tickets { get; } = new()
    {
        ["menu"] = [Item("Thank you for calling Northwind Dental. For appointments, press 1. For billing, press 2. To hear these options again, press 9.")],
        ["flow"] =
        [
            Item("Welcome to Northwind Dental."),
            Item("For appointments, press 1. For billing, press 2. For our opening hours and address, press 3."),
            Item("To speak with a member of our team, stay on the line."),
        ],
        ["announcement"] = [Item(string.Join(' ', Enumerable.Range(1, 12).Select(i =>
            $"Service notice {i}: on Saturday the {i + 3}th our clinic at {100 + (i * 7)} Harbour Road closes at noon for maintenance; appointments move to the Elm Street clinic.")))],
    };

    /// <summary>Prints each typical ticket's Base64url length at quality 11 and at the shipped quality, and the JSON it compresses.</summary>
    public static int PrintSizes()
    {
        Console.WriteLine($"ticket        | SmallestSize (q11) chars | q4 chars | q{StreamTickets.Quality} chars | parameters (q11 -> q{StreamTickets.Quality})");
        foreach ((string name, IReadOnlyList<StreamItem> items) in Tickets)
        {
            int smallest = EncodeSmallestSize(items).Length;
            int q4 = StreamTickets.Encode(items, 4, StreamTickets.Window).Length;
            int shipped = StreamTickets.Encode(items).Length;
            Console.WriteLine($"{name,-13} | {smallest,24} | {q4,8} | {shipped,8} | {Pieces(smallest)} -> {Pieces(shipped)}");
        }

        // Where tickets start to be kept server-side: the longest incompressible text that still travels in the parameters.
        Console.WriteLine($"carried in at most {StreamTickets.MaxPieces} parameters: longest plain-English text at q11 {Longest(EncodeSmallestSize)}, at q{StreamTickets.Quality} {Longest(i => StreamTickets.Encode(i))} characters");
        return 0;
    }

    private static int Pieces(int length) => (length + StreamTickets.PieceLength - 1) / StreamTickets.PieceLength;

    private static int Longest(Func<IReadOnlyList<StreamItem>, string> encode)
    {
        string text = Tickets["announcement"][0].Spec.Text + " ";
        int low = 0, high = 200_000;
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            string candidate = string.Concat(Enumerable.Repeat(text, (mid / text.Length) + 1))[..mid];
            if (Pieces(encode([Item(candidate, varied: mid)]).Length) <= StreamTickets.MaxPieces)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    private static StreamItem Item(string text, int varied = 0)
    {
        // A varied text (numbers changed per sentence) so repetition does not flatter the compressor.
        if (varied > 0)
        {
            Random random = new(varied);
            text = string.Concat(text.Select(c => char.IsAsciiDigit(c) ? (char)('0' + random.Next(10)) : c));
        }

        return new StreamItem(new PromptSpec
        {
            Text = text, Voice = "Kore", Model = "gemini-2.5-flash-preview-tts", Language = "en-US", Style = "calm, friendly receptionist",
            Mastering = MasteringOptions.Default,
        }, text);
    }

    /// <summary>The former encoder, kept here as the baseline.</summary>
    private static string EncodeSmallestSize(IReadOnlyList<StreamItem> items)
    {
        byte[] json = StreamTickets.Json(items);
        using MemoryStream compressed = new();
        using (BrotliStream brotli = new(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            brotli.Write(json);
        }

        return Base64Url.EncodeToString(compressed.ToArray());
    }
}
