using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/IvrVoice.Benchmarks -- --filter '*'` runs every suite.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
