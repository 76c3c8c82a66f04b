using Serving.Core.Storage;

namespace Serving.Core.Events.Webhooks;

/// <summary>Where webhook state lives: <c>&lt;data&gt;/webhooks/</c>.</summary>
public static class WebhookPaths
{
    public static string Folder(DataPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Path.Combine(paths.Root, "webhooks");
    }
}
