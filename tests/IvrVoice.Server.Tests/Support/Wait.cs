namespace IvrVoice.Server.Tests.Support;

internal static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> after a generous limit (not a speed check).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        DateTime giveUp = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, $"Gave up waiting: {what}");
            await Task.Delay(50);
        }
    }
}
