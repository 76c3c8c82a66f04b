namespace Serving.Core.Tests.Registry;

/// <summary>Tests that measure the process's memory run alone, so other tests' allocations do not blur the figures.</summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;
