using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Batching;
using Serving.Core.Storage;

namespace Serving.Core.Registry;

/// <summary>
/// Turns a version folder into a loaded generation: reads the manifest, checks every artifact checksum,
/// loads the runtime and checks that the artifact's inputs and outputs agree with the manifest.
/// </summary>
public sealed class ModelVersionLoader
{
    private readonly ModelRuntimeFactories _factories;
    private readonly RuntimeBatching? _batching;

    /// <param name="batching">Puts the runtimes of models that batch behind a batching queue; null batches nothing.</param>
    public ModelVersionLoader(ModelRuntimeFactories factories, RuntimeBatching? batching = null)
    {
        _factories = factories;
        _batching = batching;
    }

    public VersionLoadResult Load(string model, int version, string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestSerializer.FileName);
        if (!File.Exists(manifestPath))
        {
            return VersionLoadResult.Waiting($"no {ManifestSerializer.FileName} in the version folder");
        }

        // A FIFO would block the scan (and the registry's lock) until something wrote to it; a device may never end.
        if (FileKind.IsStream(manifestPath))
        {
            return VersionLoadResult.Failed($"{ManifestSerializer.FileName} is not a regular file (a device, pipe or socket)");
        }

        ModelManifest manifest;
        try
        {
            manifest = ManifestSerializer.Read(directory);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return VersionLoadResult.Waiting(ex.Message);
        }

        var problem = ManifestRules.Check(manifest);
        if (problem is not null)
        {
            return VersionLoadResult.Failed($"invalid manifest: {problem}");
        }

        var checksumProblem = CheckArtifacts(directory, manifest);
        if (checksumProblem is not null)
        {
            return VersionLoadResult.Waiting(checksumProblem);
        }

        IModelRuntime runtime;
        try
        {
            runtime = _factories.Load(manifest.Format, Path.Combine(directory, ModelFormats.ArtifactFile(manifest.Format)));
        }
        catch (ModelLoadException ex)
        {
            return VersionLoadResult.Failed(ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A runtime that throws something else on a bad artifact still only fails this version.
            return VersionLoadResult.Failed($"the runtime could not load the artifact: {ex.Message}");
        }

        var mismatch = SignatureAgreement.Check(manifest.Signature, runtime);
        if (mismatch is not null)
        {
            runtime.Dispose();
            return VersionLoadResult.Failed($"artifact disagrees with the manifest: {mismatch}");
        }

        var warmUpProblem = WarmUp.Run(manifest, runtime);
        if (warmUpProblem is not null)
        {
            runtime.Dispose();
            return VersionLoadResult.Failed($"warm-up failed: {warmUpProblem}");
        }

        // Checked and warmed up bare; batching wraps only what serves.
        if (_batching is not null)
        {
            runtime = _batching.Wrap(model, version, runtime);
        }

        return VersionLoadResult.Loaded(new ModelGeneration(model, version, directory, manifest, runtime));
    }

    private static string? CheckArtifacts(string directory, ModelManifest manifest)
    {
        foreach (var (file, expected) in manifest.Artifacts)
        {
            // Artifact names are relative to the version folder and must stay inside it.
            var path = Path.GetFullPath(Path.Combine(directory, file));
            if (!path.StartsWith(Path.GetFullPath(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return $"artifact '{file}' lies outside the version folder";
            }

            if (!File.Exists(path))
            {
                return $"artifact '{file}' is missing";
            }

            // Followed through links: model.onnx -> /dev/zero passes the check above and would be hashed forever.
            if (FileKind.IsStream(path))
            {
                return $"artifact '{file}' is not a regular file (a device, pipe or socket)";
            }

            string actual;
            try
            {
                actual = Checksums.Sha256OfFile(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return $"artifact '{file}' cannot be read: {ex.Message}";
            }

            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                return $"checksum of '{file}' is {actual}, the manifest says {expected}";
            }
        }

        return null;
    }
}
