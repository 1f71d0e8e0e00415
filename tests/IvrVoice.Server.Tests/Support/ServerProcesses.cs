extern alias emulator;

using System.Net;
using System.Text.Json;
using emulator::IvrVoice.ProviderEmulator;
using IvrVoice.Testing;

namespace IvrVoice.Server.Tests.Support;

/// <summary>
/// The server as its own process (<see cref="ServiceProcess"/>), configured like <see cref="ServerHost"/>, and the requests
/// the process tests send it: relative paths go to the process through <see cref="ServiceProcess.Client"/>.
/// </summary>
internal static class ServerProcesses
{
    /// <summary>Starts the server with <see cref="ServerHost.Settings"/> for <paramref name="emulator"/> and the library in <paramref name="libraryFolder"/>.</summary>
    public static Task<ServiceProcess> StartAsync(TtsEmulator emulator, string libraryFolder, IReadOnlyDictionary<string, string?>? overrides = null) =>
        ServiceProcess.StartAsync(ServerHost.Settings(emulator, libraryFolder, overrides));

    /// <summary>Sends <paramref name="request"/> and returns the body, failing the test (with the body) on anything but <paramref name="expected"/>.</summary>
    public static async Task<string> SendAsync(this ServiceProcess server, HttpRequestMessage request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using (request)
        {
            using HttpResponseMessage response = await server.Client.SendAsync(request);
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {body}");
            return body;
        }
    }

    /// <summary>A JSON POST to the API with the test key; returns the answer's JSON (200 expected).</summary>
    public static async Task<JsonElement> PostApiAsync(this ServiceProcess server, string path, string json)
    {
        string body = await server.SendAsync(ServerHost.ApiPost(path, json));
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
