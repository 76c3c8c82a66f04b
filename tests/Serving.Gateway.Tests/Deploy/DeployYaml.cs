using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Serving.Gateway.Tests.Deploy;

/// <summary>
/// YAML files read with YamlDotNet into JSON nodes, so the checks navigate them like JSON. Scalars stay strings
/// (YAML's <c>8080</c> and <c>"8080"</c> read the same); what a file means by a type is the validators' concern.
/// </summary>
internal static class DeployYaml
{
    /// <summary>Every document of the file, empty ones left out; throws YamlDotNet's exception on bad YAML.</summary>
    public static IReadOnlyList<JsonNode> Documents(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonNode>().ToList();
    }

    /// <summary>The file's only document.</summary>
    public static JsonNode Single(string path) =>
        Documents(path) is [var only] ? only : throw new InvalidOperationException($"{DeployPaths.Relative(path)} holds more than one document");

    /// <summary>The Kubernetes objects of one file: every document with a kind.</summary>
    public static IEnumerable<JsonNode> Objects(string path) => Documents(path).Where(d => d["kind"] is not null);

    /// <summary>The object of the given kind and name in the kustomization's files.</summary>
    public static JsonNode KubernetesObject(string kind, string name) =>
        KubernetesObjects().SingleOrDefault(o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name)
            ?? throw new InvalidOperationException($"deploy/kubernetes has no {kind}/{name}");

    /// <summary>Every object of the files the kustomization lists as resources.</summary>
    public static IEnumerable<JsonNode> KubernetesObjects() =>
        Single(DeployPaths.Kustomization)["resources"]!.AsArray()
            .SelectMany(r => Objects(Path.Combine(DeployPaths.KubernetesDirectory, (string)r!)));

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };
}
