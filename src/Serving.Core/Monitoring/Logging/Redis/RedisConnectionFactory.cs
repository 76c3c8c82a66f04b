using StackExchange.Redis;

namespace Serving.Core.Monitoring.Logging.Redis;

/// <summary>Opens the one <see cref="IConnectionMultiplexer"/> a process shares (it multiplexes every caller over one socket).</summary>
public static class RedisConnectionFactory
{
    /// <summary>
    /// Connects without failing when Redis is down: the gateway must start and serve while Redis is away, and
    /// the multiplexer keeps reconnecting in the background.
    /// </summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(string configuration, TextWriter? log = null)
    {
        var options = Options(configuration);
        return await ConnectionMultiplexer.ConnectAsync(options, log).ConfigureAwait(false);
    }

    /// <summary>The synchronous form, for a dependency-injection factory.</summary>
    public static IConnectionMultiplexer Connect(string configuration) => ConnectionMultiplexer.Connect(Options(configuration));

    /// <summary>Parses the configuration string and turns off abort-on-connect-fail, whatever the string says.</summary>
    public static ConfigurationOptions Options(string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        return options;
    }
}
