namespace Serving.Core.Rollouts;

/// <summary>What one judgement of a step concluded.</summary>
public enum RolloutOutcome
{
    /// <summary>Every gate that could be judged held.</summary>
    Pass,

    /// <summary>At least one gate failed.</summary>
    Fail,

    /// <summary>Too little traffic to judge: the step is held, never passed.</summary>
    Wait,
}
