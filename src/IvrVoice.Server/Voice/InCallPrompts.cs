using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Voice;

/// <summary>
/// Gets the prompts of one webhook answer ready while a caller waits: each is taken from the cache or rendered (once, however
/// many calls ask), all within <c>Service:InCallWait</c>. A prompt not ready by then, or whose render failed, comes back as
/// null so the answer speaks it with &lt;Say&gt;; its render, if still running, finishes in the background for the next caller.
/// </summary>
internal sealed partial class InCallPrompts(
    PromptRenderer renderer,
    IOptions<ServiceOptions> options,
    ServerMetrics metrics,
    TimeProvider time,
    ILogger<InCallPrompts> logger)
{
    private readonly TimeSpan _wait = options.Value.InCallWait;

    /// <summary>The key of each spec's cached audio, or null where &lt;Say&gt; must stand in; in the order given.</summary>
    public Task<PromptKey?[]> ResolveAsync(IReadOnlyList<PromptSpec> specs, CancellationToken requestAborted) =>
        ResolveAsync([.. specs.Select(For)], requestAborted);

    /// <summary>The work that gets a library prompt's audio in a call: from the cache, or rendered once however many calls ask.</summary>
    public InCallPrompt For(PromptSpec spec) =>
        new(PromptKeys.For(spec), wait => renderer.GetOrRenderAsync(spec, RenderUrgency.InCall, CacheMode.ReadWrite, wait));

    /// <summary>The key of each prompt's audio, or null where &lt;Say&gt; must stand in; in the order given; one wait for all.</summary>
    public Task<PromptKey?[]> ResolveAsync(IReadOnlyList<InCallPrompt> prompts, CancellationToken requestAborted)
    {
        if (prompts.Count == 0)
        {
            return Task.FromResult<PromptKey?[]>([]);
        }

        // Every prompt is asked for at once. Prompts in the memory tier answer at once, and when all do (nearly every
        // webhook of a warm service) the answer needs no deadline: no timer is set up and no task awaited.
        Task<CachedPrompt>[] work = new Task<CachedPrompt>[prompts.Count];
        bool allReady = true;
        for (int i = 0; i < work.Length; i++)
        {
            work[i] = Start(prompts[i], requestAborted);
            allReady &= work[i].IsCompletedSuccessfully;
        }

        if (allReady)
        {
            PromptKey?[] keys = new PromptKey?[work.Length];
            for (int i = 0; i < work.Length; i++)
            {
                keys[i] = work[i].Result.Metadata.Key;
            }

            return Task.FromResult(keys);
        }

        return WaitAsync(prompts, work, requestAborted);
    }

    private static Task<CachedPrompt> Start(InCallPrompt prompt, CancellationToken requestAborted)
    {
        try
        {
            return prompt.GetAsync(requestAborted);
        }
        catch (Exception exception)
        {
            return Task.FromException<CachedPrompt>(exception);
        }
    }

    private async Task<PromptKey?[]> WaitAsync(IReadOnlyList<InCallPrompt> prompts, Task<CachedPrompt>[] work, CancellationToken requestAborted)
    {
        using CancellationTokenSource deadline = new(_wait, time);
        using CancellationTokenSource wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, requestAborted);
        Task<PromptKey?>[] keys = new Task<PromptKey?>[work.Length];
        for (int i = 0; i < work.Length; i++)
        {
            keys[i] = ResolveAsync(prompts[i].Key, work[i], wait.Token);
        }

        return await Task.WhenAll(keys).ConfigureAwait(false);
    }

    private async Task<PromptKey?> ResolveAsync(PromptKey key, Task<CachedPrompt> work, CancellationToken wait)
    {
        try
        {
            // The wait ends at the deadline or when the caller hangs up; PromptCache keeps the shared render going (up to
            // Providers:InCallDeadline) for the next caller.
            CachedPrompt prompt = await work.WaitAsync(wait).ConfigureAwait(false);
            return prompt.Metadata.Key;
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            // The work goes on without this request (its own timeouts end it); a fault it meets later is observed here.
            _ = work.ContinueWith(static done => _ = done.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            metrics.SayFallback("deadline");
            Log.NotReadyInTime(logger, key.ToString(), _wait.TotalSeconds);
        }
        catch (PromptRenderException exception)
        {
            metrics.SayFallback("render_failed");
            Log.RenderFailed(logger, exception.Key.ToString(), exception.Failures.Count);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Whatever went wrong, the caller hears the text rather than silence or an error.
            metrics.SayFallback("error");
            Log.Failed(logger, exception, key.ToString());
        }

        return null;
    }

    /// <summary>One prompt of an answer: the key its logs name (for an announcement, its whole render's) and the work that gets its audio.</summary>
    internal sealed record InCallPrompt(PromptKey Key, Func<CancellationToken, Task<CachedPrompt>> GetAsync);

    private static partial class Log
    {
        [LoggerMessage(EventId = 5400, Level = LogLevel.Warning, Message = "Prompt {PromptKey} was not ready within {WaitSeconds} s; speaking it with <Say> while it renders")]
        public static partial void NotReadyInTime(ILogger logger, string promptKey, double waitSeconds);

        [LoggerMessage(EventId = 5401, Level = LogLevel.Warning, Message = "Prompt {PromptKey} could not be rendered ({FailureCount} route failures); speaking it with <Say>")]
        public static partial void RenderFailed(ILogger logger, string promptKey, int failureCount);

        [LoggerMessage(EventId = 5402, Level = LogLevel.Error, Message = "Prompt {PromptKey} failed unexpectedly; speaking it with <Say>")]
        public static partial void Failed(ILogger logger, Exception exception, string promptKey);
    }
}
