namespace Serving.Core.Inference;

/// <summary>Prediction ids: what a caller may send as a request id and give back with feedback.</summary>
public static class PredictionIds
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>1 to <see cref="MaxLength"/> visible ASCII characters (0x21 to 0x7E): safe in a header, a log line and a file.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c < '\x21' || c > '\x7e')
            {
                return false;
            }
        }

        return true;
    }
}
