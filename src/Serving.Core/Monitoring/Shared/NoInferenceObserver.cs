using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Shared;

/// <summary>Stands in for a monitor that, with replicas sharing Redis, is fed from the prediction streams instead of by this process's requests.</summary>
public sealed class NoInferenceObserver : IInferenceObserver
{
    public static NoInferenceObserver Instance { get; } = new();

    private NoInferenceObserver()
    {
    }

    public void OnCompleted(InferenceRecord record)
    {
    }
}
