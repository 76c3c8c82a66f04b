using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using Serving.Core.Contracts;
using Serving.Core.Tests.Registry.Mlflow;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Serving.Core.Tests.Architecture;

/// <summary>
/// Holds the shape of Serving.Core (docs/architecture.md): its first-level namespaces form a directed graph, the
/// contracts import nothing else of ours, each layer of the data plane's chain (contracts, runtimes, packaging,
/// registry, routing, inference) uses only the layers below it, and nothing in Core sees ASP.NET. The rules read the
/// compiled assembly, so a dependency counts whether it comes from a using line or a fully qualified name.
/// </summary>
public sealed class NamespaceGraphTests
{
    private const string Core = "Serving.Core";

    /// <summary>The data plane's chain, lowest first: each may use those before it, never those after.</summary>
    private static readonly string[] Chain = ["Contracts", "Runtimes", "Packaging", "Registry", "Routing", "Inference"];

    /// <summary>What stands on the data plane; no layer of the chain may see these.</summary>
    private static readonly string[] AboveTheChain = ["Monitoring", "Rollouts", "Events", "Scheduling"];

    private static readonly System.Reflection.Assembly CoreAssembly = typeof(Tensor).Assembly;

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> CoreOnly = new(
        () => new ArchLoader().LoadAssemblies(CoreAssembly).Build());

    // With the tests, whose fake servers use ASP.NET: for showing that a rule sees a dependency that is there.
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> CoreAndTests = new(
        () => new ArchLoader().LoadAssemblies(CoreAssembly, typeof(NamespaceGraphTests).Assembly).Build());

    private static ArchUnitNET.Domain.Architecture Architecture => CoreOnly.Value;

    /// <summary>Serving.Core's first-level namespaces, as compiled (Contracts, Runtimes, ...).</summary>
    private static IReadOnlyList<string> CoreNamespaces { get; } =
        [.. CoreAssembly.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith(Core + ".", StringComparison.Ordinal))
            .Select(n => n.Split('.')[2])
            .Distinct()
            .Order(StringComparer.Ordinal)];

    public static TheoryData<string> ChainLayers => [.. Chain.Skip(1)];

    [Fact]
    public void Core_namespaces_have_no_cycles()
    {
        // ArchUnitNET 0.13's slices make one slice of every namespace (Runtimes.Onnx apart from Runtimes, and a folder
        // may well use its own subfolders), so the first-level graph is drawn here from the dependencies it loaded.
        var edges = new Dictionary<(string From, string To), string>();
        foreach (var type in Architecture.Types)
        {
            if (FirstLevel(type.Namespace?.FullName) is not { } from)
            {
                continue;
            }

            foreach (var dependency in type.Dependencies)
            {
                if (FirstLevel(dependency.Target?.Namespace?.FullName) is { } to && to != from)
                {
                    edges.TryAdd((from, to), $"{type.FullName} -> {dependency.Target!.FullName}");
                }
            }
        }

        var cycles = CyclesIn(edges);

        Assert.True(cycles.Count == 0, "Serving.Core namespaces that use each other (a cycle), with one use of each edge:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void Contracts_use_no_other_namespace_of_ours()
    {
        var others = CoreNamespaces.Where(n => n != "Contracts").ToArray();
        Assert.Contains("Inference", others);

        IArchRule rule = Types().That().ResideInNamespaceOrBelow(Core + ".Contracts").Should().NotDependOnAny(Below(others));

        rule.Check(Architecture);
    }

    [Theory]
    [MemberData(nameof(ChainLayers))]
    public void A_layer_of_the_data_plane_never_sees_the_layers_above_it(string layer)
    {
        var above = Chain.SkipWhile(n => n != layer).Skip(1).Concat(AboveTheChain).ToArray();

        IArchRule rule = Types().That().ResideInNamespaceOrBelow($"{Core}.{layer}").Should().NotDependOnAny(Below(above));

        rule.Check(Architecture);
    }

    [Fact]
    public void Runtimes_never_see_routing_monitoring_rollouts_or_events()
    {
        IArchRule rule = Types().That().ResideInNamespaceOrBelow(Core + ".Runtimes")
            .Should().NotDependOnAny(Below(["Routing", "Monitoring", "Rollouts", "Events"]));

        rule.Check(Architecture);
    }

    [Fact]
    public void Core_never_sees_AspNetCore()
    {
        // ASP.NET's assemblies are not loaded: match the types Core's dependencies name, not loaded ones.
        IArchRule rule = Types().That().ResideInAssembly(CoreAssembly)
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceOrBelow("Microsoft.AspNetCore");

        rule.Check(Architecture);
    }

    // The rules above pass when they find nothing; these show that the same rules see a dependency that is there.
    [Fact]
    public void The_AspNetCore_rule_catches_a_type_that_uses_it()
    {
        IArchRule rule = Types().That().Are(typeof(FakeMlflowServer))
            .Should().NotDependOnAnyTypesThat().ResideInNamespaceOrBelow("Microsoft.AspNetCore");

        Assert.ThrowsAny<Exception>(() => rule.Check(CoreAndTests.Value));
    }

    [Fact]
    public void The_layer_rule_catches_a_dependency_that_is_there()
    {
        // The data plane uses the registry (a downward edge): asking it not to must fail.
        IArchRule rule = Types().That().ResideInNamespaceOrBelow(Core + ".Inference").Should().NotDependOnAny(Below(["Registry"]));

        Assert.ThrowsAny<Exception>(() => rule.Check(Architecture));
    }

    [Fact]
    public void The_cycle_check_finds_a_cycle()
    {
        var edges = new Dictionary<(string From, string To), string>
        {
            [("Inference", "Routing")] = "a",
            [("Routing", "Registry")] = "b",
            [("Registry", "Inference")] = "c",
            [("Monitoring", "Inference")] = "d",
        };

        Assert.Equal(["Inference -> Routing (a)", "Registry -> Inference (c)", "Routing -> Registry (b)"], CyclesIn(edges));
    }

    /// <summary>The first-level Core namespace (Routing for Serving.Core.Routing.Mlflow); null outside Core.</summary>
    private static string? FirstLevel(string? ns)
    {
        if (ns is null || !ns.StartsWith(Core + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[(Core.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    /// <summary>The edges that lie on a cycle (both ends reach each other), described, sorted.</summary>
    private static List<string> CyclesIn(Dictionary<(string From, string To), string> edges)
    {
        var reach = edges.Keys.ToHashSet();
        var nodes = edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct().ToList();
        foreach (var via in nodes)
        {
            foreach (var from in nodes)
            {
                foreach (var to in nodes)
                {
                    if (reach.Contains((from, via)) && reach.Contains((via, to)))
                    {
                        reach.Add((from, to));
                    }
                }
            }
        }

        return [.. edges.Where(e => reach.Contains((e.Key.To, e.Key.From)))
            .Select(e => $"{e.Key.From} -> {e.Key.To} ({e.Value})")
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Every type in or below the named first-level Core namespaces.</summary>
    private static IObjectProvider<IType> Below(IReadOnlyList<string> names)
    {
        var types = Types().That().ResideInNamespaceOrBelow($"{Core}.{names[0]}");
        foreach (var name in names.Skip(1))
        {
            types = types.Or().ResideInNamespaceOrBelow($"{Core}.{name}");
        }

        return types;
    }
}
