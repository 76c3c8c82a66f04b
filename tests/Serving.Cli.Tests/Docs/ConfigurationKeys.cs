extern alias gateway;

using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serving.Core.Coordination;
using Serving.Core.Events.Webhooks;
using Serving.Core.Inference;
using Serving.Core.Monitoring;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Monitoring.Shadow;
using Serving.Core.Registry;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Rollouts;
using Serving.Core.Routing;
using Serving.Core.Routing.Redis;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Scheduling;
using Serving.Core.Storage;
using AdminOptions = gateway::Serving.Gateway.Rest.Admin.AdminOptions;

namespace Serving.Cli.Tests.Docs;

/// <summary>
/// One configuration section the gateway reads: bound to an options type, or a single key read as it is
/// (<see cref="Type"/> null). <see cref="Source"/> is the literal the gateway's code passes to
/// <c>GetSection</c>, <c>GetValue</c> or an indexer, null where the framework reads it (Kestrel endpoints).
/// </summary>
internal sealed record ConfigurationSection(string Path, Type? Type, string? Source, params string[] Except);

/// <summary>
/// Which configuration keys exist: the sections the gateway reads, and the options types bound to them walked by
/// reflection as the configuration binder walks them. <c>&lt;name&gt;</c> in a key stands for any dictionary key
/// (a model name), a number or <c>&lt;i&gt;</c> for a list index.
/// </summary>
internal static partial class ConfigurationKeys
{
    /// <summary>Every section the gateway reads. <see cref="DocsHonestyTests"/> checks this table against the code.</summary>
    public static readonly IReadOnlyList<ConfigurationSection> Sections =
    [
        new("Kestrel", typeof(KestrelServerOptions), "Kestrel"),
        new("Kestrel:Endpoints:<name>:Url", null, null),
        new("Kestrel:Endpoints:<name>:Protocols", null, null),
        new("Serving", typeof(ServingOptions), "Serving"),
        new("Serving", typeof(DataPathOptions), "Serving"),
        new(RequestLimits.SectionName, typeof(RequestLimits), "Serving:Limits"),
        new("Serving:Registry", typeof(RegistryOptions), "Serving:Registry"),
        new("Serving:Deployment", typeof(DeploymentOptions), "Serving:Deployment", nameof(DeploymentOptions.Models)),
        new("Serving:Models:<name>", typeof(ModelOptions), "Serving:Models"),
        new("Serving:Models:<name>:Source", null, "Source"),
        new("Serving:Models:<name>:Policy", null, "Policy"),
        new("Serving:Models:<name>:Mlflow", typeof(MlflowModelOptions), "Mlflow"),
        new(MlflowOptions.SectionName, typeof(MlflowOptions), MlflowOptions.SectionName),
        new(RolloutOptions.SectionName, typeof(RolloutOptions), RolloutOptions.SectionName),
        new(OnnxRuntimeOptions.SectionName, typeof(OnnxRuntimeOptions), OnnxRuntimeOptions.SectionName),
        new("Serving:Admin", typeof(AdminOptions), "Serving:Admin"),
        new("Serving:Redis:Configuration", null, "Serving:Redis:Configuration"),
        new(LeaseOptions.SectionName, typeof(LeaseOptions), LeaseOptions.SectionName),
        new(SharedDeploymentOptions.SectionName, typeof(SharedDeploymentOptions), SharedDeploymentOptions.SectionName),
        new("Serving:Monitoring", typeof(DriftOptions), "Serving:Monitoring"),
        new("Serving:Monitoring:WindowRows", null, "Serving:Monitoring:WindowRows"),
        new("Serving:Monitoring:PredictionLog", typeof(PredictionLogOptions), "Serving:Monitoring:PredictionLog"),
        new("Serving:Monitoring:Performance", typeof(PerformanceOptions), "Serving:Monitoring:Performance"),
        new(MonitoringPipelineOptions.SectionName, typeof(MonitoringPipelineOptions), MonitoringPipelineOptions.SectionName),
        new("Serving:Shadow", typeof(ShadowOptions), "Serving:Shadow"),
        new("Serving:Retraining", typeof(RetrainingOptions), "Serving:Retraining"),
        new(WebhookOptions.SectionName, typeof(WebhookOptions), WebhookOptions.SectionName),
    ];

    /// <summary>Keys named in a piece of code: <c>Serving:...</c>/<c>Kestrel:...</c>, also as <c>--Key=value</c> or as environment variables (<c>Serving__Registry__Path</c>).</summary>
    public static IEnumerable<string> In(string code) =>
        ColonKey().Matches(code).Select(m => m.Value)
            .Concat(EnvironmentKey().Matches(code).Select(m => m.Value.Replace("__", ":", StringComparison.Ordinal)));

    /// <summary>Whether the key exists: it is a section above a known key, or it resolves into a section's options type.</summary>
    public static bool Exists(string key)
    {
        var segments = key.Split(':');
        foreach (var section in Sections)
        {
            var path = section.Path.Split(':');
            var common = Math.Min(path.Length, segments.Length);
            if (!path.Take(common).Zip(segments.Take(common)).All(p => SegmentMatches(p.First, p.Second)))
            {
                continue;
            }

            if (segments.Length <= path.Length)
            {
                return true;
            }

            if (section.Type is not null && Resolves(section.Type, segments[path.Length..], section.Except))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every key the options types bind, under <paramref name="root"/>, with <c>&lt;name&gt;</c> for dictionary keys.</summary>
    public static IEnumerable<string> All(string root) =>
        Sections.Where(s => s.Path == root || s.Path.StartsWith(root + ":", StringComparison.Ordinal))
            .SelectMany(s => s.Type is null ? [s.Path] : Leaves(s.Type, s.Path, s.Except, depth: 0))
            .Distinct(StringComparer.Ordinal);

    private static bool SegmentMatches(string pattern, string segment) =>
        pattern == "<name>" || string.Equals(pattern, segment, StringComparison.OrdinalIgnoreCase);

    private static bool Resolves(Type type, ReadOnlySpan<string> segments, string[] except)
    {
        if (segments.IsEmpty)
        {
            return true;
        }

        if (IsLeaf(type))
        {
            return false;
        }

        if (DictionaryValue(type) is { } value)
        {
            return Resolves(value, segments[1..], []);
        }

        if (ListElement(type) is { } element)
        {
            return (int.TryParse(segments[0], out _) || segments[0] is ['<', .., '>']) && Resolves(element, segments[1..], []);
        }

        var name = segments[0];
        var property = Bindable(type).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && !except.Contains(p.Name));
        return property is not null && Resolves(property.PropertyType, segments[1..], []);
    }

    private static IEnumerable<string> Leaves(Type type, string prefix, string[] except, int depth)
    {
        if (depth > 8)
        {
            yield break;
        }

        if (IsLeaf(type) || ListElement(type) is not null)
        {
            yield return prefix;
            yield break;
        }

        if (DictionaryValue(type) is { } value)
        {
            foreach (var leaf in Leaves(value, prefix + ":<name>", [], depth + 1))
            {
                yield return leaf;
            }

            yield break;
        }

        foreach (var property in Bindable(type).Where(p => !except.Contains(p.Name)))
        {
            foreach (var leaf in Leaves(property.PropertyType, $"{prefix}:{property.Name}", [], depth + 1))
            {
                yield return leaf;
            }
        }
    }

    // What ConfigurationBinder fills: public instance properties with a public setter, and read-only ones that
    // hold an object or a mutable collection it can fill in place.
    private static IEnumerable<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Where(p => p.SetMethod is { IsPublic: true }
                || (!IsLeaf(p.PropertyType) && !p.PropertyType.IsArray && !(p.PropertyType.IsInterface && p.PropertyType.Name.StartsWith("IReadOnly", StringComparison.Ordinal))));

    private static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan)
            || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(Uri) || t == typeof(Guid)
            || typeof(Delegate).IsAssignableFrom(t) || t == typeof(object) || t == typeof(Type) || t.IsPointer;
    }

    private static Type? DictionaryValue(Type type) =>
        type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            && typeof(IDictionary).IsAssignableFrom(type) ? value : null;

    private static Type? ListElement(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string) ? element
        : null;

    [GeneratedRegex(@"(?<![\w:])(?:Serving|Kestrel)(?::[A-Za-z0-9<>_-]+)+")]
    private static partial Regex ColonKey();

    [GeneratedRegex(@"(?<![\w:])(?:Serving|Kestrel)(?:__[A-Za-z0-9<>-]+)+")]
    private static partial Regex EnvironmentKey();
}
