using System.Text.Json;
using IvrVoice.Library;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;
using IvrVoice.Server.Announcements;
using IvrVoice.Server.Api;
using IvrVoice.Server.Voice;

namespace IvrVoice.Server.Audition;

/// <summary>
/// <c>POST /audition/api/announce</c>: a template of the library spoken with the values of the page's form, both joined from its
/// pre-rendered pieces and rendered whole, so the two can be heard side by side. Bad values answer 400 naming the value.
/// </summary>
internal static class AuditionTemplates
{
    public static async Task<IResult> SpeakAsync(HttpContext context, CallFlows flows, AnnouncementResolver resolver, CancellationToken cancellationToken)
    {
        AuditionAnnounceRequest? body;
        try
        {
            body = await context.Request.ReadFromJsonAsync(AuditionJsonContext.Default.AuditionAnnounceRequest, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            return ApiProblems.BadRequest("Invalid JSON", $"The body is not an announce request ({{ \"language\", \"id\", \"values\" }}): {exception.Message}");
        }

        if (body is not { Language: { Length: > 0 } language, Id: { Length: > 0 } id })
        {
            return ApiProblems.BadRequest("Incomplete announce request", "Give the template's language and id, and its values.");
        }

        if (!flows.Library.TryGetPrompt(language, id, out LibraryPrompt? prompt) || prompt.Template is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown template", detail: $"The library has no template '{id}' in {language}.");
        }

        Dictionary<string, string> values = body.Values ?? [];
        PreparedAnnouncement joined, rendered;
        try
        {
            joined = resolver.PrepareTemplate(prompt, values, AnnouncementStrategy.Join);
            rendered = resolver.PrepareTemplate(prompt, values, AnnouncementStrategy.Render);
        }
        catch (TemplateValueException exception)
        {
            return AnnouncementEndpoints.ValueProblem(exception);
        }
        catch (PromptRequestException exception)
        {
            return ApiProblems.InvalidPrompt(exception);
        }

        try
        {
            ResolvedAnnouncement join = await resolver.ResolveAsync(joined, RenderUrgency.Batch, cancellationToken).ConfigureAwait(false);
            ResolvedAnnouncement render = await resolver.ResolveAsync(rendered, RenderUrgency.Batch, cancellationToken).ConfigureAwait(false);
            return TypedResults.Json(
                new AuditionAnnouncement(prompt.Id, prompt.Language, join.Spoken, prompt.Strategy.ToString().ToLowerInvariant(), Version(join), Version(render)),
                AuditionJsonContext.Default.AuditionAnnouncement);
        }
        catch (PromptRenderException exception)
        {
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Rendering failed", detail: exception.Message);
        }
        catch (TimeoutException exception)
        {
            return Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "Rendering took too long", detail: exception.Message);
        }
    }

    private static AuditionVersion Version(ResolvedAnnouncement resolved)
    {
        Caching.PromptMetadata metadata = resolved.Prompt.Metadata;
        return new AuditionVersion(resolved.Outcome, metadata.Key.ToString(), metadata.Provider, Math.Round(metadata.DurationSeconds, 3),
            AuditionEndpoints.PreviewUrl(metadata.Key), AuditionAudio.Peaks(resolved.Prompt.Audio.Span));
    }
}
