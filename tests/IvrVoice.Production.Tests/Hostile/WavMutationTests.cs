using IvrVoice.Audio;
using Xunit.Abstractions;

namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// Mutated WAV files (and raw PCM with declared formats, and mangled Content-Type strings) through the decoder the
/// providers' answers go through. The only acceptable failure is <see cref="AudioFormatException"/>; whatever decodes
/// must also survive the rest of the pipeline (resample, master, μ-law). Seeded, so a failure names an input that can be
/// rebuilt.
/// </summary>
public sealed class WavMutationTests(ITestOutputHelper output)
{
    private const int Seed = 20_260_601;

    private static readonly string[] ContentTypes =
    [
        "audio/L16;codec=pcm;rate=24000", "audio/pcm;rate=24000;channels=1", "audio/PCMU", "audio/PCMA", "audio/basic", "audio/wav",
    ];

    // One run serves both facts: the decoder's contract, and what the rest of the pipeline makes of whatever it accepted.
    private static readonly Lazy<Task<(MutationTally Tally, string Corpus)>> Outcome = new(RunAllAsync);

    [SkippableFact]
    public async Task Decode_SeededMutationsOfRealWavFiles_OnlyTypedErrors()
    {
        (MutationTally tally, string corpus) = await Outcome.Value;
        int total = SuiteSize.WavMutations;

        output.WriteLine($"{total} mutated inputs from {corpus}: {tally.Summary()}");
        Assert.True(tally.Unexpected.IsEmpty, "Untyped failures:\n" + string.Join('\n', tally.Unexpected.Take(10)));
        Assert.True(tally.Count("decoded") > total / 100, "Too few mutations still decode; the run is not exercising the decoder's accepting paths.");
        Assert.True(tally.Count(nameof(AudioFormatException)) > total / 10, "Too few mutations were refused; the mutations are not reaching the parser.");
    }

    [SkippableFact]
    public async Task Transcode_WhateverTheDecoderAccepted_BecomesTelephonyAudioOrATypedError()
    {
        (MutationTally tally, _) = await Outcome.Value;

        output.WriteLine($"{tally.Count("transcoded")} accepted inputs transcoded");
        Assert.True(tally.Count("transcoded") > 0);
        Assert.True(tally.Downstream.IsEmpty,
            $"{tally.Downstream.Count} inputs the decoder accepted then failed untyped in Transcoder.ToTelephony:\n" + string.Join('\n', tally.Downstream.Take(5)));
    }

    private static async Task<(MutationTally, string)> RunAllAsync()
    {
        using TempDirectory folder = new("ivrvoice-wav-corpus-");
        IReadOnlyList<(string Name, byte[] Bytes)> corpus = WavCorpus.Create(folder.Path);
        foreach ((string name, byte[] bytes) in corpus)
        {
            // Every seed must decode before mutation, or the run would test nothing but the error path.
            Assert.True(AudioDecoder.Decode(bytes).Samples.Length > 0, $"Seed {name} does not decode.");
        }

        AudioDecodeLimits limits = new() { MaxInputBytes = 4 * 1024 * 1024, MaxDuration = TimeSpan.FromMinutes(2) };
        int total = SuiteSize.WavMutations;
        MutationTally tally = new();
        // Two workers, each with its own seeded sequence; a watchdog names the input in hand should one ever hang.
        Task[] workers = [.. Enumerable.Range(0, 2).Select(worker => Task.Run(() => Run(worker, total / 2, corpus, limits, tally)))];
        Task all = Task.WhenAll(workers);
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(5))) != all)
        {
            Assert.Fail($"A decode did not return: {tally.InProgress()}");
        }

        await all;
        return (tally, $"{corpus.Count} seeds ({string.Join(", ", corpus.Select(c => c.Name))})");
    }

    private static void Run(int worker, int count, IReadOnlyList<(string Name, byte[] Bytes)> corpus, AudioDecodeLimits limits, MutationTally tally)
    {
        Mutator mutator = new(Seed + worker);
        Random random = mutator.Random;
        for (int i = 0; i < count; i++)
        {
            (string name, byte[] seed) = corpus[random.Next(corpus.Count)];
            byte[] input = mutator.Mutate(seed);
            RawPcmFormat? raw = null;
            string label = $"worker {worker} input {i} (seed {name})";
            if (random.Next(8) == 0)
            {
                // Headerless audio under a declared format, the way Gemini and OpenRouter send it; the type string is mangled too.
                string type = ContentTypes[random.Next(ContentTypes.Length)];
                type = random.Next(2) == 0 ? type : System.Text.Encoding.UTF8.GetString(mutator.MutateBytes(System.Text.Encoding.UTF8.GetBytes(type)));
                try
                {
                    raw = RawPcmFormat.TryParseContentType(type, out RawPcmFormat parsed) ? parsed : null;
                }
                catch (Exception exception)
                {
                    tally.Unexpected.Enqueue($"{label}: RawPcmFormat.TryParseContentType(\"{type}\") threw {exception.GetType().Name}: {exception.Message}");
                    continue;
                }

                input = input.Length > 44 && random.Next(2) == 0 ? input[44..] : input;
            }

            tally.Start(worker, label);
            PcmAudio audio;
            try
            {
                audio = AudioDecoder.Decode(input, raw, limits);
                tally.Add("decoded");
            }
            catch (AudioFormatException exception)
            {
                tally.Add(nameof(AudioFormatException));
                tally.Add(exception.Kind.ToString());
                continue;
            }
            catch (Exception exception)
            {
                tally.Unexpected.Enqueue($"{label}: {exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}");
                continue;
            }

            if (i % 4 == 0 && audio.Samples.Length > 0)
            {
                try
                {
                    byte[] wav = Transcoder.ToTelephony(audio);
                    tally.Add(wav.AsSpan(0, 4).SequenceEqual("RIFF"u8) ? "transcoded" : "transcoded to a non-WAV");
                }
                catch (AudioFormatException)
                {
                    tally.Add("transcode refused");
                }
                catch (Exception exception)
                {
                    tally.Downstream.Enqueue($"{label}: decoded as {audio.SampleRate} Hz, {audio.Samples.Length} samples; then {exception.GetType().Name}: {exception.Message}");
                }
            }
        }

        tally.Start(worker, "done");
    }
}
