namespace Serving.Core.Rollouts;

/// <summary>A step's judgement: the outcome, the figures it rests on, and each gate that failed or was not judged.</summary>
public sealed record RolloutVerdict(RolloutOutcome Outcome, RolloutFigures Figures, IReadOnlyList<string> Reasons);
