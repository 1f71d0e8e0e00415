using IvrVoice.Audio;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;

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
        PromptSpec spec,
        string? notes,
        SourceLocation location,
        PromptTemplate? template = null,
        AnnouncementStrategy strategy = AnnouncementStrategy.Auto)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Language is null)
        {
            throw new ArgumentException("A library prompt's spec names its language.", nameof(spec));
        }

        Id = id;
        Spec = spec;
        Language = spec.Language;
        Notes = notes;
        Location = location;
        Template = template;
        Strategy = strategy;
    }

    public string Id { get; }

    /// <summary>
    /// Everything that changes how this prompt sounds, in the form the render pipeline keys and renders (one instance,
    /// so its key is computed once). For a template, the base spec its pieces are rendered from (<c>TemplateAudioPlan</c>
    /// replaces only the text). The properties below read from it.
    /// </summary>
    public PromptSpec Spec { get; }

    /// <summary>Canonical BCP 47 tag, for example <c>en-US</c>.</summary>
    public string Language { get; }

    /// <summary>The text as written, without leading and trailing white space (line breaks inside are kept).</summary>
    public string Text => Spec.Text;

    /// <summary>The voice; for a two-speaker prompt, the first speaker's voice (for wherever only one voice fits).</summary>
    public string Voice => Spec.Voice;

    public string? Style => Spec.Style;

    public string Model => Spec.Model;

    /// <summary>Null when unset, and always null for models that take no temperature.</summary>
    public double? Temperature => Spec.Temperature;

    /// <summary>Empty, or exactly two speakers whose names label the turns in <see cref="Text"/>.</summary>
    public IReadOnlyList<TtsSpeaker> Speakers => Spec.Speakers;

    /// <summary>Telephony mastering: <see cref="MasteringOptions.Default"/> unless the library says otherwise.</summary>
    public MasteringOptions Mastering => Spec.Mastering;

    /// <summary>Free-form notes for reviewers; they never change the sound.</summary>
    public string? Notes { get; }

    /// <summary>The parsed template when the text has placeholders (a template prompt); null for a plain prompt.</summary>
    public PromptTemplate? Template { get; }

    /// <summary>True when the text has placeholders, so the prompt is spoken with values and never rendered on its own.</summary>
    public bool IsTemplate => Template is not null;

    /// <summary>How a template is spoken in a call (<see cref="AnnouncementStrategy.Auto"/> for plain prompts, where it means nothing).</summary>
    public AnnouncementStrategy Strategy { get; }

    /// <summary>Where the prompt's id is written.</summary>
    public SourceLocation Location { get; }

    public override string ToString() => $"{Language}/{Id}";
}
