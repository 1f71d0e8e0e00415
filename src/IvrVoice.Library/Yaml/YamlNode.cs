using YamlDotNet.Core;

namespace IvrVoice.Library.Yaml;

/// <summary>A node of a YAML document with the position it starts at, so every finding can name its line and column.</summary>
internal abstract class YamlNode
{
    protected YamlNode(SourceLocation location) => Location = location;

    public SourceLocation Location { get; }

    /// <summary>Nodes in this subtree, aliases counted as their target's size: the work a walk over it costs.</summary>
    public long Size { get; protected init; } = 1;

    /// <summary>"a list", "a mapping", "a value": how the node reads in a message.</summary>
    public abstract string Describe();
}

internal sealed class YamlScalar : YamlNode
{
    public YamlScalar(SourceLocation location, string value, ScalarStyle style, string? source = null)
        : base(location)
    {
        Value = value;
        Style = style;
        Source = source;
    }

    public string Value { get; }

    /// <summary>The scalar as written in the file, from <see cref="YamlNode.Location"/> on (quotes, escapes and line breaks included); null when unknown.</summary>
    public string? Source { get; }

    public ScalarStyle Style { get; }

    /// <summary>An empty value, or YAML's plain null spellings (~, null).</summary>
    public bool IsNull => Style is ScalarStyle.Plain or ScalarStyle.Any && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe() => IsNull ? "an empty value" : "a value";
}

internal sealed class YamlSequence : YamlNode
{
    public YamlSequence(SourceLocation location, IReadOnlyList<YamlNode> items)
        : base(location)
    {
        Items = items;
        Size = 1 + items.Sum(item => item.Size);
    }

    public IReadOnlyList<YamlNode> Items { get; }

    public override string Describe() => "a list";
}

internal sealed class YamlMapping : YamlNode
{
    public YamlMapping(SourceLocation location, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries)
        : base(location)
    {
        Entries = entries;
        Size = 1 + entries.Sum(entry => 1 + entry.Value.Size);
    }

    /// <summary>Entries in document order; keys are unique (a repeated key is reported and dropped when reading).</summary>
    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; }

    public YamlNode? this[string key] => Entries.FirstOrDefault(entry => entry.Key.Value == key).Value;

    public YamlScalar? KeyNode(string key) => Entries.FirstOrDefault(entry => entry.Key.Value == key).Key;

    public override string Describe() => "a mapping";
}

/// <summary>Stands in for a node that could not be read (an unknown alias); already reported, so checks skip it silently.</summary>
internal sealed class YamlInvalid : YamlNode
{
    public YamlInvalid(SourceLocation location)
        : base(location)
    {
    }

    public override string Describe() => "an invalid value";
}
