using Microsoft.Extensions.Configuration.Json;

namespace IvrVoice.Server.Hosting;

internal static class EmbeddedDefaults
{
    private const string ResourceName = "IvrVoice.Server.appsettings.json";

    /// <summary>
    /// Puts the compiled-in appsettings.json beneath every other configuration source, so a fresh machine runs on it
    /// while appsettings files in the content root, environment variables and the command line still override it.
    /// </summary>
    public static WebApplicationBuilder AddEmbeddedDefaults(this WebApplicationBuilder builder)
    {
        Stream stream = typeof(EmbeddedDefaults).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new JsonStreamConfigurationSource { Stream = stream });
        return builder;
    }
}
