namespace Serving.Core.Registry.Mlflow;

/// <summary>Why a call to the MLflow tracking server failed.</summary>
public enum MlflowErrorKind
{
    /// <summary>No answer: refused connection, DNS failure, timeout, or a 5xx/429 from a server in trouble. Retrying later may work.</summary>
    Unreachable,

    /// <summary>The server answered and refused the request (4xx with MLflow's <c>error_code</c>); retrying unchanged will not help.</summary>
    Rejected,

    /// <summary>The answer was not what the MLflow REST API returns, or points where the gateway cannot follow.</summary>
    Invalid,
}
