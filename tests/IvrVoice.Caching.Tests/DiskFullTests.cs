using IvrVoice.Testing;
using System.Diagnostics;

namespace IvrVoice.Caching.Tests;

/// <summary>
/// The disk store on a real full disk: a 256 KiB tmpfs mounted for the test (root, or a user namespace, is needed to
/// mount; the test fails saying so otherwise). Rendered prompts are still served, the cache says they are not kept, the
/// health check says the disk is full without naming a path and leaves no temporary file behind, and once space is freed
/// what was pending is written.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DiskFullTests : IDisposable
{
    private readonly TempDirectory _folder = new("ivrvoice-diskfull-");
    private readonly string _mount;

    public DiskFullTests()
    {
        _mount = _folder.File("tmpfs");
        Directory.CreateDirectory(_mount);
        ToolResult mounted = ExternalTools.Run("mount", ["-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", _mount]);
        Assert.True(mounted.ExitCode == 0,
            $"Mounting a 256 KiB tmpfs failed ({mounted.StandardError.Trim()}): run the Caching tests as root (CI does) so the full-disk test has a real full disk.");
    }

    public void Dispose()
    {
        ExternalTools.Run("umount", ["-l", _mount]);
        _folder.Dispose();
    }

    [Fact]
    public async Task PutWhileTheDiskIsFull_ServedNotKeptHealthSaysSoThenWrittenWhenSpaceReturns()
    {
        string root = Path.Combine(_mount, "cache");
        DiskPromptStore store = TestPrompts.CreateDiskStore(root);
        using PromptCache cache = TestPrompts.CreateCache(store);
        await store.InitializeAsync(CancellationToken.None);

        // Fill the disk, leaving less than one entry's worth.
        string filler = Path.Combine(_mount, "filler");
        await using (FileStream fill = File.Create(filler))
        {
            try
            {
                await fill.WriteAsync(new byte[300 * 1024]);
                await fill.FlushAsync();
            }
            catch (IOException)
            {
                // Full: exactly what is wanted.
            }
        }

        PromptKey key = TestPrompts.Key("full disk");
        CachedPrompt rendered = await cache.GetOrRenderAsync(key, _ => Task.FromResult(TestPrompts.Create(key, audioLength: 40_000)), CacheMode.ReadWrite, CancellationToken.None);

        Assert.Equal(40_000, rendered.Audio.Length);
        Assert.False(await cache.IsKeptAsync(key, CancellationToken.None));
        Assert.True(cache.StoreStatus.Degraded);
        Assert.Equal(1, cache.StoreStatus.PendingWrites);
        Assert.NotNull(await cache.TryGetAsync(key, CacheMode.ReadWrite, CancellationToken.None));

        PromptStoreHealth health = await store.CheckHealthAsync(CancellationToken.None);
        Assert.False(health.IsHealthy);
        Assert.Contains("disk is full", health.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(_mount, health.Description, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(root, "*.tmp", SearchOption.AllDirectories));

        File.Delete(filler);
        PromptStoreHealth recovered = await cache.CheckStoreHealthAsync(CancellationToken.None);
        Assert.True(recovered.IsHealthy, recovered.Description);
        Stopwatch waited = Stopwatch.StartNew();
        while (!await cache.IsKeptAsync(key, CancellationToken.None))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "The pending write never reached the disk.");
            await Task.Delay(50);
        }

        Assert.Equal(0, cache.StoreStatus.PendingWrites);
        Assert.False(cache.StoreStatus.Degraded);
        Assert.NotNull(await store.GetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Put_NewEntry_FileIsPrivateToTheServiceUser()
    {
        string root = Path.Combine(_mount, "private");
        DiskPromptStore store = TestPrompts.CreateDiskStore(root);
        PromptKey key = TestPrompts.Key("private entry");

        await store.PutAsync(TestPrompts.Create(key), CancellationToken.None);

        string entry = store.EntryPath(key);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(entry));
        UnixFileMode folderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(folderMode, File.GetUnixFileMode(Path.GetDirectoryName(entry)!));
        Assert.Equal(folderMode, File.GetUnixFileMode(root));
    }
}
