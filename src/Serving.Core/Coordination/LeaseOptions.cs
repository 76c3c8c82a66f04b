using System.Globalization;

namespace Serving.Core.Coordination;

/// <summary><c>Serving:Redis:Leadership</c>: the leader lease, used only when <c>Serving:Redis:Configuration</c> is set.</summary>
public sealed class LeaseOptions
{
    public const string SectionName = "Serving:Redis:Leadership";

    /// <summary>
    /// How long a lease lasts without renewal, in seconds (default 10). The holder renews every third of it; when the
    /// holder dies or is cut off, another replica leads within about this long.
    /// </summary>
    public double LeaseSeconds { get; set; } = 10;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    /// <summary>How often the holder renews, and a follower tries to acquire: a third of the lease.</summary>
    public TimeSpan RenewEvery => TimeSpan.FromSeconds(LeaseSeconds / 3);

    /// <summary>What is wrong with the settings, one line per problem naming the key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(LeaseSeconds is >= 1 and <= 600))
        {
            yield return $"{SectionName}:LeaseSeconds is '{LeaseSeconds.ToString(CultureInfo.InvariantCulture)}'; use a number of seconds from 1 to 600";
        }
    }
}
