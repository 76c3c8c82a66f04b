namespace Serving.Core.Monitoring.Performance;

/// <summary>One predicted row in a window, with its label once feedback gave one.</summary>
internal record struct WindowRow(DateTimeOffset Time, double Predicted, double[]? Probabilities, double Label, bool HasLabel);
