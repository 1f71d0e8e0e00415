namespace IvrVoice.Prompts.Verbalisation;

/// <summary>The ICAO/NATO spelling alphabet (international, the same words in every language), for spell(alphabet=nato).</summary>
internal static class NatoAlphabet
{
    private static readonly string[] s_words =
    [
        "Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo", "Lima", "Mike",
        "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango", "Uniform", "Victor", "Whiskey", "X-ray", "Yankee", "Zulu",
    ];

    public static string Word(char letter) => s_words[letter - 'A'];
}
