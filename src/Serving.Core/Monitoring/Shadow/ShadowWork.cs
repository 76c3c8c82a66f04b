using Serving.Core.Contracts;
using Serving.Core.Registry;

namespace Serving.Core.Monitoring.Shadow;

/// <summary>
/// A live request queued for the shadow: the shadow generation (a reference is held), the request, and the answer it is
/// compared with (both a row sample for a large request), and the rows it counts against the queue's row bound.
/// </summary>
internal sealed record ShadowWork(ModelGeneration Shadow, InferenceRequest Request, InferenceResponse Primary, TimeSpan PrimaryLatency, int Rows);
