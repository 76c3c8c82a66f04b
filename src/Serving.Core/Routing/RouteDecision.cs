using Serving.Core.Registry;

namespace Serving.Core.Routing;

/// <summary>The version a request goes to, how it was chosen, and the shadow that gets a copy (if any).</summary>
public sealed record RouteDecision(ModelGeneration Generation, RouteKind Kind, ModelGeneration? Shadow);
