namespace IvrVoice.Providers.Configuration;

/// <summary>The settings that span routes, bound from <c>Providers</c>.</summary>
internal sealed class ProvidersOptions
{
    public const string SectionName = "Providers";

    /// <summary>The failover order as configured (<c>Providers:Order</c>, an array or a comma list); empty means the default order.</summary>
    public List<string> Order { get; set; } = [];

    /// <summary>The model used when a prompt names none; unset picks Gemini 3.1 when a Gemini route is configured, else espeak-ng.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Deadline for renders a caller waits on, across every route and retry.</summary>
    public TimeSpan InCallDeadline { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Deadline for library builds, across every route and retry.</summary>
    public TimeSpan BatchDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Folder of the file-backed job journal; unset keeps the journal in memory.</summary>
    public string? JournalFolder { get; set; }
}
