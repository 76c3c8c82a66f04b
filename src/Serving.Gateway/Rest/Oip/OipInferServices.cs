using Microsoft.Extensions.Options;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;

namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// The singletons infer needs, looked up in the root provider once, on first use, rather than on every request (a
/// look-up is a hash and a lock-free read, but it is paid twice a prediction). First use rather than start-up: a host
/// that is built but never serves creates no data plane.
/// </summary>
internal sealed class OipInferServices(IServiceProvider provider)
{
    private IInferenceService? _service;
    private RequestLimits? _limits;
    private bool? _keepJsonText;

    public IServiceProvider Provider => provider;

    // A race on first use finds the same singletons twice: harmless.
    public IInferenceService Service => _service ??= provider.GetRequiredService<IInferenceService>();

    public RequestLimits Limits => _limits ??= provider.GetRequiredService<IOptions<RequestLimits>>().Value;

    /// <summary>Whether inputs keep their JSON text for the prediction log: only while there is a log to write.</summary>
    public bool KeepJsonText => _keepJsonText ??= provider.GetRequiredService<IOptions<PredictionLogOptions>>().Value.Enabled;
}
