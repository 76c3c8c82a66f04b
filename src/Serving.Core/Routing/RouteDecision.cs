using Serving.Core.Contracts;
using Serving.Core.Registry;

namespace Serving.Core.Routing;

/// <summary>The version a request goes to and how it was chosen. A value: routing a request allocates nothing.</summary>
public readonly record struct RouteDecision(ModelGeneration Generation, RouteKind Kind);
