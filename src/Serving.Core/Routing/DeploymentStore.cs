using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serving.Core.Routing;

/// <summary>
/// Keeps deployments in one JSON file so they survive a restart. Writes go to a temporary file that is then
/// renamed over the old one, so a crash never leaves half a file.
/// </summary>
public sealed class DeploymentStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public DeploymentStore(string path) => Path = path;

    public string Path { get; }

    /// <summary>Whether the file is there (it is written on the first deployment change).</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>The saved deployments; empty when there is no file or it cannot be read (the reason is returned).</summary>
    public (IReadOnlyList<ModelDeployment> Deployments, string? Problem) Load()
    {
        if (!File.Exists(Path))
        {
            return ([], null);
        }

        try
        {
            var saved = JsonSerializer.Deserialize<SavedDeployments>(File.ReadAllText(Path), Json);
            return (saved?.Models ?? [], null);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return ([], $"cannot read {Path}: {ex.Message}");
        }
    }

    public void Save(DeploymentTable table)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = Path + ".tmp";
        var saved = new SavedDeployments { Models = [.. table.Models.Values.OrderBy(d => d.Model, StringComparer.Ordinal)] };
        File.WriteAllText(temporary, JsonSerializer.Serialize(saved, Json));
        File.Move(temporary, Path, overwrite: true);
    }

    private sealed class SavedDeployments
    {
        public List<ModelDeployment> Models { get; set; } = [];
    }
}
