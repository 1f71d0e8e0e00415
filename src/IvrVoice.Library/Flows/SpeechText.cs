using System.Globalization;
using System.Text;

namespace IvrVoice.Library.Flows;

/// <summary>The form in which spoken answers and phrases are compared: lower case, no accents, words separated by one space.</summary>
internal static class SpeechText
{
    // The product runs with invariant globalization, where string.Normalize leaves non-ASCII text as it is, so
    // accents are folded with this table (Latin letters used by the languages IVRs are written in), and combining
    // marks that arrive already decomposed are dropped below.
    private const string Accented = "àáâãäåāăąçćčďđèéêëēėęěìíîïīįıłñńňòóôõöøōőŕřśšşșťțùúûüūůűųýÿźżž";
    private const string Folded = "aaaaaaaaacccddeeeeeeeeiiiiiiilnnnoooooooorrssssttuuuuuuuuyyzzz";

    public static string Normalize(string text)
    {
        StringBuilder result = new(text.Length);
        bool pendingSpace = false;
        foreach (char original in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(original) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            // Recognisers add punctuation ("Billing.") and apostrophes vary ("don't", "don’t"): both separate words here.
            if (!char.IsLetterOrDigit(original))
            {
                pendingSpace = result.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }

            char lower = char.ToLowerInvariant(original);
            int accented = Accented.IndexOf(lower, StringComparison.Ordinal);
            result.Append(accented >= 0 ? Folded[accented] : lower);
        }

        return result.ToString();
    }
}
