using Serving.Core.Runtimes.Batching;

namespace Serving.Core.Tests.Runtimes.Batching;

public sealed class BatchingOptionsTests
{
    private const string Section = "Serving:Models:digits:Batching";

    [Fact]
    public void The_defaults_are_off_and_valid()
    {
        var options = new BatchingOptions();

        Assert.False(options.Enabled);
        Assert.Equal(64, options.MaxBatchSize);
        Assert.Equal(500, options.MaxQueueDelayMicroseconds);
        Assert.Empty(options.Validate(Section));
    }

    [Fact]
    public void Each_value_out_of_range_is_named_by_its_full_key()
    {
        var options = new BatchingOptions { MaxBatchSize = 0, MaxQueueDelayMicroseconds = -1, MaxConcurrentBatches = 0, PreferredBatchSizes = [8, 0] };

        Assert.Equal(
            [
                $"{Section}:MaxBatchSize is '0'; use a whole number of rows from 1 to 65536",
                $"{Section}:MaxQueueDelayMicroseconds is '-1'; use a whole number from 0 to 1000000",
                $"{Section}:MaxConcurrentBatches is '0'; use a whole number from 1 to 256",
                $"{Section}:PreferredBatchSizes:0 is '8'; use a whole number of rows from 1 to MaxBatchSize (0)",
                $"{Section}:PreferredBatchSizes:1 is '0'; use a whole number of rows from 1 to MaxBatchSize (0)",
            ],
            options.Validate(Section));
    }

    [Fact]
    public void A_preferred_size_above_the_maximum_is_refused()
    {
        var options = new BatchingOptions { MaxBatchSize = 16, PreferredBatchSizes = [8, 32] };

        Assert.Equal([$"{Section}:PreferredBatchSizes:1 is '32'; use a whole number of rows from 1 to MaxBatchSize (16)"], options.Validate(Section));
    }
}
