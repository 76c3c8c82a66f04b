using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Packaging;
using Serving.Core.Storage;

namespace Serving.Core.Registry;

/// <summary>
/// Reads the disk registry (<c>models/&lt;model&gt;/&lt;version&gt;/</c>), loads every publishable version as a
/// generation and publishes an immutable <see cref="RegistrySnapshot"/>. Scans run one at a time; the request
/// path only ever reads <see cref="Current"/>.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Lock _scanLock = new();

    // Model folders the last scan could not read; only touched under the scan lock.
    private readonly HashSet<string> _unreadableModels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<int, VersionRecord>> _records = new(StringComparer.Ordinal);
    private readonly List<ModelGeneration> _removed = [];
    private readonly ModelVersionLoader _loader;
    private readonly RegistryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelRegistry> _logger;
    private RegistrySnapshot _current = RegistrySnapshot.Empty;
    private string? _folderProblem;
    private bool _disposed;

    public ModelRegistry(ModelVersionLoader loader, IOptions<RegistryOptions> options, TimeProvider time, ILogger<ModelRegistry> logger)
    {
        _loader = loader;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The snapshot requests are served from.</summary>
    public RegistrySnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after a scan published a snapshot that differs from the last one.</summary>
    public event Action<RegistrySnapshot>? Changed;

    /// <summary>Reads the registry folder once, loads or unloads what changed, and publishes a new snapshot.</summary>
    public void Scan()
    {
        RegistrySnapshot published;
        bool changed;
        lock (_scanLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A scan that failed half-way may have left removed generations behind: publish before retiring them.
            changed = ScanFolders() || _removed.Count > 0;
            published = Publish(changed);
            RetireRemoved();
        }

        if (changed)
        {
            Changed?.Invoke(published);
        }
    }

    /// <summary>
    /// Loads a published version now (one an admin unloaded, or one that failed and may load this time).
    /// Returns null when it serves, else the reason it cannot.
    /// </summary>
    public string? Load(string model, int version)
    {
        string? failure;
        RegistrySnapshot published;
        lock (_scanLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_records.TryGetValue(model, out var records) || !records.TryGetValue(version, out var record)
                || record.State == ModelVersionState.Unloaded && record.Directory is null)
            {
                return $"model '{model}' has no published version {version}";
            }

            if (record.State == ModelVersionState.Ready)
            {
                return null;
            }

            record.AdminUnloaded = false;
            record.ManifestFingerprint = null;
            Visit(model, version, record.Directory!, records, settle: false);
            failure = record.State == ModelVersionState.Ready ? null : record.Reason;
            published = Publish(changed: true);
        }

        Changed?.Invoke(published);
        return failure;
    }

    /// <summary>
    /// Stops serving a version: it leaves the snapshot at once and its runtime is freed when in-flight requests
    /// finish. It stays unloaded until <see cref="Load"/>, even across rescans. False when it was not loaded.
    /// </summary>
    public bool Unload(string model, int version, string reason)
    {
        RegistrySnapshot published;
        lock (_scanLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_records.TryGetValue(model, out var records) || !records.TryGetValue(version, out var record) || record.Generation is null)
            {
                return false;
            }

            var generation = record.Generation;
            record.Generation = null;
            record.AdminUnloaded = true;
            record.Set(ModelVersionState.Unloaded, reason, _time.GetUtcNow());
            published = Publish(changed: true);

            // Only once no snapshot offers it: a request that finds it gone meanwhile retries on the new snapshot.
            generation.Retire();
        }

        Changed?.Invoke(published);
        return true;
    }

    public void Dispose()
    {
        lock (_scanLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Volatile.Write(ref _current, RegistrySnapshot.Empty);
            foreach (var record in _records.Values.SelectMany(v => v.Values))
            {
                record.Generation?.Retire();
            }
        }
    }

    private bool ScanFolders()
    {
        var root = _options.FullPath;
        var previousProblem = _folderProblem;
        var found = ListVersionFolders(root, out var rootGone);
        var changed = !_current.InitialScanComplete || _folderProblem != previousProblem;
        if (found is null)
        {
            // Unreadable for now (permissions, a mount going away): keep what serves; readiness reports the problem.
            return changed;
        }

        AddSourceRoots(found);

        // A registry folder that is gone (an unmounted volume, a link being replaced) keeps the versions it served, as
        // an unreadable one does: they are in memory, and dropping them would turn a storage hiccup into 404s for
        // every model. Removing a model is done by removing its folder, which is still seen as such.
        var rootPrefix = root + System.IO.Path.DirectorySeparatorChar;
        bool KeptWhileGone(VersionRecord record) => rootGone && record.Directory?.StartsWith(rootPrefix, StringComparison.Ordinal) == true;

        foreach (var (model, versions) in found)
        {
            if (!_records.TryGetValue(model, out var records))
            {
                records = [];
                _records[model] = records;
                changed = true;
            }

            foreach (var (version, directory) in versions)
            {
                changed |= Visit(model, version, directory, records, settle: true);
            }
        }

        foreach (var (model, records) in _records)
        {
            var present = found.GetValueOrDefault(model);
            if (present is null && _unreadableModels.Contains(model))
            {
                continue;
            }

            foreach (var (version, record) in records)
            {
                if ((present is not null && present.ContainsKey(version)) || KeptWhileGone(record))
                {
                    continue;
                }

                if (record.State != ModelVersionState.Unloaded || record.Directory is not null)
                {
                    RemoveVersion(model, version, record);
                    changed = true;
                }
            }
        }

        // Models whose folder is gone and that never had a loaded version leave the snapshot entirely.
        foreach (var model in _records.Keys.Where(m => !found.ContainsKey(m) && !_unreadableModels.Contains(m) && _records[m].Values.All(r => r.State == ModelVersionState.Unloaded)).ToList())
        {
            _records.Remove(model);
            changed = true;
        }

        return changed;
    }

    private bool Visit(string model, int version, string directory, Dictionary<int, VersionRecord> records, bool settle)
    {
        var now = _time.GetUtcNow();
        if (records.TryGetValue(version, out var record))
        {
            record.Directory = directory;
            if (record.State == ModelVersionState.Ready || record.AdminUnloaded)
            {
                return false;
            }

            // A failed version is tried again only when its manifest changed: the folder was fixed or replaced.
            if (record.State is ModelVersionState.Failed or ModelVersionState.Unloaded
                && record.ManifestFingerprint == Fingerprint(directory))
            {
                return false;
            }

            if (record.State is ModelVersionState.Failed or ModelVersionState.Unloaded)
            {
                record.FirstSeen = now;
            }
        }
        else
        {
            record = new VersionRecord { FirstSeen = now, Since = now, Directory = directory };
            record.Set(ModelVersionState.Loading, null, now);
            records[version] = record;
        }

        var previousState = record.State;
        var previousReason = record.Reason;
        VersionLoadResult result;
        try
        {
            result = _loader.Load(model, version, directory);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever a version folder holds fails that version alone. Let out, this stopped the scan of every model,
            // on every rescan (and a restart's first scan never finished, so the gateway never became ready).
            RegistryLog.LoadThrew(_logger, model, version, ex);
            result = VersionLoadResult.Failed($"could not be loaded: {ex.Message}");
        }

        // The reason is shown to any caller (a pinned request's error, the version's metadata): the server's own
        // folders are named relative to the registry, as the model and version, not as absolute paths.
        var shown = result.Reason?.Replace(directory + System.IO.Path.DirectorySeparatorChar, $"{model}/{version}/", StringComparison.Ordinal);
        if (result.Generation is { } generation)
        {
            record.Set(ModelVersionState.Ready, null, now);
            record.Generation = generation;
            RegistryLog.VersionLoaded(_logger, model, version, directory);
        }
        else if (settle && result.Incomplete && (now - record.FirstSeen).TotalSeconds < _options.SettleSeconds)
        {
            record.Set(ModelVersionState.Loading, $"waiting for the version to be complete: {shown}", now);
            RegistryLog.VersionWaiting(_logger, model, version, result.Reason!);
        }
        else
        {
            record.Set(ModelVersionState.Failed, shown, now);
            record.ManifestFingerprint = Fingerprint(directory);
            RegistryLog.VersionFailed(_logger, model, version, result.Reason!);
        }

        return record.State != previousState || record.Reason != previousReason;
    }

    private void RemoveVersion(string model, int version, VersionRecord record)
    {
        var now = _time.GetUtcNow();
        if (record.Generation is { } generation)
        {
            RegistryLog.VersionRemoved(_logger, model, version);
            _removed.Add(generation);
            record.Generation = null;
        }

        record.Set(ModelVersionState.Unloaded, "version folder removed from the registry", now);
        record.ManifestFingerprint = null;
        record.AdminUnloaded = false;
        record.Directory = null;
    }

    /// <summary>Lets go of generations a scan removed, after the snapshot without them was published.</summary>
    private void RetireRemoved()
    {
        foreach (var generation in _removed)
        {
            generation.Retire();
        }

        _removed.Clear();
    }

    private RegistrySnapshot Publish(bool changed)
    {
        if (!changed)
        {
            return _current;
        }

        var models = new Dictionary<string, ModelEntry>(StringComparer.Ordinal);
        foreach (var (model, records) in _records)
        {
            var statuses = records.OrderBy(r => r.Key)
                .Select(r => new ModelVersionStatus(r.Key, r.Value.State, r.Value.Reason, r.Value.Since))
                .ToList();
            var loaded = records.Where(r => r.Value.Generation is not null)
                .ToFrozenDictionary(r => r.Key, r => r.Value.Generation!);
            models[model] = new ModelEntry(model, statuses, loaded);
        }

        var snapshot = new RegistrySnapshot(models.ToFrozenDictionary(StringComparer.Ordinal), initialScanComplete: true, _folderProblem);
        if (!_current.InitialScanComplete)
        {
            RegistryLog.InitialScanDone(_logger, models.Count, models.Values.Sum(m => m.Loaded.Count));
        }

        Volatile.Write(ref _current, snapshot);

        return snapshot;
    }

    /// <summary>
    /// The version folders by model, or null when the registry folder exists but cannot be read. Records why the
    /// folder cannot be used in <see cref="_folderProblem"/>, and logs it once when it starts and when it ends.
    /// </summary>
    /// <param name="root">The registry folder.</param>
    /// <param name="gone">Set when the folder is missing or is a file: no versions are listed, and none of it is removed.</param>
    private Dictionary<string, Dictionary<int, string>>? ListVersionFolders(string root, out bool gone)
    {
        gone = false;
        var result = new Dictionary<string, Dictionary<int, string>>(StringComparer.Ordinal);
        string[]? modelDirectories = null;
        var unreadable = false;
        string? problem;
        if (File.Exists(root))
        {
            problem = $"registry folder '{root}' is a file, not a folder (Serving:Registry:Path)";
            gone = true;
        }
        else if (!Directory.Exists(root))
        {
            problem = $"registry folder '{root}' does not exist (Serving:Registry:Path)";
            gone = true;
        }
        else
        {
            try
            {
                modelDirectories = Directory.GetDirectories(root);
                problem = null;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                problem = $"registry folder '{root}' cannot be read: {ex.Message}";
                unreadable = true;
            }
        }

        ReportFolderProblem(root, problem);
        if (modelDirectories is null)
        {
            // A missing folder lists no versions (the source roots may still hold some); an unreadable one is left as it was.
            return unreadable ? null : result;
        }

        return ReadVersionFolders(modelDirectories);
    }

    /// <summary>
    /// Adds the versions found under the source roots (MLflow downloads) to those of the registry folder. A version
    /// both hold is served from the registry folder: what an operator put there wins over a download.
    /// </summary>
    private void AddSourceRoots(Dictionary<string, Dictionary<int, string>> found)
    {
        foreach (var root in _options.SourceRoots.Select(System.IO.Path.GetFullPath))
        {
            // A source root appears with its first download; until then there is nothing to read.
            if (!Directory.Exists(root))
            {
                continue;
            }

            string[] modelDirectories;
            try
            {
                modelDirectories = Directory.GetDirectories(root);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                ReportUnreadable(root, ex);
                continue;
            }

            foreach (var (model, versions) in ReadVersionFolders(modelDirectories))
            {
                if (!found.TryGetValue(model, out var known))
                {
                    found[model] = versions;
                    continue;
                }

                foreach (var (version, directory) in versions)
                {
                    known.TryAdd(version, directory);
                }
            }
        }
    }

    /// <summary>
    /// The version folders under the model folders of a registry-shaped root: model name to version to folder. A
    /// model folder that cannot be read (a root-only <c>lost+found</c> on the registry's volume, a folder whose
    /// permissions are being changed) is left out and noted in <see cref="_unreadableModels"/>, so that the scan
    /// keeps what it served rather than taking it for removed.
    /// </summary>
    private Dictionary<string, Dictionary<int, string>> ReadVersionFolders(string[] modelDirectories)
    {
        var result = new Dictionary<string, Dictionary<int, string>>(StringComparer.Ordinal);
        foreach (var modelDirectory in modelDirectories)
        {
            var model = System.IO.Path.GetFileName(modelDirectory);
            if (model.StartsWith('.'))
            {
                continue;
            }

            var versions = new Dictionary<int, string>();
            try
            {
                foreach (var versionDirectory in Directory.EnumerateDirectories(modelDirectory))
                {
                    // Only positive integers are versions, so a copy in progress under a temporary name is ignored
                    // until it is renamed into place.
                    var name = System.IO.Path.GetFileName(versionDirectory);
                    if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0
                        && name == version.ToString(CultureInfo.InvariantCulture))
                    {
                        versions[version] = versionDirectory;
                    }
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                if (_unreadableModels.Add(model))
                {
                    ReportUnreadable(modelDirectory, ex);
                }

                continue;
            }

            _unreadableModels.Remove(model);
            result[model] = versions;
        }

        return result;
    }

    private void ReportUnreadable(string folder, Exception exception) =>
        RegistryLog.ModelFolderUnreadable(_logger, folder, exception.Message);

    private void ReportFolderProblem(string root, string? problem)
    {
        if (problem == _folderProblem)
        {
            return;
        }

        if (problem is not null)
        {
            RegistryLog.RegistryUnavailable(_logger, problem);
        }
        else
        {
            RegistryLog.RegistryAvailable(_logger, root);
        }

        _folderProblem = problem;
    }

    private static string? Fingerprint(string directory)
    {
        var path = System.IO.Path.Combine(directory, ManifestSerializer.FileName);
        try
        {
            // Not a FIFO or a device: reading one would block or never end (the loader refuses them too).
            return File.Exists(path) && !FileKind.IsStream(path) ? Checksums.Sha256OfFile(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Mutable bookkeeping for one version, only touched under the scan lock.</summary>
    private sealed class VersionRecord
    {
        public ModelVersionState State { get; private set; }

        public string? Reason { get; private set; }

        public DateTimeOffset Since { get; set; }

        public DateTimeOffset FirstSeen { get; set; }

        public ModelGeneration? Generation { get; set; }

        public string? ManifestFingerprint { get; set; }

        /// <summary>The version folder, while it exists.</summary>
        public string? Directory { get; set; }

        /// <summary>An admin unloaded it: rescans leave it alone until it is loaded again.</summary>
        public bool AdminUnloaded { get; set; }

        public void Set(ModelVersionState state, string? reason, DateTimeOffset now)
        {
            if (state != State)
            {
                Since = now;
            }

            State = state;
            Reason = reason;
        }
    }
}
