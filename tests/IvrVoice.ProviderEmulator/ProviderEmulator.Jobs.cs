using System.Text;
using System.Text.Json.Nodes;

namespace IvrVoice.ProviderEmulator;

public sealed partial class TtsEmulator
{
    private enum JobState
    {
        Queued,
        Processing,
        Completed,
        Failed,
        Error,
    }

    private EmulatedJob NewJob(string route, string id, EmulatorFault? submitFault, string text)
    {
        EmulatorFault? end = submitFault?.Kind == FaultKind.ContentBlocked ? submitFault : _state.TakeJobFault(route);
        EmulatedJob job = new(id, route, Clock.GetUtcNow(), end, text);
        _state.Jobs[id] = job;
        return job;
    }

    private JobState StateOf(EmulatedJob job)
    {
        TimeSpan elapsed = Clock.GetUtcNow() - job.Created;
        if (elapsed < QueuedFor)
        {
            return JobState.Queued;
        }

        if (elapsed < QueuedFor + ProcessingFor)
        {
            return JobState.Processing;
        }

        return job.EndFault?.Kind switch
        {
            FaultKind.JobError => JobState.Error,
            FaultKind.JobFailed or FaultKind.ContentBlocked => JobState.Failed,
            _ => JobState.Completed,
        };
    }

    private static string FailureText(EmulatedJob job) =>
        job.EndFault?.Message ?? (job.EndFault?.Kind == FaultKind.ContentBlocked
            ? "Request blocked by the RAI safety filter"
            : job.EndFault?.Kind == FaultKind.JobError ? "Internal system error" : "Generation failed");

    private string FileUrl(EmulatedJob job) => $"{ResultUrlRoot ?? Root}/{job.Route}/files/{job.Id}.wav";

    // GET /{route}/files/{id}.wav: the result download. Public, like the providers' CDNs: no key is needed.
    private void MapFiles(WebApplication app, string route) =>
        app.MapGet($"/{route}/files/{{file}}", async (HttpContext context, string file) =>
        {
            await RecordAsync(context, route, FaultPhase.Result);
            string id = file.EndsWith(".wav", StringComparison.Ordinal) ? file[..^4] : file;
            if (!_state.Jobs.TryGetValue(id, out EmulatedJob? job) || StateOf(job) != JobState.Completed)
            {
                context.Response.StatusCode = 404;
                return;
            }

            EmulatorFault? fault = _state.Take(route, FaultPhase.Result, servesAudio: true);
            if (!await DelayAsync(context, fault) || await TryStatusFaultAsync(context, route, fault))
            {
                return;
            }

            await WriteAudioAsync(context, fault, rawPcm: false);
        });

    private void ScheduleWebhook(EmulatedJob job, string url, Func<EmulatedJob, JsonNode> status)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? target) || !target.IsLoopback)
        {
            return;   // the emulator calls back only to this machine
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(QueuedFor + ProcessingFor + TimeSpan.FromMilliseconds(5)).ConfigureAwait(false);
            string body = status(job).ToJsonString();
            int? code = null;
            try
            {
                using StringContent content = new(body, Encoding.UTF8, "application/json");
                using HttpResponseMessage response = await _webhookClient.PostAsync(target, content).ConfigureAwait(false);
                code = (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            _state.Record(new WebhookDelivery(url, body, code));
        });
    }
}
