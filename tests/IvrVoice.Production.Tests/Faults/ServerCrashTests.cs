extern alias emulator;

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using Xunit.Abstractions;

namespace IvrVoice.Production.Tests.Faults;

/// <summary>
/// kill -9 of the server while it renders and writes prompts to its disk cache, several times over the same cache folder:
/// no entry may be left corrupt (only temporary files), every prompt the API acknowledged must survive, and a restart must
/// verify the cache, delete the leftovers and remove entries damaged on disk (two are damaged on purpose), then serve and
/// re-render as before. The cache is judged by <see cref="DiskCacheInspector"/>, which knows only the documented format.
/// </summary>
public sealed class ServerCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Writers = 6;

    private readonly TempDirectory _folder = new("ivrvoice-crash-");
    private TtsEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task KillDuringCacheWrites_LeavesNoCorruptEntry_AndARestartRepairsAndServesEveryAcknowledgedPrompt()
    {
        string cache = _folder.File("cache");
        Dictionary<string, string?> settings = ServiceSettings.For(cache, Repository.SamplePrompts, _emulator, "gemini");
        settings["Cache:Disk:VerifyOnStart"] = "true";
        settings["Service:RequireTwilioSignatureForMedia"] = "false";
        settings["Service:RateLimit:PermitsPerMinute"] = "100000";
        settings["Service:RateLimit:Burst"] = "10000";
        settings["Serilog:MinimumLevel:Default"] = "Information";
        ConcurrentDictionary<string, string> acknowledged = new(StringComparer.Ordinal);
        int entries = 0;
        int texts = 0;

        for (int round = 1; round <= SuiteSize.KillRounds; round++)
        {
            await using ServiceProcess service = await ServiceProcess.StartAsync(settings, _folder.Path);
            using HttpClient client = new() { BaseAddress = service.Url };
            using CancellationTokenSource stop = new();
            int target = acknowledged.Count + 25;
            Task[] writers = [.. Enumerable.Range(0, Writers).Select(_ => Task.Run(() => WriteAsync(client, acknowledged, () => Interlocked.Increment(ref texts), stop.Token)))];
            while (acknowledged.Count < target)
            {
                Assert.False(service.HasExited, service.Output);
                await Task.Delay(5);
            }

            // Land the kill at an arbitrary point of the writes in flight.
            await Task.Delay(Random.Shared.Next(0, 20));
            await service.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            DiskCacheReport afterKill = DiskCacheInspector.Inspect(cache);
            output.WriteLine($"round {round}: killed with {acknowledged.Count} acknowledged; cache: {afterKill}");
            Assert.Empty(afterKill.Corrupt);
            string[] lost = [.. acknowledged.Keys.Where(k => !afterKill.Intact.ContainsKey(k))];
            Assert.True(lost.Length == 0, $"{lost.Length} prompts the API acknowledged are not in the cache after the kill.");
            entries = afterKill.Intact.Count;
        }

        // Damage two entries on disk (a flipped audio byte, a cut file), as a failing disk would.
        string[] damaged = [.. acknowledged.Keys.Order(StringComparer.Ordinal).Take(2)];
        string flipped = EntryPath(cache, damaged[0]);
        byte[] bytes = await File.ReadAllBytesAsync(flipped);
        bytes[^100] ^= 0x40;
        await File.WriteAllBytesAsync(flipped, bytes);
        string cut = EntryPath(cache, damaged[1]);
        await File.WriteAllBytesAsync(cut, (await File.ReadAllBytesAsync(cut))[..^1000]);
        DiskCacheReport damagedReport = DiskCacheInspector.Inspect(cache);
        Assert.Equal(2, damagedReport.Corrupt.Count);

        // The store leaves temporary files younger than a minute alone (another process sharing the folder may be writing
        // them); the kills' leftovers are made to look that old, as after any real outage.
        foreach (string temp in damagedReport.TempFiles)
        {
            File.SetLastWriteTimeUtc(temp, DateTime.UtcNow.AddMinutes(-2));
        }

        await using ServiceProcess restarted = await ServiceProcess.StartAsync(settings, _folder.Path);
        using HttpClient fetch = new() { BaseAddress = restarted.Url };
        string verified = await restarted.WaitForLineAsync(l => l.Contains("\"Id\":361", StringComparison.Ordinal), "the start-up verification");
        using (JsonDocument verification = JsonDocument.Parse(verified))
        {
            JsonElement properties = verification.RootElement.GetProperty("Properties");
            output.WriteLine("after restart: " + verification.RootElement.GetProperty("RenderedMessage").GetString());
            Assert.Equal(2, properties.GetProperty("Corrupt").GetInt32());
            Assert.Equal(entries - 2, properties.GetProperty("Verified").GetInt32());
        }

        // The kills' temporary files and the damaged entries are gone once the store has opened and verified itself.
        DiskCacheReport repaired = DiskCacheInspector.Inspect(cache);
        Assert.Empty(repaired.Corrupt);
        Assert.Empty(repaired.TempFiles);
        Assert.Equal(entries - 2, repaired.Intact.Count);
        foreach ((string key, _) in acknowledged.Where(a => !damaged.Contains(a.Key)))
        {
            using HttpResponseMessage audio = await fetch.GetAsync($"/prompts/{key}.wav");
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
            string sha = Convert.ToHexStringLower(SHA256.HashData(await audio.Content.ReadAsByteArrayAsync()));
            Assert.Equal($"\"{sha}\"", audio.Headers.ETag?.Tag);
            Assert.Equal(repaired.Intact[key], sha);
        }

        foreach (string key in damaged)
        {
            using HttpResponseMessage gone = await fetch.GetAsync($"/prompts/{key}.wav");
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            int before = _emulator.Submissions("gemini");
            using HttpResponseMessage again = await PostAsync(fetch, acknowledged[key], CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(before + 1, _emulator.Submissions("gemini"));
        }
    }

    private static async Task WriteAsync(HttpClient client, ConcurrentDictionary<string, string> acknowledged, Func<int> nextText, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            string text = $"Crash test prompt number {nextText()}, please hold.";
            try
            {
                using HttpResponseMessage response = await PostAsync(client, text, stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                    acknowledged[body.RootElement.GetProperty("key").GetString()!] = text;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
            {
                // The server died under this request: it was never acknowledged.
            }
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string text, CancellationToken cancellationToken)
    {
        HttpRequestMessage request = new(HttpMethod.Post, "/api/prompts")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { text, voice = "Kore" }), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", ServiceSettings.ApiKey);
        return client.SendAsync(request, cancellationToken);
    }

    private static string EntryPath(string cache, string key) => Path.Combine(cache, key[..2], key + ".prompt");
}
