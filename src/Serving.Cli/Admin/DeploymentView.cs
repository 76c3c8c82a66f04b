using System.Globalization;

namespace Serving.Cli.Admin;

/// <summary>A deployment as the admin API shows and takes it.</summary>
public sealed record DeploymentView(int Stable, int? Canary, int CanaryWeight, int? Shadow)
{
    /// <summary>One line for people: <c>stable 2, canary 3 at 10%, shadow none</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"stable {Stable}, canary {(Canary is { } c ? $"{c} at {CanaryWeight}%" : "none")}, shadow {(Shadow?.ToString(CultureInfo.InvariantCulture) ?? "none")}");
}
