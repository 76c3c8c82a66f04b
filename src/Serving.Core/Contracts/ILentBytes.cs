namespace Serving.Core.Contracts;

/// <summary>
/// Bytes lent to a tensor by a pool (its values' JSON text as the caller sent them): released once, by the one
/// reader of them, and reused after that. Never released, they are only garbage the collector takes.
/// </summary>
public interface ILentBytes
{
    /// <summary>Gives one loan back; the bytes may be overwritten from then on.</summary>
    void Release();
}
