namespace Serving.Core.Packaging;

/// <summary>A package could not be built; the message says why in terms the person packaging can act on.</summary>
public sealed class PackagingException : Exception
{
    public PackagingException()
    {
    }

    public PackagingException(string message)
        : base(message)
    {
    }

    public PackagingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
