extern alias emulator;

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Audio;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Telephony.Signatures;

namespace IvrVoice.Server.Tests;

/// <summary><c>/prompts/{key}.wav</c>: the cached μ-law WAV with the HTTP caching Twilio's fetchers reward.</summary>
public sealed class PromptMediaTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly TestLibrary _library = new();
    private readonly TtsEmulator _emulator = VoiceWebhookTests.Reset(fixture.Emulator);

    public void Dispose() => _library.Dispose();

    [Fact]
    public async Task Get_CachedPrompt_ServesTheMuLawWavAsImmutable()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Your appointment is confirmed.");

        using HttpResponseMessage response = await host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        byte[] wav = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        string expectedTag = $"\"{Convert.ToHexStringLower(SHA256.HashData(wav))}\"";
        Assert.Equal(expectedTag, response.Headers.ETag?.ToString());
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));

        PcmAudio audio = AudioDecoder.Decode(wav);
        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(7, BitConverter.ToInt16(wav, 20));   // WAVE_FORMAT_MULAW
    }

    [Fact]
    public async Task Get_MatchingIfNoneMatch_Answers304WithoutABody()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Your appointment is tomorrow.");
        using HttpResponseMessage first = await host.Client.GetAsync(path);

        using HttpRequestMessage conditional = new(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using HttpResponseMessage response = await host.Client.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, response.Headers.ETag);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Get_OtherIfNoneMatch_Answers200()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Your appointment is next week.");

        using HttpRequestMessage conditional = new(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000\""));
        using HttpResponseMessage response = await host.Client.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_Range_Answers206WithThoseBytes()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Your appointment was moved.");
        byte[] whole = await host.Client.GetByteArrayAsync(path);

        using HttpRequestMessage ranged = new(HttpMethod.Get, path);
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        using HttpResponseMessage response = await host.Client.SendAsync(ranged);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole.AsSpan(100, 100).ToArray(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100-199/{whole.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Get_RangeBeyondTheEnd_Answers416()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Your appointment was cancelled.");

        using HttpRequestMessage ranged = new(HttpMethod.Get, path);
        ranged.Headers.Range = new RangeHeaderValue(50_000_000, null);
        using HttpResponseMessage response = await host.Client.SendAsync(ranged);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
    }

    [Fact]
    public async Task Head_CachedPrompt_AnswersHeadersWithTheFullLengthAndNoBody()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Please arrive ten minutes early.");
        byte[] whole = await host.Client.GetByteArrayAsync(path);

        using HttpResponseMessage response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(whole.Length, response.Content.Headers.ContentLength);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Fetch_Plain_SendsTheHeadersAndBytesOfAspNetsFileResult(string method)
    {
        // A plain fetch is answered from headers prepared once per prompt; a conditional one that does not match goes
        // through ASP.NET's file result. Both must send the same answer, header for header and byte for byte.
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Your prescription is ready.");

        (HttpStatusCode Status, string[] Headers, byte[] Body) prepared = await FetchAsync(host, method, path, ifNoneMatch: null);
        (HttpStatusCode Status, string[] Headers, byte[] Body) framework = await FetchAsync(host, method, path, ifNoneMatch: "\"0000\"");
        (HttpStatusCode Status, string[] Headers, byte[] Body) again = await FetchAsync(host, method, path, ifNoneMatch: null);

        Assert.Equal(HttpStatusCode.OK, prepared.Status);
        Assert.Equal(framework.Status, prepared.Status);
        Assert.Equal(framework.Headers, prepared.Headers);
        Assert.Equal(framework.Body, prepared.Body);
        Assert.Equal(prepared.Headers, again.Headers);
        Assert.Equal(prepared.Body, again.Body);
        Assert.Contains("Content-Length: " + (method == "HEAD" ? (await host.Client.GetByteArrayAsync(path)).Length : prepared.Body.Length), prepared.Headers);
        Assert.Equal(method == "HEAD", prepared.Body.Length == 0);
    }

    [Fact]
    public async Task Get_IfModifiedSinceRenderTime_Answers304()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Your order has shipped.");
        using HttpResponseMessage first = await host.Client.GetAsync(path);

        using HttpRequestMessage conditional = new(HttpMethod.Get, path);
        conditional.Headers.IfModifiedSince = first.Content.Headers.LastModified;
        using HttpResponseMessage response = await host.Client.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(first.Headers.ETag, response.Headers.ETag);
    }

    [Fact]
    public async Task Get_UnknownKey_Answers404AndRendersNothing()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.Client.GetAsync($"/prompts/{new string('a', 64)}.wav");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, _emulator.Submissions("gemini"));
    }

    [Theory]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]   // upper case
    [InlineData("abc")]                                                                // too short
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg")]   // not hex
    [InlineData("..%2F..%2Fetc%2Fpasswd")]                                             // a path trick
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.tmp")] // a second extension
    public async Task Get_MalformedKey_Answers400(string key)
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);

        using HttpResponseMessage response = await host.Client.GetAsync($"/prompts/{key}.wav");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_ByDefault_RefusesUnsignedAndServesTwilioSigned()
    {
        await using ServerHost host = ServerHost.Start(_emulator, _library.Folder);
        string path = await RenderAsync(host, "Only Twilio may fetch this.");

        using HttpResponseMessage unsigned = await host.UnsignedClient.GetAsync(path);
        using HttpRequestMessage signedRequest = new(HttpMethod.Get, path);
        signedRequest.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(ServerHost.AuthToken, ServerHost.PublicBaseUrl + path));
        using HttpResponseMessage signed = await host.UnsignedClient.SendAsync(signedRequest);

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
    }

    /// <summary>Status, every header but Date as "Name: value" in order of name, and the body.</summary>
    private static async Task<(HttpStatusCode Status, string[] Headers, byte[] Body)> FetchAsync(ServerHost host, string method, string path, string? ifNoneMatch)
    {
        using HttpRequestMessage request = new(new HttpMethod(method), path);
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(ifNoneMatch));
        }

        using HttpResponseMessage response = await host.Client.SendAsync(request);
        string[] headers = [.. response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .Select(h => $"{h.Key}: {string.Join(", ", h.Value)}")
            .Order(StringComparer.Ordinal)];
        return (response.StatusCode, headers, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>Renders through the API and returns the local path of the prompt's URL.</summary>
    private static async Task<string> RenderAsync(ServerHost host, string text)
    {
        using HttpResponseMessage response = await host.PostJsonAsync("/api/prompts", JsonSerializer.Serialize(new { text }));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return ServerHost.LocalPath(JsonDocument.Parse(body).RootElement.GetProperty("url").GetString()!);
    }
}
