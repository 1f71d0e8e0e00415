using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Streaming;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Server.Tests;

/// <summary>A stream's signed parameters: carried in the TwiML when they fit, kept server-side (the hand-off store) when not.</summary>
public sealed class StreamTicketTests
{
    private const string CallSid = "CA7000000000000000000000000000000a";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private StreamTickets Tickets(IHandoffStore store) => new(
        Options.Create(new ServiceOptions { UrlSigningKey = "ticket-test-key" }),
        Options.Create(new StreamingOptions { TicketLifetime = TimeSpan.FromMinutes(5) }),
        _time, store, NullLogger<StreamTickets>.Instance);

    /// <summary>Text that does not compress: <paramref name="characters"/> pseudo-random CJK characters.</summary>
    private static StreamItem Item(int characters, int seed = 1)
    {
        Random random = new(seed);
        string text = string.Concat(Enumerable.Range(0, characters).Select(_ => (char)random.Next(0x4E00, 0x9FA5)));
        return new StreamItem(new PromptSpec { Text = text, Voice = "Leda", Model = "gemini-2.5-flash-preview-tts", Language = "cmn-CN", Mastering = IvrVoice.Audio.MasteringOptions.Disabled }, text);
    }

    [Fact]
    public async Task CreateAsync_PromptsThatFit_TravelInTheParametersAndNothingIsStored()
    {
        MemoryHandoffStoreProbe store = new(_time);
        StreamTickets sut = Tickets(store);

        List<KeyValuePair<string, string>> parameters = (await sut.CreateAsync([Item(40)], CallSid, StreamInput.None, CancellationToken.None))!;

        Assert.Contains(parameters, p => p.Key == "p0");
        Assert.DoesNotContain(parameters, p => p.Key == "ref");
        Assert.Equal(0, store.Puts);
        StreamTicket back = await sut.VerifyAsync(parameters.ToDictionary(), CallSid, CancellationToken.None);
        Assert.Equal(StreamTicketCheck.Valid, back.Check);
        Assert.Equal(40, back.Items[0].Spec.Text.Length);
    }

    [Fact]
    public async Task CreateAsync_PromptsTooLongForTheParameters_AreKeptServerSideAndReadBack()
    {
        MemoryHandoffStoreProbe store = new(_time);
        StreamTickets sut = Tickets(store);
        StreamItem[] items = [Item(3000, seed: 1), Item(3000, seed: 2)];

        List<KeyValuePair<string, string>> parameters = (await sut.CreateAsync(items, CallSid, new StreamInput(1, "#", 5), CancellationToken.None))!;

        Assert.Contains(parameters, p => p.Key == "ref");
        Assert.DoesNotContain(parameters, p => p.Key == "p0");
        Assert.All(parameters, p => Assert.True(p.Key.Length + p.Value.Length < 500));
        Assert.Equal(1, store.Puts);
        StreamTicket back = await sut.VerifyAsync(parameters.ToDictionary(), CallSid, CancellationToken.None);
        Assert.Equal(StreamTicketCheck.Valid, back.Check);
        Assert.Equal(items.Select(i => i.Spec.Text), back.Items.Select(i => i.Spec.Text));
        Assert.Equal(new StreamInput(1, "#", 5), back.Input);
    }

    [Fact]
    public async Task VerifyAsync_KeptPromptsForgedOrReplayedOrGone_AreRefused()
    {
        MemoryHandoffStoreProbe store = new(_time);
        StreamTickets sut = Tickets(store);
        Dictionary<string, string> parameters = (await sut.CreateAsync([Item(9000)], CallSid, StreamInput.None, CancellationToken.None))!.ToDictionary();

        Dictionary<string, string> forged = new(parameters) { ["ref"] = "AAAAAAAAAAAAAAAAAAAAAA" };
        Assert.Equal(StreamTicketCheck.SignatureMismatch, (await sut.VerifyAsync(forged, CallSid, CancellationToken.None)).Check);
        Assert.Equal(StreamTicketCheck.SignatureMismatch, (await sut.VerifyAsync(parameters, "CA7000000000000000000000000000000b", CancellationToken.None)).Check);

        // Another node without the shared store (a fresh memory store) does not hold them: refused, so the flow falls back.
        Assert.Equal(StreamTicketCheck.Unavailable, (await Tickets(new MemoryHandoffStoreProbe(_time)).VerifyAsync(parameters, CallSid, CancellationToken.None)).Check);

        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(StreamTicketCheck.Expired, (await sut.VerifyAsync(parameters, CallSid, CancellationToken.None)).Check);
    }

    /// <summary>A store in a dictionary, with expiry on the test's clock, counting writes.</summary>
    private sealed class MemoryHandoffStoreProbe(TimeProvider time) : IHandoffStore
    {
        private readonly Dictionary<string, (string Value, DateTimeOffset Expires)> _entries = [];

        public int Puts { get; private set; }

        public bool Shared => false;

        public Task PutAsync(string key, string value, TimeSpan lifetime, CancellationToken cancellationToken)
        {
            Puts++;
            _entries[key] = (value, time.GetUtcNow() + lifetime);
            return Task.CompletedTask;
        }

        public Task<string?> GetAsync(string key, CancellationToken cancellationToken) =>
            Task.FromResult(_entries.TryGetValue(key, out var entry) && entry.Expires > time.GetUtcNow() ? entry.Value : null);

        public Task<string?> TakeAsync(string key, CancellationToken cancellationToken) =>
            Task.FromResult(_entries.Remove(key, out var entry) && entry.Expires > time.GetUtcNow() ? entry.Value : null);
    }
}
