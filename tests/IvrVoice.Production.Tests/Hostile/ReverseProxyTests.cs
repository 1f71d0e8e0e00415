using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IvrVoice.Production.Tests.Hostile;

/// <summary>
/// The service behind a real nginx on a loopback port, as deployments run it. A default <c>proxy_pass</c> sends
/// <c>Host: 127.0.0.1:port</c> and no <c>X-Forwarded-For</c>, so every caller would look like a browser on the machine: the
/// audition page, its preview audio and its paid render must still refuse them.
/// </summary>
public sealed class ReverseProxyTests
{
    private const string DefaultProxy = "location / { proxy_pass http://127.0.0.1:{upstream}; }";

    // docs/service.md's configuration: the proxy says who the client is, and does not expose the audition page at all.
    private const string SafeProxy = """
        location /audition { return 404; }
        location / {
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            client_max_body_size 64k;
        }
        """;

    [SkippableFact]
    public async Task Audition_DefaultProxyPassAndDefaultAccess_RefusedThroughTheProxy()
    {
        await using ProxiedService live = await ProxiedService.StartAsync(DefaultProxy, auditionAccess: null);

        foreach (string path in new[] { "/audition", "/audition/api/prompts", $"/audition/preview/{new string('a', 64)}.wav" })
        {
            using HttpResponseMessage response = await live.Proxy.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{path} through nginx answered {(int)response.StatusCode}");
        }

        using HttpResponseMessage render = await live.Proxy.PostAsync("/audition/api/render", new StringContent("""{"prompt":"welcome"}""", Encoding.UTF8, "application/json"));
        Assert.True(render.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"render through nginx answered {(int)render.StatusCode}");
        Assert.Empty(live.Service.Emulator.Requests);
    }

    [SkippableFact]
    public async Task Audition_ExplicitLoopbackWithTheDocumentedProxy_LocalOnlyAndRefusedThroughTheProxy()
    {
        await using ProxiedService live = await ProxiedService.StartAsync(SafeProxy, auditionAccess: "Loopback");

        using HttpResponseMessage proxied = await live.Proxy.GetAsync("/audition/api/prompts");
        using HttpRequestMessage forwarded = new(HttpMethod.Get, "/audition/api/prompts");
        forwarded.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using HttpResponseMessage direct = await live.Service.Client.SendAsync(forwarded);
        using HttpResponseMessage local = await live.Service.Client.GetAsync("/audition/api/prompts");

        Assert.Equal(HttpStatusCode.NotFound, proxied.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [SkippableFact]
    public async Task Webhook_ThroughTheDocumentedProxy_SignedCallAnsweredAndHugeBodyRefused()
    {
        await using ProxiedService live = await ProxiedService.StartAsync(SafeProxy, auditionAccess: null);

        using HttpResponseMessage call = await live.Proxy.SendAsync(Twilio.SignedPost("/twilio/voice/main", Twilio.CallParameters(Twilio.CallSid(7))));
        using HttpResponseMessage huge = await live.Proxy.PostAsync("/twilio/voice/main", new ByteArrayContent(new byte[1 << 20]));

        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Twilio.AssertSpeaks(await call.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
    }

    private sealed class ProxiedService : IAsyncDisposable
    {
        private readonly TempDirectory _folder;
        private readonly Process _nginx;

        private ProxiedService(AuditionService service, TempDirectory folder, Process nginx, HttpClient proxy)
        {
            Service = service;
            _folder = folder;
            _nginx = nginx;
            Proxy = proxy;
        }

        public AuditionService Service { get; }

        public HttpClient Proxy { get; }

        public static async Task<ProxiedService> StartAsync(string locations, string? auditionAccess)
        {
            if (!ExternalTools.IsAvailable("nginx") && !File.Exists("/usr/sbin/nginx"))
            {
                ExternalTools.Missing("nginx (install the Debian package nginx-light)");
            }

            AuditionService service = new(auditionAccess);
            await service.InitializeAsync();
            TempDirectory folder = new("ivrvoice-nginx-");
            int port = FreePort();
            string conf = Path.Combine(folder.Path, "nginx.conf");
            string temp = folder.Path;
            File.WriteAllText(conf, $$"""
                worker_processes 1;
                daemon off;
                pid {{temp}}/nginx.pid;
                error_log {{temp}}/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path {{temp}}/body;
                    proxy_temp_path {{temp}}/proxy;
                    fastcgi_temp_path {{temp}}/fastcgi;
                    uwsgi_temp_path {{temp}}/uwsgi;
                    scgi_temp_path {{temp}}/scgi;
                    server {
                        listen 127.0.0.1:{{port}};
                        {{locations.Replace("{upstream}", service.Service.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}}
                    }
                }
                """);
            string nginxPath = ExternalTools.IsAvailable("nginx") ? "nginx" : "/usr/sbin/nginx";
            ProcessStartInfo start = new(nginxPath) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string argument in new[] { "-c", conf, "-p", temp, "-e", Path.Combine(temp, "error.log") })
            {
                start.ArgumentList.Add(argument);
            }

            Process nginx = Process.Start(start)!;
            HttpClient proxy = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    using HttpResponseMessage health = await proxy.GetAsync("/healthz");
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (attempt < 100 && !nginx.HasExited)
                {
                    // Not listening yet.
                }

                Assert.True(attempt < 100, "nginx did not answer /healthz within 100 tries");

                if (nginx.HasExited)
                {
                    Assert.Fail($"nginx exited: {nginx.StandardError.ReadToEnd()}");
                }

                await Task.Delay(100);
            }

            return new ProxiedService(service, folder, nginx, proxy);
        }

        public async ValueTask DisposeAsync()
        {
            Proxy.Dispose();
            if (!_nginx.HasExited)
            {
                _nginx.Kill(entireProcessTree: true);
                await _nginx.WaitForExitAsync();
            }

            _nginx.Dispose();
            await Service.DisposeAsync();
            _folder.Dispose();
        }

        private static int FreePort()
        {
            using TcpListener listener = new(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    private sealed class AuditionService(string? access) : LiveService
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            if (access is not null)
            {
                settings["Audition:Access"] = access;
            }
        }
    }
}
