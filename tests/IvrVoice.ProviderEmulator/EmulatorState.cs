using System.Collections.Concurrent;

namespace IvrVoice.ProviderEmulator;

/// <summary>An asynchronous job: its route, when it was accepted, and how it will end.</summary>
internal sealed class EmulatedJob(string id, string route, DateTimeOffset created, EmulatorFault? endFault, string text)
{
    public string Id { get; } = id;
    public string Route { get; } = route;
    public DateTimeOffset Created { get; } = created;
    public EmulatorFault? EndFault { get; } = endFault;
    public string Text { get; } = text;
    public int Polls;
}

/// <summary>Faults waiting to strike, requests seen, jobs accepted. Thread-safe.</summary>
internal sealed class EmulatorState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(EmulatorFault Fault, int? Left)>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<WebhookDelivery> _webhooks = new();
    private double _faultRate;
    private Random _random = new(1);

    public ConcurrentDictionary<string, EmulatedJob> Jobs { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<WebhookDelivery> Webhooks => [.. _webhooks];

    public void Record(RecordedRequest request) => _requests.Enqueue(request);

    public void Record(WebhookDelivery delivery) => _webhooks.Enqueue(delivery);

    public void ClearRecords()
    {
        _requests.Clear();
        _webhooks.Clear();
    }

    public void Inject(string route, EmulatorFault fault)
    {
        lock (_lock)
        {
            if (!_faults.TryGetValue(route, out List<(EmulatorFault, int?)>? list))
            {
                _faults[route] = list = [];
            }

            list.Add((fault, fault.Times));
        }
    }

    public void ClearFaults()
    {
        lock (_lock)
        {
            _faults.Clear();
            _faultRate = 0;
        }
    }

    public void SetFaultRate(double rate, int seed)
    {
        lock (_lock)
        {
            _faultRate = rate;
            _random = new Random(seed);
        }
    }

    /// <summary>The fault for this request, if any: an injected one first, else one drawn at the random fault rate.</summary>
    public EmulatorFault? Take(string route, FaultPhase phase, bool servesAudio)
    {
        lock (_lock)
        {
            if (_faults.TryGetValue(route, out List<(EmulatorFault Fault, int? Left)>? list))
            {
                for (int i = 0; i < list.Count; i++)
                {
                    (EmulatorFault fault, int? left) = list[i];
                    bool applies = fault.IsAudioFault ? servesAudio : !fault.IsJobFault && fault.Phase == phase;
                    if (!applies)
                    {
                        continue;
                    }

                    if (left is { } n)
                    {
                        if (n <= 1)
                        {
                            list.RemoveAt(i);
                        }
                        else
                        {
                            list[i] = (fault, n - 1);
                        }
                    }

                    return fault;
                }
            }

            return _faultRate > 0 && _random.NextDouble() < _faultRate ? RandomFault(phase, servesAudio) : null;
        }
    }

    /// <summary>How a newly accepted job will end: an injected job fault, or null for success.</summary>
    public EmulatorFault? TakeJobFault(string route)
    {
        lock (_lock)
        {
            if (_faults.TryGetValue(route, out List<(EmulatorFault Fault, int? Left)>? list))
            {
                int i = list.FindIndex(f => f.Fault.IsJobFault);
                if (i >= 0)
                {
                    (EmulatorFault fault, int? left) = list[i];
                    if (left is { } n && n <= 1)
                    {
                        list.RemoveAt(i);
                    }
                    else if (left is { } m)
                    {
                        list[i] = (fault, m - 1);
                    }

                    return fault;
                }
            }

            return null;
        }
    }

    // The transient faults a real provider shows under load; every one of them must be survived by retry or failover.
    private EmulatorFault RandomFault(FaultPhase phase, bool servesAudio)
    {
        int choice = _random.Next(servesAudio ? 6 : 4);
        return choice switch
        {
            0 => EmulatorFault.Http(500),
            1 => EmulatorFault.Http(503, TimeSpan.FromMilliseconds(100)),
            2 => EmulatorFault.Http(429, TimeSpan.FromMilliseconds(200)),
            3 => new EmulatorFault(FaultKind.Slow) { Delay = TimeSpan.FromMilliseconds(300), Phase = phase },
            4 => new EmulatorFault(FaultKind.NoAudio),
            _ => new EmulatorFault(FaultKind.TruncatedWav),
        } with { Phase = phase };
    }
}
