using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace MediaMesh.Proxy.Bench;

/// <summary>What one timed run of the load generator saw.</summary>
public sealed record LoadResult(long Calls, long Failures, IReadOnlyDictionary<string, long> FailureKinds, TimeSpan Elapsed, double[] LatenciesMs)
{
    public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

    public double Percentile(double p) => MediaMesh.Bench.Support.Summary.Percentile(LatenciesMs, p);

    public string FailureText => string.Join(", ", FailureKinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key} ×{k.Value}"));
}

/// <summary>
/// A closed-loop gRPC load generator over HTTP/2 with prior knowledge (h2c): <c>connections</c>
/// sockets (one SocketsHttpHandler each, so exactly that many), <c>streams</c> calls in flight on
/// each. Every call sends the pre-encoded request, reads the whole response and checks grpc-status
/// (in the trailers, or in the headers of a trailers-only answer): anything but the expected status,
/// a non-200 answer or a transport error is a failure. Latency is measured per call.
/// </summary>
public sealed class LoadGenerator : IDisposable
{
    private static readonly MediaTypeHeaderValue GrpcContentType = new("application/grpc");
    private readonly HttpMessageInvoker[] _connections;
    private readonly Uri _baseAddress;

    public LoadGenerator(Uri baseAddress, int connections)
    {
        _baseAddress = baseAddress;
        _connections = [.. Enumerable.Range(0, connections).Select(_ => new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            EnableMultipleHttp2Connections = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ActivityHeadersPropagator = null,
        }, disposeHandler: true))];
    }

    public async Task<LoadResult> RunAsync(GrpcCall call, string? authorization, int streams, TimeSpan duration)
    {
        var uri = new Uri(_baseAddress, call.Path);
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new List<Task<Worker>>();
        var started = Stopwatch.GetTimestamp();
        foreach (var connection in _connections)
        {
            for (var i = 0; i < streams; i++)
            {
                var worker = new Worker(connection, uri, call, authorization);
                workers.Add(Task.Run(() => worker.RunAsync(stopAt)));
            }
        }

        var done = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var latencies = done.SelectMany(w => w.LatenciesMs).ToArray();
        Array.Sort(latencies);
        var kinds = done.SelectMany(w => w.Failures).GroupBy(k => k.Key).ToDictionary(g => g.Key, g => g.Sum(k => k.Value));
        return new LoadResult(done.Sum(w => w.Calls), kinds.Values.Sum(), kinds, elapsed, latencies);
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }

    private sealed class Worker(HttpMessageInvoker connection, Uri uri, GrpcCall call, string? authorization)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];

        public List<double> LatenciesMs { get; } = new(4096);

        public Dictionary<string, long> Failures { get; } = [];

        public long Calls { get; private set; }

        public async Task<Worker> RunAsync(long stopAt)
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                var failure = await CallOnceAsync();
                LatenciesMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Calls++;
                if (failure is not null)
                {
                    Failures[failure] = Failures.GetValueOrDefault(failure) + 1;
                }
            }

            return this;
        }

        /// <summary>Null when the call ended with the expected status, otherwise what went wrong.</summary>
        private async Task<string?> CallOnceAsync()
        {
            try
            {
                using var content = new ByteArrayContent(call.Frame);
                content.Headers.ContentType = GrpcContentType;
                using var request = new HttpRequestMessage(HttpMethod.Post, uri)
                {
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    Content = content,
                };
                request.Headers.TryAddWithoutValidation("te", "trailers");
                request.Headers.TryAddWithoutValidation("grpc-timeout", "30S");
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("authorization", authorization);
                }

                using var response = await connection.SendAsync(request, CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return $"HTTP {(int)response.StatusCode}";
                }

                long length = 0;
                await using (var body = await response.Content.ReadAsStreamAsync())
                {
                    int read;
                    while ((read = await body.ReadAsync(_buffer)) > 0)
                    {
                        length += read;
                    }
                }

                var status = StatusOf(response.TrailingHeaders) ?? StatusOf(response.Headers);
                if (status is null)
                {
                    return "no grpc-status";
                }

                if (status != call.ExpectedStatus)
                {
                    return $"grpc-status {status}";
                }

                return status == 0 && length < 5 ? "OK without a message" : null;
            }
            catch (HttpRequestException e)
            {
                return "transport: " + (e.HttpRequestError.ToString());
            }
            catch (IOException)
            {
                return "transport: I/O";
            }
        }

        private static int? StatusOf(HttpHeaders headers) =>
            headers.NonValidated.TryGetValues("grpc-status", out var values) && int.TryParse(values.ToString(), out var code) ? code : null;
    }
}
