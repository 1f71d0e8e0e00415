namespace IvrVoice.Prompts.Templates;

/// <summary>The type of a template placeholder: how its value is parsed and spoken (see docs/library.md, "Templates").</summary>
public enum TemplateValueType
{
    /// <summary>Free text, rendered whole by the provider and never joined: <c>{name}</c>.</summary>
    Text,

    /// <summary>A cardinal number, negative and decimal allowed: <c>{n:number}</c>.</summary>
    Number,

    /// <summary>A positive whole number spoken as an ordinal: <c>{n:ordinal}</c>.</summary>
    Ordinal,

    /// <summary>Digits one by one, optionally grouped: <c>{n:digits(group=3-3-4)}</c>.</summary>
    Digits,

    /// <summary>An amount of money with its ISO 4217 code: <c>{n:currency(code=USD)}</c>.</summary>
    Currency,

    /// <summary>An ISO 8601 calendar date (yyyy-MM-dd): <c>{n:date}</c>.</summary>
    Date,

    /// <summary>A 24-hour clock time (HH:mm): <c>{n:time}</c>.</summary>
    Time,

    /// <summary>A length of time such as an estimated wait: <c>{n:duration(unit=minutes)}</c>.</summary>
    Duration,

    /// <summary>Letters and digits spoken one by one, e.g. a confirmation code: <c>{n:spell}</c>.</summary>
    Spell,
}
