namespace Serving.Core.Registry.Mlflow;

/// <summary>
/// Reads an HTTP answer's body without trusting its size: at most a given number of bytes are taken from the
/// network, whatever the Content-Length says or leaves out, so an endless or huge answer fails early instead of
/// filling the memory or the disk.
/// </summary>
internal static class BoundedContent
{
    /// <summary>The body's bytes, or null when it holds more than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        return await CopyAsync(content, buffer, limit, cancellationToken).ConfigureAwait(false) < 0 ? null : buffer.ToArray();
    }

    /// <summary>
    /// Copies the body to <paramref name="destination"/>; returns the bytes copied, or -1 as soon as it holds more
    /// than <paramref name="limit"/> (the copy then stops there).
    /// </summary>
    public static async Task<long> CopyAsync(HttpContent content, Stream destination, long limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            return -1;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > limit)
            {
                return -1;
            }

            await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return total;
    }
}
