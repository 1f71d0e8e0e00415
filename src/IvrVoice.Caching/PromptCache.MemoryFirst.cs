using Microsoft.Extensions.Logging;

namespace IvrVoice.Caching;

public sealed partial class PromptCache
{
    /// <summary>
    /// Puts a prompt in the memory tier at once and writes it to the store in the background, for audio this process
    /// can rebuild from what is already cached (a joined announcement is rebuilt from its pieces): the caller is served
    /// without waiting on the store's durable write. A failed write is logged and the next miss rebuilds the prompt.
    /// Returns the store write, which never faults.
    /// </summary>
    public Task PutMemoryFirst(CachedPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        PromptKey.ThrowIfDefault(prompt.Metadata.Key);
        ObjectDisposedException.ThrowIf(IsDisposing(), this);
        SetMemory(prompt);
        return Task.Run(async () =>
        {
            try
            {
                await _store.PutAsync(prompt, _disposing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (IsDisposing())
            {
                // Shutting down: the prompt is rebuilt on the next miss.
            }
            catch (Exception exception)
            {
                MemoryFirstLog.StoreWriteFailed(_logger, exception, prompt.Metadata.Key.Value, _store.Name);
            }
        }, CancellationToken.None);
    }

    private static partial class MemoryFirstLog
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Prompt {PromptKey} is served from memory but could not be written to the {Store} store")]
        public static partial void StoreWriteFailed(ILogger logger, Exception exception, string promptKey, string store);
    }
}
