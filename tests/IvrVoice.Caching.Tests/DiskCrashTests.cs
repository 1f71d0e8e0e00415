using IvrVoice.Testing;

namespace IvrVoice.Caching.Tests;

/// <summary>Kills a real writer process with SIGKILL at random moments and checks what a restart sees.</summary>
public sealed class DiskCrashTests : IDisposable
{
    private const int Kills = 6;

    private readonly TempDirectory _folder = new("ivrvoice-kill-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    [Trait("Category", "Integration")]
    public async Task KilledWriter_AtRandomMoments_LeavesNoCorruptEntryVisible()
    {
        Random random = new(20260);
        string program = typeof(ChildProgram).Assembly.Location;
        for (int kill = 0; kill < Kills; kill++)
        {
            using ChildProcess writer = ChildProcess.StartDotnet(program, ChildProgram.WriteDiskEntries, _folder.Path, kill.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await writer.WaitForLineAsync(line => line == ChildProgram.ReadyLine, TimeSpan.FromSeconds(60));

            // Anywhere in the loop: mid-write, mid-fsync, mid-rename, mid-eviction.
            await Task.Delay(random.Next(0, 60));
            writer.Kill();
        }

        // Every entry file visible under its final name is whole and matches its own checksum, before any repair.
        string[] entryFiles = Directory.GetFiles(_folder.Path, "*.prompt", SearchOption.AllDirectories);
        Assert.NotEmpty(entryFiles);
        foreach (string path in entryFiles)
        {
            PromptKey key = PromptKey.Parse(Path.GetFileNameWithoutExtension(path));
            Assert.Null(DiskEntryFormat.Decode(File.ReadAllBytes(path), key, out CachedPrompt? prompt));
            Assert.Equal(prompt!.Audio.Length, prompt.Metadata.ByteLength);
            Assert.Equal(TestPrompts.Sha256Hex(prompt.Audio.Span), prompt.Metadata.Sha256);
        }

        // A restart finds nothing to repair, serves every entry, and deletes leftovers once they are stale.
        DiskPromptStore reopened = TestPrompts.CreateDiskStore(_folder.Path, ChildProgram.SizeLimitBytes);
        PromptStoreRepairReport report = await reopened.VerifyAndRepairAsync(CancellationToken.None);
        Assert.Empty(report.CorruptEntriesRemoved);
        Assert.Equal(entryFiles.Length, report.EntriesVerified);
        for (int i = 0; i < ChildProgram.KeyCount; i++)
        {
            PromptKey key = ChildProgram.KeyFor(i);
            CachedPrompt? prompt = await reopened.GetAsync(key, CancellationToken.None);
            Assert.Equal(File.Exists(reopened.EntryPath(key)), prompt is not null);
        }

        foreach (string leftover in Directory.GetFiles(_folder.Path, "*.tmp", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow - TimeSpan.FromHours(1));
        }

        PromptStoreRepairReport later = await TestPrompts.CreateDiskStore(_folder.Path, ChildProgram.SizeLimitBytes).VerifyAndRepairAsync(CancellationToken.None);
        Assert.Empty(later.CorruptEntriesRemoved);
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp", SearchOption.AllDirectories));
    }
}
