extern alias emulator;

using emulator::IvrVoice.ProviderEmulator;

namespace IvrVoice.Server.Tests.Support;

/// <summary>One provider emulator per test class, on loopback; classes run in parallel, each against its own.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public TtsEmulator Emulator { get; private set; } = null!;

    public async Task InitializeAsync() => Emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
