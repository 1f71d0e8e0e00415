using System.Text;

namespace IvrVoice.Telephony.TwiML;

/// <summary>One element of a TwiML document, kept as plain data and serialised by <see cref="Write"/>.</summary>
internal sealed class TwiMLElement(string name)
{
    private List<KeyValuePair<string, string>>? _attributes;
    private List<TwiMLElement>? _children;

    public string Name { get; } = name;
    public string? Text { get; set; }
    public IReadOnlyList<KeyValuePair<string, string>> Attributes => _attributes ?? [];
    public IReadOnlyList<TwiMLElement> Children => _children ?? [];

    public TwiMLElement Attribute(string attributeName, string? value)
    {
        if (value is null) return this;
        XmlText.EnsureValid(value, $"{Name}.{attributeName}");
        (_attributes ??= []).Add(new(attributeName, value));
        return this;
    }

    public TwiMLElement Attribute(string attributeName, int? value) =>
        value is null ? this : Attribute(attributeName, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public TwiMLElement Attribute(string attributeName, bool? value) =>
        value is null ? this : Attribute(attributeName, value.Value ? "true" : "false");

    public TwiMLElement WithText(string text)
    {
        XmlText.EnsureValid(text, Name);
        Text = text;
        return this;
    }

    public TwiMLElement Add(TwiMLElement child)
    {
        (_children ??= []).Add(child);
        return this;
    }

    // The layout matches the official helper library's output byte for byte (no whitespace between elements,
    // self-closing empty elements, the same escapes), so documents can be compared exactly in the interop tests.
    public void Write(StringBuilder output)
    {
        output.Append('<').Append(Name);
        foreach (KeyValuePair<string, string> attribute in Attributes)
        {
            output.Append(' ').Append(attribute.Key).Append("=\"");
            XmlText.AppendEscapedAttribute(output, attribute.Value);
            output.Append('"');
        }
        if (string.IsNullOrEmpty(Text) && Children.Count == 0)
        {
            output.Append("/>");
            return;
        }
        output.Append('>');
        if (Text is not null) XmlText.AppendEscapedText(output, Text);
        foreach (TwiMLElement child in Children) child.Write(output);
        output.Append("</").Append(Name).Append('>');
    }
}
