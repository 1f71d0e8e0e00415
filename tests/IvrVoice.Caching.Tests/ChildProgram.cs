using Microsoft.Extensions.Logging.Abstractions;

namespace IvrVoice.Caching.Tests;

/// <summary>
/// Entry point of the test assembly when run as a program (<c>dotnet IvrVoice.Caching.Tests.dll write-disk-entries DIR SEED</c>):
/// a writer that puts, replaces, re-pins and deletes disk entries in a loop until it is killed.
/// </summary>
public static class ChildProgram
{
    public const string WriteDiskEntries = "write-disk-entries";
    public const string ReadyLine = "ready";
    public const int KeyCount = 40;

    // Small enough that eviction runs while the writer is killed, too.
    public const long SizeLimitBytes = 3L * 1024 * 1024;

    public static int Main(string[] args)
    {
        if (args is [WriteDiskEntries, string root, string seed])
        {
            WriteUntilKilledAsync(root, int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture)).GetAwaiter().GetResult();
            return 0;
        }

        Console.Error.WriteLine($"usage: {WriteDiskEntries} FOLDER SEED");
        return 2;
    }

    public static PromptKey KeyFor(int index) => TestPrompts.Key($"killed writer {index}");

    private static async Task WriteUntilKilledAsync(string root, int seed)
    {
        DiskPromptStore store = new(
            new DiskStoreOptions { Path = root, SizeLimitBytes = SizeLimitBytes },
            TimeProvider.System, NullLogger<DiskPromptStore>.Instance, new PromptCacheMetrics());
        Random random = new(seed);
        for (long i = 0; ; i++)
        {
            PromptKey key = KeyFor(random.Next(KeyCount));
            int operation = random.Next(20);
            if (operation == 0)
            {
                await store.DeleteAsync(key, CancellationToken.None);
            }
            else if (operation == 1)
            {
                await store.SetPinnedAsync(key, random.Next(2) == 0, CancellationToken.None);
            }
            else
            {
                CachedPrompt prompt = TestPrompts.Create(key, audioLength: random.Next(1, 256 * 1024), seed: random.Next(), pinned: random.Next(10) == 0);
                await store.PutAsync(prompt, CancellationToken.None);
            }

            if (i == 0)
            {
                Console.Out.WriteLine(ReadyLine);
                Console.Out.Flush();
            }
        }
    }
}
