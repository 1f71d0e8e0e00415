using IvrVoice.Library.Loading;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IvrVoice.Library.Yaml;

/// <summary>
/// Builds a <see cref="YamlNode"/> tree from YamlDotNet's event stream. Reading events (rather than a deserializer
/// or YamlStream) keeps every node's position, reports a repeated key and goes on instead of throwing, and bounds
/// what a hostile file can cost: nesting depth, and the size the file grows to when its aliases are expanded.
/// </summary>
internal sealed class YamlTreeReader
{
    public const int MaxDepth = 64;
    public const long MaxExpandedNodes = 200_000;

    private readonly Parser _parser;
    private readonly string _text;
    private readonly string _file;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private long _expandedNodes;

    private YamlTreeReader(string text, string file, DiagnosticBag diagnostics)
    {
        _parser = new Parser(new StringReader(text));
        _text = text;
        _file = file;
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// The document's root node; null when the file is empty or cannot be parsed as YAML (reported to
    /// <paramref name="diagnostics"/>, as is every other problem found here).
    /// </summary>
    public static YamlNode? Read(string text, string file, DiagnosticBag diagnostics, out bool syntaxError)
    {
        YamlTreeReader reader = new(text, file, diagnostics);
        syntaxError = false;
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException e)
        {
            syntaxError = true;
            diagnostics.Error(reader.At(e.Start), $"YAML syntax: {e.Message}");
            return null;
        }
        catch (LimitExceededException e)
        {
            syntaxError = true;
            diagnostics.Error(e.At, e.Message);
            return null;
        }
    }

    private YamlNode? ReadStream()
    {
        Next();
        Expect<StreamStart>();
        Next();
        if (_parser.Current is StreamEnd)
        {
            return null;
        }

        Expect<DocumentStart>();
        Next();
        YamlNode root = ReadNode(depth: 1);
        Next();
        Expect<DocumentEnd>();
        Next();
        if (_parser.Current is DocumentStart second)
        {
            _diagnostics.Error(At(second.Start), "a library file holds one YAML document; split this one at '---' into separate files");
        }

        return root;
    }

    /// <summary>Reads the node whose first event is current, leaving its last event current.</summary>
    private YamlNode ReadNode(int depth)
    {
        ParsingEvent current = _parser.Current!;
        if (depth > MaxDepth)
        {
            throw new LimitExceededException(At(current.Start), $"the YAML is nested more than {MaxDepth} levels deep");
        }

        YamlNode node;
        switch (current)
        {
            case Scalar scalar:
                node = new YamlScalar(At(scalar.Start), scalar.Value, scalar.Style, SourceOf(scalar.Start, scalar.End));
                break;
            case SequenceStart start:
                node = ReadSequence(start, depth);
                break;
            case MappingStart start:
                node = ReadMapping(start, depth);
                break;
            case AnchorAlias alias:
                if (!_anchors.TryGetValue(alias.Value.Value, out YamlNode? target))
                {
                    _diagnostics.Error(At(alias.Start), $"unknown alias '*{alias.Value.Value}': define the anchor '&{alias.Value.Value}' before using it");
                    return new YamlInvalid(At(alias.Start));
                }

                Count(target.Size, alias.Start);
                return target;
            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }

        Count(1, current.Start);
        if (current is NodeEvent { Anchor.IsEmpty: false } withAnchor)
        {
            _anchors[withAnchor.Anchor.Value] = node;
        }

        return node;
    }

    private YamlSequence ReadSequence(SequenceStart start, int depth)
    {
        List<YamlNode> items = [];
        for (Next(); _parser.Current is not SequenceEnd; Next())
        {
            items.Add(ReadNode(depth + 1));
        }

        return new YamlSequence(At(start.Start), items);
    }

    private YamlMapping ReadMapping(MappingStart start, int depth)
    {
        List<KeyValuePair<YamlScalar, YamlNode>> entries = [];
        Dictionary<string, YamlScalar> seen = new(StringComparer.Ordinal);
        for (Next(); _parser.Current is not MappingEnd; Next())
        {
            YamlNode key = ReadNode(depth + 1);
            Next();
            YamlNode value = ReadNode(depth + 1);
            if (key is not YamlScalar keyScalar)
            {
                if (key is not YamlInvalid)
                {
                    _diagnostics.Error(key.Location, $"a key must be a plain value, not {key.Describe()}");
                }

                continue;
            }

            if (seen.TryGetValue(keyScalar.Value, out YamlScalar? first))
            {
                _diagnostics.Error(keyScalar.Location, $"duplicate key {Show.Text(keyScalar.Value)} (first at line {first.Location.Line})");
                continue;
            }

            seen.Add(keyScalar.Value, keyScalar);
            entries.Add(new(keyScalar, value));
        }

        return new YamlMapping(At(start.Start), entries);
    }

    private void Count(long nodes, Mark at)
    {
        _expandedNodes += nodes;
        if (_expandedNodes > MaxExpandedNodes)
        {
            throw new LimitExceededException(At(at), $"the YAML expands to more than {MaxExpandedNodes:N0} nodes (each use of an alias counts its whole anchor)");
        }
    }

    private void Next()
    {
        if (!_parser.MoveNext())
        {
            throw new YamlException("unexpected end of the YAML stream");
        }
    }

    private void Expect<T>()
        where T : ParsingEvent
    {
        if (_parser.Current is not T)
        {
            ParsingEvent current = _parser.Current!;
            throw new YamlException(current.Start, current.End, $"expected {typeof(T).Name}, found {current.GetType().Name}");
        }
    }

    /// <summary>The text between two marks, when they lie inside the text; the parser's index counts characters read.</summary>
    private string? SourceOf(Mark start, Mark end) =>
        start.Index >= 0 && end.Index >= start.Index && end.Index <= _text.Length ? _text[(int)start.Index..(int)end.Index] : null;

    private SourceLocation At(Mark mark) => new(_file, checked((int)mark.Line), checked((int)mark.Column));

    private sealed class LimitExceededException(SourceLocation at, string message) : Exception(message)
    {
        public SourceLocation At { get; } = at;
    }
}
