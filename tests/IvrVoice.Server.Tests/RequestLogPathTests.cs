using IvrVoice.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace IvrVoice.Server.Tests;

/// <summary>The request log's path: every control character replaced, everything else as received.</summary>
public sealed class RequestLogPathTests
{
    [Fact]
    public void SafePath_EveryUtf16Character_ReplacedExactlyWhenItIsAControlCharacter()
    {
        for (int c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsSurrogate((char)c))
            {
                continue;
            }

            DefaultHttpContext context = new();
            context.Request.Path = new PathString("/a" + (char)c + "b");

            string logged = RequestLoggingMiddleware.SafePath(context.Request);

            Assert.Equal(char.IsControl((char)c) ? "/a?b" : "/a" + (char)c + "b", logged);
        }
    }

    [Fact]
    public void SafePath_WithPathBaseAndOverlongPath_JoinsAndCaps()
    {
        DefaultHttpContext context = new();
        context.Request.PathBase = new PathString("/ivr");
        context.Request.Path = new PathString("/" + new string('x', 300) + "\n");

        string logged = RequestLoggingMiddleware.SafePath(context.Request);

        Assert.Equal("/ivr/" + new string('x', 195) + "…", logged);
    }
}
