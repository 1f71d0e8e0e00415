using IvrVoice.Prompts;

namespace IvrVoice.Server.Api;

/// <summary>The problem+json answers shared by the endpoints that render.</summary>
internal static class ApiProblems
{
    public static IResult InvalidPrompt(PromptRequestException exception) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid prompt", detail: exception.Message);

    public static IResult BadRequest(string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);

    /// <summary>502: the service works, the providers behind it did not deliver. The failures name routes and kinds only.</summary>
    public static IResult RenderFailed(PromptRenderException exception, string? model = null) =>
        Results.Problem(
            statusCode: StatusCodes.Status502BadGateway,
            title: "Rendering failed",
            detail: exception.Failures.Count == 0 || exception.Failures.All(f => f.Kind == Providers.TtsFailureKind.Unavailable && f.Provider == "router")
                ? $"No configured provider route serves model {model ?? "of this prompt"}. Configure a route for it (for Gemini models, set "
                    + "Providers:Gemini:ApiKey, or another route's key such as Providers:OpenRouter:ApiKey), or ask for a model a configured route serves."
                : "Every provider route failed: " + string.Join("; ", exception.Failures.Select(f => $"{f.Provider}: {f.Kind}")),
            extensions: new Dictionary<string, object?> { ["promptKey"] = exception.Key.ToString() });

    public static IResult RenderTimedOut() =>
        Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "Rendering timed out", detail: "The render took longer than Cache:RenderTimeout.");
}
