using Microsoft.Extensions.Logging;

namespace IvrVoice.Library.Build;

/// <summary>What builds log: one event per prompt, and what they set aside.</summary>
internal static partial class BuildLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Rendered {Language}/{PromptId} ({PromptKey}) via {Provider}")]
    public static partial void Rendered(ILogger logger, string language, string promptId, string promptKey, string provider);

    [LoggerMessage(EventId = 701, Level = LogLevel.Debug, Message = "Reused {Language}/{PromptId} ({PromptKey})")]
    public static partial void Reused(ILogger logger, string language, string promptId, string promptKey);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Prompt {Language}/{PromptId} ({PromptKey}) failed after {FailureCount} failed attempt(s)")]
    public static partial void PromptFailed(ILogger logger, string language, string promptId, string promptKey, int failureCount);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "The build's manifest cannot be read ({Reason}); it was moved to {KeptAs} and the build starts from the cache")]
    public static partial void ManifestSetAside(ILogger logger, string reason, string keptAs);

    [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "Removed {Language}/{PromptId} from the output: it is no longer in the library")]
    public static partial void Removed(ILogger logger, string language, string promptId);

    [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "The 16-bit master has {MasterSamples} samples and the μ-law audio {MuLawSamples}; exports use the μ-law audio")]
    public static partial void MasterMismatch(ILogger logger, int masterSamples, int muLawSamples);

    [LoggerMessage(EventId = 706, Level = LogLevel.Warning, Message = "A template piece in {Language} ({PromptKey}) failed after {FailureCount} failed attempt(s)")]
    public static partial void PieceFailed(ILogger logger, string language, string promptKey, int failureCount);
}
