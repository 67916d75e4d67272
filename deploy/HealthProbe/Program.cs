using System.Net;

// Container health probe: GET the URL (argument, or MEDIAMESH_HEALTH_URL) over HTTP/2 without TLS
// (prior knowledge, like `curl --http2-prior-knowledge`); exit 0 on a 2xx answer, 1 otherwise.
var url = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("MEDIAMESH_HEALTH_URL");
if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
{
    Console.Error.WriteLine("usage: MediaMesh.HealthProbe <http://host:port/health/ready> (or set MEDIAMESH_HEALTH_URL)");
    return 2;
}

using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
using var request = new HttpRequestMessage(HttpMethod.Get, uri)
{
    Version = HttpVersion.Version20,
    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
};
try
{
    using var response = await client.SendAsync(request);
    var body = await response.Content.ReadAsStringAsync();
    Console.WriteLine($"{(int)response.StatusCode} {body}");
    return response.IsSuccessStatusCode ? 0 : 1;
}
catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
{
    Console.Error.WriteLine($"{uri}: {ex.Message}");
    return 1;
}
