using Serving.Gateway.Settings;

namespace Serving.Gateway.Rest.Admin;

/// <summary>Registers the admin API's keys from <c>Serving:Admin</c>.</summary>
internal static class AdminServiceExtensions
{
    public static IServiceCollection AddAdminApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection("Serving:Admin")).ValidateSettings(o => o.Validate());
        services.AddSingleton<AdminKeys>();
        return services;
    }
}
