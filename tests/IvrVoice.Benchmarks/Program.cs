using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/IvrVoice.Benchmarks -- --filter '*'` runs every suite;
// `... -- metrics-output FOLDER` writes both /metrics exporters' output for the same measurements (docs/dependencies.md);
// `... -- streams` runs the Media Streams playout measurement (docs/service.md, "Streaming playout");
// `... -- mastering-share` times mastering's share of a 10 s prompt's transcode by a Stopwatch (docs/audio.md).
if (args is ["metrics-output", string folder])
{
    await IvrVoice.Benchmarks.Metrics.MetricsExporterBenchmarks.WriteOutputsAsync(folder);
    return 0;
}

if (args.Length > 0 && args[0] == "mastering-share")
{
    return IvrVoice.Benchmarks.Audio.MasteringShareProbe.Run(args[1..]);
}

if (args is ["ticket-sizes"])
{
    return IvrVoice.Benchmarks.Streaming.TicketEncodeBenchmarks.PrintSizes();
}

if (args.Length > 0 && args[0] == "streams")
{
    return await IvrVoice.Benchmarks.Streaming.StreamBench.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
