namespace Serving.Core.Coordination;

/// <summary>The embedded default: with no shared state there is one process, and it leads.</summary>
public sealed class SingleProcessLeadership : ILeadership
{
    /// <summary>The one instance.</summary>
    public static SingleProcessLeadership Instance { get; } = new();

    private SingleProcessLeadership()
    {
    }

    /// <inheritdoc />
    public bool IsLeader => true;

    /// <inheritdoc />
    public long FencingToken => 1;
}
