using Microsoft.Extensions.Options;
using Serving.Core.Monitoring.Drift;

namespace Serving.Gateway.Rest.Monitoring;

/// <summary>Start-up validation of the drift settings that names every bad key, not just "invalid".</summary>
internal sealed class DriftOptionsValidator : IValidateOptions<DriftOptions>
{
    public ValidateOptionsResult Validate(string? name, DriftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
