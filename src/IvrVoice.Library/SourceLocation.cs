namespace IvrVoice.Library;

/// <summary>Where something is defined: a file and a 1-based line and column.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}
