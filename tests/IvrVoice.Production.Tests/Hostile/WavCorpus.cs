using IvrVoice.Audio;
using IvrVoice.Audio.Wav;

namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// Valid WAV files as real tools write them, the seeds of the mutation run: sox in every sample format it writes
/// (8-bit unsigned to 64-bit float, μ-law, A-law, extensible multichannel), ffmpeg with a LIST chunk, as RF64 and
/// streamed to a pipe (size fields left unknown), espeak-ng's streaming output, and the canonical 44-byte layout.
/// Each file holds a quarter second, so a mutation run of 10⁵ inputs stays fast. Every seed is required: a missing tool
/// fails the run naming what to install (<see cref="ExternalTools.Require"/>) and a tool that cannot write its seed fails
/// it with the tool's error, so the corpus never silently shrinks.
/// </summary>
internal static class WavCorpus
{
    public static IReadOnlyList<(string Name, byte[] Bytes)> Create(string folder)
    {
        const int rate = 24_000;
        short[] pcm = SignalGenerator.ToPcm16(SignalGenerator.SpeechLike(rate / 4, rate, seed: 17));
        List<(string, byte[])> corpus =
        [
            ("canonical", WavWriter.WritePcm16(pcm, rate)),
            ("ivrvoice-mulaw", Transcoder.ToTelephony(new PcmAudio([.. pcm.Select(s => (float)s)], rate))),
        ];
        string raw = Path.Combine(folder, "speech.s16");
        File.WriteAllBytes(raw, System.Runtime.InteropServices.MemoryMarshal.AsBytes(pcm.AsSpan()).ToArray());
        string[] input = ["-t", "raw", "-r", "24000", "-e", "signed-integer", "-b", "16", "-c", "1", "-L", raw];

        ExternalTools.Require(ExternalTools.Sox, ExternalTools.Ffmpeg, ExternalTools.EspeakNg);
        {
            (string Name, string[] Arguments)[] variants =
            [
                ("sox-u8", ["-e", "unsigned-integer", "-b", "8"]),
                ("sox-s16", ["-e", "signed-integer", "-b", "16"]),
                ("sox-s24", ["-e", "signed-integer", "-b", "24"]),
                ("sox-s32", ["-e", "signed-integer", "-b", "32"]),
                ("sox-f32", ["-e", "floating-point", "-b", "32"]),
                ("sox-f64", ["-e", "floating-point", "-b", "64"]),
                ("sox-ulaw", ["-e", "u-law", "-r", "8000"]),
                ("sox-alaw", ["-e", "a-law", "-r", "8000"]),
                ("sox-stereo", ["-c", "2"]),
                ("sox-6ch-s24", ["-c", "6", "-b", "24"]),
                ("sox-22k", ["-r", "22050"]),
            ];
            foreach ((string name, string[] arguments) in variants)
            {
                string path = Path.Combine(folder, name + ".wav");
                ExternalTools.Run(ExternalTools.Sox, [.. input, .. arguments, path]).EnsureSuccess();
                corpus.Add((name, File.ReadAllBytes(path)));
            }
        }

        {
            string[] ffInput = ["-v", "error", "-nostdin", "-y", "-f", "s16le", "-ar", "24000", "-ac", "1", "-i", raw];
            (string Name, string[] Arguments, bool Pipe)[] variants =
            [
                ("ffmpeg-list", ["-metadata", "title=Welcome", "-c:a", "pcm_s16le"], false),
                ("ffmpeg-rf64", ["-rf64", "always", "-c:a", "pcm_s16le"], false),
                ("ffmpeg-pipe", ["-c:a", "pcm_s16le", "-f", "wav"], true),
                ("ffmpeg-f32-extensible", ["-c:a", "pcm_f32le", "-ac", "3"], false),
            ];
            foreach ((string name, string[] arguments, bool pipe) in variants)
            {
                string path = Path.Combine(folder, name + ".wav");
                ToolResult result = ExternalTools.Run(ExternalTools.Ffmpeg, [.. ffInput, .. arguments, pipe ? "pipe:1" : path]).EnsureSuccess();
                corpus.Add((name, pipe ? result.StandardOutputBytes : File.ReadAllBytes(path)));
            }
        }

        ToolResult speech = ExternalTools.RunEspeakNg("--stdout", "-s", "400", "Hello.").EnsureSuccess();
        corpus.Add(("espeak-stream", speech.StandardOutputBytes));

        return corpus;
    }
}
