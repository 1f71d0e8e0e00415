namespace IvrVoice.Prompts.Verbalisation;

/// <summary>
/// The ISO 4217 currencies every language speaks. A code joins this list only once every registered language names
/// it (a test checks that each language defines words for each code). All of these have two minor-unit decimals.
/// </summary>
internal static class CurrencyCatalog
{
    public static readonly IReadOnlyList<string> Codes = ["USD", "EUR", "MXN", "GBP", "CAD"];

    public const int MinorDigits = 2;
}
