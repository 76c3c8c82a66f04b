using Serving.Core.Contracts;
using Serving.Core.Runtimes;

namespace Serving.Core.Registry;

/// <summary>
/// One loaded version: the manifest and the runtime that owns its native resources, with a reference count.
/// The registry holds one reference while the version is routable; every request holds one while it runs.
/// The runtime is disposed when the last reference goes, so a request always finishes on the version it
/// started on and nothing is freed under it.
/// </summary>
public sealed class ModelGeneration
{
    private int _references = 1;
    private int _retired;

    public ModelGeneration(string model, int version, string directory, ModelManifest manifest, IModelRuntime runtime)
    {
        Model = model;
        Version = version;
        VersionText = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Directory = directory;
        Manifest = manifest;
        Runtime = runtime;
        Binding = SignatureBinding.Create(manifest.Signature);
    }

    public string Model { get; }

    public int Version { get; }

    /// <summary>The version as protocols print it; cached because every response carries it.</summary>
    public string VersionText { get; }

    public string Directory { get; }

    public ModelManifest Manifest { get; }

    public IModelRuntime Runtime { get; }

    /// <summary>Lookups between public and artifact names, precomputed for the request path.</summary>
    public SignatureBinding Binding { get; }

    /// <summary>True once the registry let go; the runtime lives until in-flight requests finish.</summary>
    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    /// <summary>True once the runtime has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>Takes a reference for one request; false when the generation is already gone.</summary>
    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Gives back a reference taken with <see cref="TryAcquire"/>.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Runtime.Dispose();
        }
    }

    /// <summary>Drops the registry's own reference, once; the runtime goes when in-flight requests finish.</summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }
    }
}
