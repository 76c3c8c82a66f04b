using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Packaging.Mlflow;
using Serving.Core.Registry;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Storage;

namespace Serving.Core.Routing.Mlflow;

/// <summary>
/// Keeps one model in step with an MLflow registered model. Each poll resolves the stable and canary aliases,
/// downloads versions the registry lacks and publishes them under the data directory (<c>&lt;data&gt;/mlflow</c>,
/// a source root the registry reads besides its own folder, which may be read-only) under the MLflow version
/// number, and once they serve, sets the deployment. Until then the model serves nothing (see
/// <see cref="DeploymentOptions.FollowsSource"/>). A deployment is set only when the aliases ask for another one
/// than the one last applied, which is saved with the deployment, so an admin's change stands until the next alias
/// move, across restarts too. When MLflow cannot be reached nothing changes: what is loaded keeps serving and the
/// state says why.
/// It lives with routing, not with the registry, because it sets deployments: the registry never reaches up to them.
/// </summary>
public sealed class MlflowModelSource : BackgroundService
{
    /// <summary>Where downloads are assembled, inside the MLflow root (one file system, so publishing is a rename); a dot-name, so the registry ignores it.</summary>
    private const string DownloadsFolder = ".downloads";

    private readonly string _model;
    private readonly string _registeredModel;
    private readonly MlflowModelOptions _modelOptions;
    private readonly MlflowOptions _options;
    private readonly MlflowRegistryClient _client;
    private readonly PackageBuilder _builder;
    private readonly ModelRegistry _registry;
    private readonly DeploymentManager _deployments;
    private readonly string _registryPath;
    private readonly string _mlflowRoot;
    private readonly MlflowSourceStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<MlflowModelSource> _logger;
    private readonly Dictionary<int, string> _failed = [];
    private readonly SemaphoreSlim _pollLock = new(1, 1);
    private MlflowModelSourceState _state;

    public MlflowModelSource(
        string model,
        MlflowModelOptions modelOptions,
        MlflowOptions options,
        MlflowRegistryClient client,
        PackageBuilder builder,
        ModelRegistry registry,
        DeploymentManager deployments,
        RegistryOptions registryOptions,
        DataPaths dataPaths,
        MlflowSourceStatus status,
        TimeProvider time,
        ILogger<MlflowModelSource> logger)
    {
        ArgumentNullException.ThrowIfNull(modelOptions);
        ArgumentNullException.ThrowIfNull(registryOptions);
        ArgumentNullException.ThrowIfNull(dataPaths);
        _model = model;
        _registeredModel = string.IsNullOrEmpty(modelOptions.RegisteredModel) ? model : modelOptions.RegisteredModel;
        _modelOptions = modelOptions;
        _options = options;
        _client = client;
        _builder = builder;
        _registry = registry;
        _deployments = deployments;
        _registryPath = registryOptions.FullPath;
        _mlflowRoot = dataPaths.MlflowRegistry;
        _status = status;
        _time = time;
        _logger = logger;
        _state = new MlflowModelSourceState { Model = model, RegisteredModel = _registeredModel };
        _status.Set(_state);
    }

    /// <summary>The gateway model this source feeds.</summary>
    public string Model => _model;

    /// <summary>
    /// One poll: resolve aliases, publish missing versions, set the deployment. Never throws for MLflow or
    /// packaging failures (they land in the state); returns true when the poll reached MLflow and finished.
    /// </summary>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken)
    {
        await _pollLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PollAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pollLock.Release();
        }
    }

    public override void Dispose()
    {
        _pollLock.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        MlflowLog.Started(_logger, _model, _registeredModel, _client.Server, _options.PollSeconds);
        RemoveAbandonedDownloads();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.PollSeconds), _time);
        try
        {
            do
            {
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<bool> PollAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        try
        {
            var stable = await _client.FindVersionByAliasAsync(_registeredModel, _modelOptions.StableAlias, cancellationToken).ConfigureAwait(false);
            var canary = await _client.FindVersionByAliasAsync(_registeredModel, _modelOptions.CanaryAlias, cancellationToken).ConfigureAwait(false);
            var stableNumber = stable is null ? (int?)null : Number(stable);
            var canaryNumber = canary is null ? (int?)null : Number(canary);
            if (canaryNumber == stableNumber)
            {
                canaryNumber = null;
            }

            var waiting = new List<string>();
            foreach (var version in new[] { stable, canaryNumber is null ? null : canary })
            {
                if (version is not null)
                {
                    await EnsurePublishedAsync(version, waiting, cancellationToken).ConfigureAwait(false);
                }
            }

            _registry.Scan();
            var problem = Deploy(stableNumber, canaryNumber, waiting);
            if (!_state.Reachable && _state.LastPollAt is not null)
            {
                MlflowLog.Reachable(_logger, _client.Server, _model);
            }

            Update(_state with
            {
                Reachable = true,
                LastPollAt = now,
                LastSuccessAt = now,
                LastError = problem,
                LastErrorAt = problem is null ? _state.LastErrorAt : now,
                StableAliasVersion = stableNumber,
                CanaryAliasVersion = canaryNumber,
                Waiting = waiting.Count == 0 ? null : string.Join("; ", waiting),
            });
            return problem is null;
        }
        catch (MlflowRegistryException ex)
        {
            var unreachable = ex.Kind == MlflowErrorKind.Unreachable;
            if (unreachable && (_state.Reachable || _state.LastPollAt is null))
            {
                MlflowLog.Unreachable(_logger, _model, ex.Message);
            }
            else if (!unreachable)
            {
                MlflowLog.PollFailed(_logger, _model, ex.Message);
            }

            Update(_state with { Reachable = !unreachable, LastPollAt = now, LastError = ex.Message, LastErrorAt = now });
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full disk or a permission problem in the data directory: the next poll tries again.
            MlflowLog.PollFailed(_logger, _model, ex.Message);
            Update(_state with { Reachable = true, LastPollAt = now, LastError = ex.Message, LastErrorAt = now });
            return false;
        }
    }

    /// <summary>
    /// Downloads and publishes a version that neither the registry folder nor the MLflow root holds yet; failures are
    /// remembered, not retried. A version in the registry folder wins (the registry serves it from there), so it is
    /// never downloaded.
    /// </summary>
    private async Task EnsurePublishedAsync(MlflowModelVersion version, List<string> waiting, CancellationToken cancellationToken)
    {
        var number = Number(version);
        var folder = number.ToString(CultureInfo.InvariantCulture);
        var modelDirectory = Path.Combine(_mlflowRoot, _model);
        if (_failed.ContainsKey(number) || Directory.Exists(Path.Combine(modelDirectory, folder)) || Directory.Exists(Path.Combine(_registryPath, _model, folder)))
        {
            return;
        }

        if (!version.IsReady)
        {
            waiting.Add($"version {number} is {version.Status} in MLflow");
            return;
        }

        var artifactUri = await _client.GetDownloadUriAsync(_registeredModel, version.Version, cancellationToken).ConfigureAwait(false);
        var download = Path.Combine(_mlflowRoot, DownloadsFolder, _model, $"{number}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(download);
            await _client.DownloadDirectoryAsync(artifactUri, download, cancellationToken).ConfigureAwait(false);
            var request = MlflowPackaging.ForFolder(new PackageRequest
            {
                ArtifactPath = download,
                ModelName = _model,
                RegistryPath = _mlflowRoot,
                Version = number,
                Task = string.IsNullOrEmpty(_modelOptions.Task) ? null : _modelOptions.Task,
                Trainer = $"mlflow registered model {_registeredModel} version {version.Version}",
                Mlflow = new MlflowLineage
                {
                    RegisteredModel = _registeredModel,
                    Version = version.Version,
                    RunId = string.IsNullOrEmpty(version.RunId) ? null : version.RunId,
                    ArtifactUri = artifactUri,
                },
            });
            await _builder.BuildAsync(request, cancellationToken).ConfigureAwait(false);
            MlflowLog.VersionPublished(_logger, _registeredModel, _model, number);
        }
        catch (PackagingException ex) when (!Directory.Exists(Path.Combine(modelDirectory, folder)))
        {
            _failed[number] = ex.Message;
            MlflowLog.VersionFailed(_logger, _model, number, ex.Message);
        }
        catch (MlflowRegistryException ex) when (ex.Kind == MlflowErrorKind.Invalid)
        {
            _failed[number] = ex.Message;
            MlflowLog.VersionFailed(_logger, _model, number, ex.Message);
        }
        finally
        {
            if (Directory.Exists(download))
            {
                Directory.Delete(download, recursive: true);
            }
        }
    }

    /// <summary>Sets the deployment the aliases ask for once its versions serve; returns the problem, if any.</summary>
    private string? Deploy(int? stable, int? canary, List<string> waiting)
    {
        if (stable is not { } stableVersion)
        {
            waiting.Add($"no version of {_registeredModel} has the alias '{_modelOptions.StableAlias}'");
            return null;
        }

        if (Unservable(stableVersion) is { } stableProblem)
        {
            return $"the {_modelOptions.StableAlias} version {stableVersion} cannot serve: {stableProblem}";
        }

        // A canary that cannot serve yet is left out; stable still follows its alias.
        var canaryProblem = canary is { } c ? Unservable(c) : null;
        var canaryVersion = canaryProblem is null ? canary : null;
        var weight = canaryVersion is null ? 0 : _modelOptions.CanaryWeight;
        var wanted = new DeploymentSpec { Stable = stableVersion, Canary = canaryVersion, CanaryWeight = weight };
        var canaryMessage = canaryProblem is null ? null : $"the {_modelOptions.CanaryAlias} version {canary} cannot serve: {canaryProblem}";

        // What was last applied is kept with the deployment (and saved with it), so neither the next poll nor a
        // restart undoes an admin's change while the aliases stay put.
        var current = _deployments.Current.Find(_model);
        if (current?.MlflowApplied == wanted)
        {
            return canaryMessage;
        }

        var reason = $"MLflow aliases: {_modelOptions.StableAlias} = {stableVersion}"
            + (canaryVersion is null ? string.Empty : $", {_modelOptions.CanaryAlias} = {canaryVersion}");
        var serving = current is not null && current.Spec.Stable == stableVersion && current.Spec.Canary == canaryVersion && current.Spec.CanaryWeight == weight;
        var shadow = current?.Spec.Shadow is { } s && s != stableVersion && s != canaryVersion ? s : (int?)null;
        var spec = serving ? current!.Spec : wanted with { Shadow = shadow };
        try
        {
            // When it already serves, this only records what the aliases asked for.
            _deployments.Set(_model, spec, "mlflow", serving ? reason + " (already serving)" : reason, mlflowApplied: wanted);
        }
        catch (DeploymentException ex)
        {
            return $"the deployment the aliases ask for was refused: {ex.Message}";
        }

        if (!serving)
        {
            MlflowLog.Deployed(_logger, _model, stableVersion, canaryVersion, weight);
        }

        return canaryMessage;
    }

    /// <summary>Deletes this model's downloads that a crash or a kill left half done; none is in progress at start.</summary>
    private void RemoveAbandonedDownloads()
    {
        var downloads = Path.Combine(_mlflowRoot, DownloadsFolder, _model);
        try
        {
            if (Directory.Exists(downloads))
            {
                Directory.Delete(downloads, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            MlflowLog.PollFailed(_logger, _model, $"cannot remove abandoned downloads in {downloads}: {ex.Message}");
        }
    }

    /// <summary>Why a version cannot serve (failed packaging or load, not in the registry), or null when it is ready.</summary>
    private string? Unservable(int version)
    {
        if (_failed.TryGetValue(version, out var reason))
        {
            return reason;
        }

        var status = _registry.Current.Models.GetValueOrDefault(_model)?.Versions.FirstOrDefault(v => v.Version == version);
        return status switch
        {
            null => "it is not in the registry",
            { State: ModelVersionState.Ready } => null,
            _ => $"it is {status.State}{(status.Reason is null ? string.Empty : ": " + status.Reason)}",
        };
    }

    private void Update(MlflowModelSourceState state)
    {
        _state = state with { FailedVersions = new Dictionary<int, string>(_failed) };
        _status.Set(_state);
    }

    private static int Number(MlflowModelVersion version) =>
        VersionFolders.TryParseVersion(version.Version, out var number)
            ? number
            : throw new MlflowRegistryException(MlflowErrorKind.Invalid, $"MLflow version '{version.Version}' of {version.Name} is not a positive whole number");
}
