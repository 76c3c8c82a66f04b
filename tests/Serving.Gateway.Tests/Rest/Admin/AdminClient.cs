using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>Sends admin and repository requests with one bearer key (or none) and parses the JSON answer.</summary>
public sealed class AdminClient(HttpClient http, string? key) : IDisposable
{
    public Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null) =>
        SendAsync(method, path, body is null ? null : new StringContent(body));

    /// <summary>Sends <paramref name="content"/> as it is: raw bytes, a Content-Encoding, text that is not UTF-8.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? body = null) => SendAsync(HttpMethod.Post, path, body);

    public Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(string path, string body) => SendAsync(HttpMethod.Put, path, body);

    public void Dispose() => http.Dispose();
}
