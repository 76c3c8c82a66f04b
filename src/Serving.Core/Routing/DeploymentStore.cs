using System.Text.Json;
using System.Text.Json.Serialization;
using Serving.Core.Storage;

namespace Serving.Core.Routing;

/// <summary>
/// Keeps deployments, and the rollout state that goes with them, in one JSON file so they survive a restart.
/// Writes go to a temporary file that is then renamed over the old one, so a crash never leaves half a file and
/// a deployment and its rollout are always saved together.
/// </summary>
public sealed class DeploymentStore : IDeploymentStateStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public DeploymentStore(string path) => Path = path;

    public string Path { get; }

    /// <inheritdoc />
    public string Location => Path;

    /// <summary>Whether the file is there (it is written on the first deployment change).</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>The saved deployments; empty when there is no file or it cannot be read (the reason is returned).</summary>
    public (IReadOnlyList<ModelDeployment> Deployments, string? Problem) Load()
    {
        var (saved, problem) = LoadAll();
        return (saved.Deployments, problem);
    }

    /// <summary>
    /// The saved deployments and rollouts. A file written before rollouts were saved has no <c>rollouts</c>
    /// property and loads with none.
    /// </summary>
    public (SavedState State, string? Problem) LoadAll()
    {
        if (!File.Exists(Path))
        {
            return (SavedState.Empty, null);
        }

        try
        {
            var saved = JsonSerializer.Deserialize<SavedDeployments>(File.ReadAllText(Path), Json);
            return (new SavedState(saved?.Models ?? [], saved?.Rollouts ?? []), null);
        }
        catch (JsonException ex)
        {
            return (SavedState.Empty, $"cannot read {Path}: {ex.Message}; {SetAside()}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (SavedState.Empty, $"cannot read {Path}: {ex.Message}");
        }
    }

    /// <summary>
    /// Moves a file that is not valid JSON (a hand edit gone wrong, a damaged disk) out of the way, so that the next
    /// change does not write over what a person could still mend and put back; says where it went.
    /// </summary>
    private string SetAside()
    {
        var aside = $"{Path}.unreadable-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
        try
        {
            File.Move(Path, aside, overwrite: false);
            return $"it was moved to {aside}, and deployments start afresh";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"it could not be moved aside ({ex.Message}) and is replaced at the next deployment change";
        }
    }

    public void Save(DeploymentTable table) => Save(table, new Dictionary<string, JsonElement>());

    /// <param name="table">Every deployment.</param>
    /// <param name="rollouts">Each model's latest rollout as the rollout controller wrote it; the store does not look inside.</param>
    public void Save(DeploymentTable table, IReadOnlyDictionary<string, JsonElement> rollouts)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rollouts);
        var saved = new SavedDeployments
        {
            Models = [.. table.Models.Values.OrderBy(d => d.Model, StringComparer.Ordinal)],
            Rollouts = rollouts.Count == 0 ? null : rollouts.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal),
        };

        // Flushed to the disk before the rename: without it a power cut soon after a change can leave the name on an
        // empty file (file systems without ext4's rename heuristic), and the rollout it held would be lost.
        AtomicFiles.Write(Path, JsonSerializer.SerializeToUtf8Bytes(saved, Json), ownerOnly: false);
    }

    /// <summary>What the file holds: deployments, and rollouts by model.</summary>
    public sealed record SavedState(IReadOnlyList<ModelDeployment> Deployments, IReadOnlyDictionary<string, JsonElement> Rollouts)
    {
        public static SavedState Empty { get; } = new([], new Dictionary<string, JsonElement>());
    }

    private sealed class SavedDeployments
    {
        public List<ModelDeployment> Models { get; set; } = [];

        // Absent in files from versions that kept rollouts in memory only.
        public Dictionary<string, JsonElement>? Rollouts { get; set; }
    }
}
