using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/IvrVoice.Benchmarks -- --filter '*'` runs every suite.
// `... -- metrics-output FOLDER` writes both /metrics exporters' output for the same measurements (docs/dependencies.md).
if (args is ["metrics-output", string folder])
{
    await IvrVoice.Benchmarks.Metrics.MetricsExporterBenchmarks.WriteOutputsAsync(folder);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
