using Serving.Core.Inference;

namespace Serving.Tests.Shared;

/// <summary>Waits until a started gateway has read its registry, as every test host does before its first call.</summary>
internal static class GatewayReadiness
{
    public static async Task WaitAsync(IServiceProvider services, TimeSpan? timeout = null)
    {
        var service = (IInferenceService)services.GetService(typeof(IInferenceService))!;
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (!service.IsServerReady)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the gateway did not become ready within {limit.TotalSeconds} s");
            }

            await Task.Delay(50);
        }
    }
}
