using Serving.Core.Runtimes;

namespace Serving.Core.Tests.Runtimes;

public sealed class RuntimeLifetimeTests
{
    [Fact]
    public void Dispose_with_no_call_in_flight_frees_at_once()
    {
        var freed = 0;
        var lifetime = new RuntimeLifetime(() => freed++);

        lifetime.Dispose();

        Assert.Equal(1, freed);
    }

    [Fact]
    public void Dispose_during_a_call_frees_when_the_call_leaves()
    {
        var freed = 0;
        var lifetime = new RuntimeLifetime(() => freed++);
        lifetime.Enter(this);

        lifetime.Dispose();
        Assert.Equal(0, freed);
        lifetime.Exit();

        Assert.Equal(1, freed);
    }

    [Fact]
    public void Entering_after_dispose_throws_and_never_frees_twice()
    {
        var freed = 0;
        var lifetime = new RuntimeLifetime(() => freed++);
        lifetime.Dispose();

        Assert.Throws<ObjectDisposedException>(() => lifetime.Enter(this));
        lifetime.Dispose();

        Assert.Equal(1, freed);
        Assert.True(lifetime.IsDisposed);
    }
}
