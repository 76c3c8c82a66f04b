namespace Serving.Core.Tests.Support;

/// <summary>
/// A file opened for appending whose next write, once armed, does what ext4 does when the disk fills: it takes half
/// the bytes, then reports a full disk. Only that one write fails; later ones go through.
/// </summary>
internal sealed class TornWrites(string path, TornWrites.Trigger trigger) : FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0)
{
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > 1 && trigger.Fire())
        {
            base.Write(buffer[..(buffer.Length / 2)]);
            throw new IOException("No space left on device");
        }

        base.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length > 1 && trigger.Fire())
        {
            await base.WriteAsync(buffer[..(buffer.Length / 2)], cancellationToken);
            throw new IOException("No space left on device");
        }

        await base.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>Shared by every file a test opens: <see cref="Arm"/> makes the next write among them fail.</summary>
    public sealed class Trigger
    {
        private bool _armed;

        public void Arm() => _armed = true;

        public bool Fire()
        {
            var fire = _armed;
            _armed = false;
            return fire;
        }
    }
}
