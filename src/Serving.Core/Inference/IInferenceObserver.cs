using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>
/// Sees every finished request (canary statistics, shadow traffic, prediction logs). Called on the request
/// path after the answer is ready: an observer must return in microseconds, never block, and never throw.
/// </summary>
public interface IInferenceObserver
{
    /// <summary>A request reached the data plane (before routing); most observers need not care.</summary>
    void OnStarted(InferenceRequest request)
    {
    }

    void OnCompleted(InferenceRecord record);

    /// <summary>
    /// The caller went away (the request was cancelled) before an answer: the request ends without
    /// <see cref="OnCompleted"/>. Only observers that track requests in flight need care.
    /// </summary>
    void OnAbandoned(InferenceRequest request)
    {
    }
}
