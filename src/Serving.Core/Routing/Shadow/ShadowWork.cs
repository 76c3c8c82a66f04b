using Serving.Core.Inference;
using Serving.Core.Registry;

namespace Serving.Core.Routing.Shadow;

/// <summary>A live request queued for the shadow: the shadow generation (a reference is held), the request, and the answer it is compared with.</summary>
internal sealed record ShadowWork(ModelGeneration Shadow, InferenceRequest Request, InferenceResponse Primary, TimeSpan PrimaryLatency);
