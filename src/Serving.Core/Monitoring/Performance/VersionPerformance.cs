namespace Serving.Core.Monitoring.Performance;

/// <summary>One version in the report: its latest closed window that has labels (else its latest closed one), and the open one.</summary>
/// <param name="Version">Version number.</param>
/// <param name="Task">binary, multiclass or regression.</param>
/// <param name="Window">The closed window reported; null until one has closed.</param>
/// <param name="Current">The window still filling; null when it is empty.</param>
public sealed record VersionPerformance(int Version, string Task, WindowSummary? Window, WindowSummary? Current);
