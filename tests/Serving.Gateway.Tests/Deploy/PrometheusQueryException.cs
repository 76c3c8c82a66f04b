namespace Serving.Gateway.Tests.Deploy;

/// <summary>Prometheus refused a query (bad syntax, a matching error); the message is its own.</summary>
internal sealed class PrometheusQueryException(string message) : Exception(message);
