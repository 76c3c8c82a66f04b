namespace Serving.Core.Inference;

/// <summary>
/// A page of bytes that texts are copied into one after another and that goes back for reuse once every text in it
/// has been let go and its writer has moved on to a new page (<see cref="LentJsonText"/>, the prediction log's line
/// pages). Only the one thread writing into the page touches <see cref="Used"/>; holds are counted atomically, since
/// texts are let go on other threads.
/// </summary>
public abstract class HeldPage
{
    // Texts not yet let go, plus one while the page is the one being written to.
    private int _holds;

    protected HeldPage(int bytes) => Bytes = new byte[bytes];

    /// <summary>The page's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>Bytes written so far.</summary>
    public int Used { get; set; }

    /// <summary>Starts the page (new or reused) empty, held by its writer.</summary>
    public void Start()
    {
        Used = 0;
        Volatile.Write(ref _holds, 1);
    }

    /// <summary>One more text lent out of the page.</summary>
    public void Hold() => Interlocked.Increment(ref _holds);

    /// <summary>Lets one text go (or the writer's hold); the last one hands the page back for reuse.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0)
        {
            Return();
        }
    }

    /// <summary>Hands the page back to whoever reuses it.</summary>
    protected abstract void Return();
}
