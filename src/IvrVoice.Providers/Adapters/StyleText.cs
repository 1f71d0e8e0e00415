namespace IvrVoice.Providers.Adapters;

/// <summary>Gemini 3.1 takes style as words before the text ("Say in a calm, warm tone: ...").</summary>
internal static class StyleText
{
    public static string Compose(string? style, string text)
    {
        if (string.IsNullOrWhiteSpace(style))
        {
            return text;
        }

        string instruction = style.Trim().TrimEnd(':', '.', ' ');
        // A full instruction ("Read this slowly") is used as written; a list of adjectives becomes one.
        bool isInstruction = instruction.StartsWith("say", StringComparison.OrdinalIgnoreCase)
            || instruction.StartsWith("read", StringComparison.OrdinalIgnoreCase)
            || instruction.StartsWith("speak", StringComparison.OrdinalIgnoreCase);
        return isInstruction ? $"{instruction}: {text}" : $"Say in a {instruction} tone: {text}";
    }
}
