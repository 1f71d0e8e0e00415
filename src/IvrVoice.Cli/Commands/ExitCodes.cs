namespace IvrVoice.Cli.Commands;

/// <summary>Process exit codes shared by every verb, so scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;
    /// <summary>An input file or setting was invalid (bad audio, bad YAML, unknown voice).</summary>
    public const int InvalidInput = 3;
    /// <summary>Every provider route failed.</summary>
    public const int RenderFailed = 4;
    /// <summary>`build --check`: the library is out of date.</summary>
    public const int Stale = 5;
}
