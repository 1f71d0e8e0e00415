using System.Text;

namespace IvrVoice.Telephony.TwiML;

/// <summary>XML 1.0 escaping and character checks for text that may come from users (prompt text, URLs).</summary>
internal static class XmlText
{
    /// <summary>Throws when <paramref name="value"/> holds a character XML 1.0 cannot carry (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF).</summary>
    public static void EnsureValid(string value, string where)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            bool valid = c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (!valid)
            {
                throw new ArgumentException(
                    $"TwiML {where} contains U+{(int)c:X4} at index {i}, which an XML document cannot carry. Remove control characters from the text.",
                    nameof(value));
            }
        }
    }

    public static void AppendEscapedText(StringBuilder output, string text)
    {
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': output.Append("&amp;"); break;
                case '<': output.Append("&lt;"); break;
                case '>': output.Append("&gt;"); break;
                case '\r': output.Append("&#xD;"); break;   // a raw CR would be normalised away by the receiving parser
                default: output.Append(c); break;
            }
        }
    }

    public static void AppendEscapedAttribute(StringBuilder output, string value)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '&': output.Append("&amp;"); break;
                case '<': output.Append("&lt;"); break;
                case '"': output.Append("&quot;"); break;
                case '\t': output.Append("&#x9;"); break;   // attribute-value normalisation would turn raw whitespace into spaces
                case '\n': output.Append("&#xA;"); break;
                case '\r': output.Append("&#xD;"); break;
                default: output.Append(c); break;
            }
        }
    }
}
