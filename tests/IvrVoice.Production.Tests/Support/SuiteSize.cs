namespace IvrVoice.Production.Tests.Support;

/// <summary>
/// How big the fault and mutation runs are. CI runs a size that still exercises every fault kind many times over;
/// <c>IVRVOICE_FULL=1</c> (or <c>bash scripts/production-full.sh</c>) runs the full sizes quoted in docs/reliability.md.
/// </summary>
internal static class SuiteSize
{
    public const string EnvironmentVariable = "IVRVOICE_FULL";

    public static bool Full { get; } = Environment.GetEnvironmentVariable(EnvironmentVariable) is "1" or "true" or "yes";

    /// <summary>Simulated calls in the webhook fault run.</summary>
    public static int Calls => Full ? 1_200 : 240;

    /// <summary>Prompts in the library build fault run.</summary>
    public static int LibraryPrompts => Full ? 200 : 40;

    /// <summary>Mutated WAV files through the decoder (at least 100,000 inputs together with <see cref="JsonMutationsPerRoute"/>).</summary>
    public static int WavMutations => Full ? 400_000 : 60_000;

    /// <summary>Mutated provider answers through each HTTP route's adapter.</summary>
    public static int JsonMutationsPerRoute => Full ? 50_000 : 7_000;

    /// <summary>kill -9 rounds per crash test.</summary>
    public static int KillRounds => Full ? 10 : 2;
}
