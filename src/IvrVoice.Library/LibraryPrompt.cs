using IvrVoice.Audio;
using IvrVoice.Library.Templates;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Library;

/// <summary>
/// A prompt of the library with its effective settings: its own overrides, then its file's defaults, then the
/// library's defaults, then the built-in defaults (model <see cref="LibraryRules.DefaultModel"/>, mastering on).
/// A prompt is addressed by (<see cref="Language"/>, <see cref="Id"/>).
/// </summary>
public sealed class LibraryPrompt
{
    internal LibraryPrompt(
        string id,
        string language,
        string text,
        string voice,
        string? style,
        string model,
        double? temperature,
        IReadOnlyList<PromptSpeaker> speakers,
        MasteringOptions mastering,
        string? notes,
        SourceLocation location,
        PromptTemplate? template = null,
        TemplateStrategy strategy = TemplateStrategy.Auto)
    {
        Template = template;
        Strategy = strategy;
        Id = id;
        Language = language;
        Text = text;
        Voice = voice;
        Style = style;
        Model = model;
        Temperature = temperature;
        Speakers = speakers;
        Mastering = mastering;
        Notes = notes;
        Location = location;
    }

    public string Id { get; }

    /// <summary>Canonical BCP 47 tag, for example <c>en-US</c>.</summary>
    public string Language { get; }

    /// <summary>The text as written, without leading and trailing white space (line breaks inside are kept).</summary>
    public string Text { get; }

    /// <summary>The voice; for a two-speaker prompt, the first speaker's voice (for wherever only one voice fits).</summary>
    public string Voice { get; }

    public string? Style { get; }

    public string Model { get; }

    /// <summary>Null when unset, and always null for models that take no temperature.</summary>
    public double? Temperature { get; }

    /// <summary>Empty, or exactly two speakers whose names label the turns in <see cref="Text"/>.</summary>
    public IReadOnlyList<PromptSpeaker> Speakers { get; }

    /// <summary>Telephony mastering: <see cref="MasteringOptions.Default"/> unless the library says otherwise.</summary>
    public MasteringOptions Mastering { get; }

    /// <summary>Free-form notes for reviewers; they never change the sound.</summary>
    public string? Notes { get; }

    /// <summary>The parsed template when the text has placeholders (a template prompt); null for a plain prompt.</summary>
    public PromptTemplate? Template { get; }

    /// <summary>True when the text has placeholders, so the prompt is spoken with values and never rendered on its own.</summary>
    public bool IsTemplate => Template is not null;

    /// <summary>How a template is spoken in a call (<see cref="TemplateStrategy.Auto"/> for plain prompts, where it means nothing).</summary>
    public TemplateStrategy Strategy { get; }

    /// <summary>Where the prompt's id is written.</summary>
    public SourceLocation Location { get; }

    /// <summary>
    /// Everything that changes how this prompt sounds, in the form the render pipeline keys and renders. For a template,
    /// the base spec its pieces are rendered from (<c>TemplateAudioPlan</c> replaces only the text).
    /// </summary>
    public PromptSpec ToSpec() => new()
    {
        Text = Text,
        Voice = Voice,
        Style = Style,
        Language = Language,
        Model = Model,
        Temperature = Temperature,
        Speakers = Speakers,
        Mastering = Mastering,
    };

    public override string ToString() => $"{Language}/{Id}";
}
