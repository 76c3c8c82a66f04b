using System.Globalization;

namespace Serving.Core.Routing.Redis;

/// <summary><c>Serving:Redis:Deployments</c>: deployment state shared through Redis (only when <c>Serving:Redis:Configuration</c> is set).</summary>
public sealed class SharedDeploymentOptions
{
    public const string SectionName = "Serving:Redis:Deployments";

    /// <summary>
    /// How often every replica re-reads the whole state, in seconds (default 5): the safety net under the pub/sub
    /// message that normally brings a change within a second (a message missed while disconnected, say).
    /// </summary>
    public double RereadSeconds { get; set; } = 5;

    public TimeSpan Reread => TimeSpan.FromSeconds(RereadSeconds);

    /// <summary>What is wrong with the settings, one line per problem naming the key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(RereadSeconds is >= 0.1 and <= 3600))
        {
            yield return $"{SectionName}:RereadSeconds is '{RereadSeconds.ToString(CultureInfo.InvariantCulture)}'; use a number of seconds from 0.1 to 3600";
        }
    }
}
