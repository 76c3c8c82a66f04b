using BenchmarkDotNet.Running;
using Serving.LoadTests.DataPlaneBench;

// loadtests/dataplane-bench.sh, or: dotnet run -c Release --project loadtests/DataPlaneBench [-- BenchmarkDotNet arguments]
// "phases" instead prints allocated bytes per request by phase (decode, infer, encode) and for the whole process.
if (args is ["phases", ..])
{
    await AllocationPhases.RunAsync(args.Length > 1 ? args[1] : "defaults");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(DataPlaneBenchmarks).Assembly).Run(args, BenchConfig.Create());
