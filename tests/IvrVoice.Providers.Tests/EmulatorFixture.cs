using IvrVoice.ProviderEmulator;

namespace IvrVoice.Providers.Tests;

/// <summary>One emulator per test class; classes run in parallel, each against its own.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public TtsEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
