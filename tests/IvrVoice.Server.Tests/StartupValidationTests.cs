using System.Globalization;
using IvrVoice.Server.Hosting;
using IvrVoice.Server.Tests.Support;
using IvrVoice.Testing;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Tests;

/// <summary>Bad settings or a broken library stop the start-up with messages that name the setting or the file, never a secret.</summary>
public sealed class StartupValidationTests : IDisposable
{
    private readonly TestLibrary _library = new();

    public void Dispose() => _library.Dispose();

    [Fact]
    public void Validate_BadStreamingSettings_ReportsEverySettingByNameAndNoValue()
    {
        IvrVoice.Server.Streaming.StreamingOptions options = new()
        {
            MaxStallSilence = TimeSpan.FromSeconds(37),
            IdleTimeout = TimeSpan.FromMilliseconds(10),
            MaxDuration = TimeSpan.FromHours(5),
            TicketLifetime = TimeSpan.FromDays(2),
            HandoffTimeout = TimeSpan.FromSeconds(99),
            MaxMessageBytes = 13,
            TypicalLevelDbfs = 7.25,
            Playback = (IvrVoice.Server.Streaming.StreamPlayback)42,
        };

        ValidateOptionsResult result = new IvrVoice.Server.Streaming.StreamingOptionsValidator().Validate(null, options);

        string[] failures = [.. result.Failures!];
        Assert.Equal(8, failures.Length);
        foreach (string setting in (string[])["MaxStallSilence", "IdleTimeout", "MaxDuration", "TicketLifetime", "HandoffTimeout", "MaxMessageBytes", "TypicalLevelDbfs", "Playback"])
        {
            Assert.Contains(failures, f => f.StartsWith($"Streaming:{setting} must be", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(failures, f => f.Contains("37", StringComparison.Ordinal) || f.Contains("42", StringComparison.Ordinal)
            || f.Contains("13", StringComparison.Ordinal) || f.Contains("7.25", StringComparison.Ordinal) || f.Contains("99", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadServiceSettings_ReportsEverySettingByNameAndNoValue()
    {
        ServiceOptions options = new()
        {
            UrlSigningKey = "short-secret-value",
            ApiKeys = ["tiny-secret", " padded-key-0123456789 "],
            AnnouncementUrlLifetime = TimeSpan.FromDays(30),
            InCallWait = TimeSpan.FromSeconds(20),
            RateLimit = new RateLimitOptions { Burst = 0, PermitsPerMinute = 0 },
        };

        ValidateOptionsResult result = new ServiceOptionsValidator().Validate(null, options);

        string[] failures = [.. result.Failures!];
        Assert.Equal(7, failures.Length);
        Assert.Contains(failures, f => f.StartsWith("Service:UrlSigningKey must be at least 32 characters", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Service:ApiKeys:0 must be at least 16 characters", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Service:ApiKeys:1 has leading or trailing whitespace", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Service:AnnouncementUrlLifetime", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Service:InCallWait", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Service:RateLimit:PermitsPerMinute", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Service:RateLimit:Burst", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("secret", StringComparison.Ordinal) || f.Contains("padded", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DefaultServiceSettings_Pass()
    {
        Assert.True(new ServiceOptionsValidator().Validate(null, new ServiceOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadTransportSettings_ReportsEverySettingByNameAndNoValue()
    {
        TransportOptions options = new() { IOQueueCount = -7, MaxResponseBufferBytes = 123 };

        ValidateOptionsResult result = new TransportOptionsValidator().Validate(null, options);

        string[] failures = [.. result.Failures!];
        Assert.Equal(2, failures.Length);
        Assert.Contains(failures, f => f.StartsWith("Transport:IOQueueCount must be between 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Transport:MaxResponseBufferBytes must be between 4096", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("-7", StringComparison.Ordinal) || f.Contains("123", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 4096L)]
    [InlineData(64, 16L * 1024 * 1024)]
    public void Validate_TransportSettingsAtTheirLimits_Pass(int ioQueueCount, long maxResponseBufferBytes)
    {
        TransportOptions options = new() { IOQueueCount = ioQueueCount, MaxResponseBufferBytes = maxResponseBufferBytes };

        Assert.True(new TransportOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new TransportOptionsValidator().Validate(null, new TransportOptions()).Succeeded);
    }

    [Theory]
    [InlineData("65", "4096")]
    [InlineData("1", "16777217")]
    public void Validate_TransportSettingsJustPastTheirLimits_Fail(string ioQueueCount, string maxResponseBufferBytes)
    {
        TransportOptions options = new() { IOQueueCount = int.Parse(ioQueueCount, CultureInfo.InvariantCulture), MaxResponseBufferBytes = long.Parse(maxResponseBufferBytes, CultureInfo.InvariantCulture) };

        Assert.Single(new TransportOptionsValidator().Validate(null, options).Failures!);
    }

    [Theory]
    [InlineData("", "espeak-ng", "Flows:Folder must name")]
    [InlineData("prompts", "festival", "Flows:FallbackModel must be empty or one of")]
    public void Validate_BadFlowSettings_ReportsTheSetting(string folder, string fallbackModel, string expected)
    {
        ValidateOptionsResult result = new FlowOptionsValidator().Validate(null, new FlowOptions { Folder = folder, FallbackModel = fallbackModel });

        Assert.StartsWith(expected, Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadSettings_ExitsWith2ListingEverySettingWithoutAStackTrace()
    {
        (int exitCode, string output) = await ServiceProcess.RunToExitAsync(new Dictionary<string, string?>
        {
            ["Flows:Folder"] = _library.Folder,
            ["Twilio:RequestValidation"] = "Enabled",
            ["Service:UrlSigningKey"] = "short-secret-value",
            ["Service:InCallWait"] = "00:01:00",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("IvrVoice cannot start; fix these settings:", output);
        Assert.Contains("Twilio:AuthToken is required while Twilio:RequestValidation is Enabled", output);
        Assert.Contains("Service:UrlSigningKey must be at least 32 characters", output);
        Assert.Contains("Service:InCallWait must be greater than zero and at most", output);
        Assert.DoesNotContain("short-secret-value", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Run_BadSettingsInEverySection_AllReportedInOneStartByNameNeverByValue()
    {
        (int exitCode, string output) = await ServiceProcess.RunToExitAsync(new Dictionary<string, string?>
        {
            ["Flows:Folder"] = _library.Folder,
            ["Flows:FallbackModel"] = "festival-secret-model",
            ["Twilio:AuthToken"] = "twilio-token-value",
            ["Twilio:PublicBaseUrl"] = "https://operator:pa55word-in-url@ivr.example.com/",
            ["Cache:Disk:SizeLimitBytes"] = "-5",
            ["Cache:StoreTimeout"] = "00:10:00",
            ["Service:UrlSigningKey"] = "short-secret-value",
            ["Service:InCallWait"] = "00:01:00",
            ["Transport:MaxResponseBufferBytes"] = "1023",
        });

        Assert.Equal(2, exitCode);
        foreach (string setting in new[] { "Flows:FallbackModel", "Twilio:PublicBaseUrl", "Cache:Disk:SizeLimitBytes", "Cache:StoreTimeout", "Service:UrlSigningKey", "Service:InCallWait", "Transport:MaxResponseBufferBytes" })
        {
            Assert.Contains(setting, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("pa55word", output, StringComparison.Ordinal);
        Assert.DoesNotContain("operator", output, StringComparison.Ordinal);
        Assert.DoesNotContain("festival-secret-model", output, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret-value", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ValueOfTheWrongType_ExitsWith2NamingTheSetting()
    {
        (int exitCode, string output) = await ServiceProcess.RunToExitAsync(new Dictionary<string, string?>
        {
            ["Flows:Folder"] = _library.Folder,
            ["Twilio:RequestValidation"] = "Disabled",
            ["Service:InCallWait"] = "five seconds",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("IvrVoice cannot start: Failed to convert configuration value", output);
        Assert.Contains("Service:InCallWait", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Run_BrokenLibrary_ExitsWith2ListingFileLineAndColumn()
    {
        using TempDirectory broken = new("ivrvoice-server-broken-");
        File.WriteAllText(Path.Combine(broken.Path, "flows.yaml"), "flows:\n  main:\n    entry: nowhere\n    menus: {}\n");

        (int exitCode, string output) = await ServiceProcess.RunToExitAsync(new Dictionary<string, string?>
        {
            ["Flows:Folder"] = broken.Path,
            ["Twilio:RequestValidation"] = "Disabled",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("(Flows:Folder)", output);
        Assert.Matches(@"flows\.yaml:\d+:\d+: error: ", output);
        Assert.DoesNotContain("   at ", output);
    }
}
