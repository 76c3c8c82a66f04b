using Serving.Core.Contracts;
using Serving.Core.Registry;

namespace Serving.Core.Routing;

/// <summary>The version a request goes to and how it was chosen.</summary>
public sealed record RouteDecision(ModelGeneration Generation, RouteKind Kind);
