using Serving.Core.Packaging;

namespace Serving.Cli.Retraining;

/// <summary>What a job produced: the artifact and how to package it (a <see cref="PackageRequest"/> without registry or lineage filled in).</summary>
public sealed record TrainedCandidate(PackageRequest Package);
