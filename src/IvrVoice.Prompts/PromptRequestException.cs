namespace IvrVoice.Prompts;

/// <summary>A prompt request that can never render as asked: empty or oversize text, an unknown voice or model.</summary>
public sealed class PromptRequestException(string message) : Exception(message);
