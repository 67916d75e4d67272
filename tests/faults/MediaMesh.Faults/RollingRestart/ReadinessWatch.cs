using System.Diagnostics;
using System.Net;
using System.Net.Http;

namespace MediaMesh.Faults.RollingRestart;

/// <summary>What one replica's /health/ready said around its stop, on the watch's clock (seconds after the stop was asked for).</summary>
public sealed record ReadinessTimeline(double? FirstNotReady, double? LastAnswer, double? FirstRefused, int Probes);

/// <summary>
/// Asks one process's HTTP readiness (/health/ready) every 100 ms while it is being stopped, to show the
/// order of a graceful stop: "not ready" (503) first while the process still answers, the listener closed
/// only after that.
/// </summary>
public sealed class ReadinessWatch : IAsyncDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = TimeSpan.FromSeconds(2),
        // The services listen for HTTP/2 only (prior knowledge), as the gateway's probes speak it.
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = new();
    private readonly Uri _ready;
    private Task _loop = Task.CompletedTask;
    private double? _firstNotReady;
    private double? _lastAnswer;
    private double? _firstRefused;
    private int _probes;

    public ReadinessWatch(int port) => _ready = new Uri($"http://127.0.0.1:{port}/health/ready");

    /// <summary>Starts probing; the clock's zero is now (call it just before asking the process to stop).</summary>
    public void Start()
    {
        _clock.Start();
        _loop = Task.Run(() => PollAsync(_stop.Token));
    }

    /// <summary>Stops probing and returns what was seen.</summary>
    public async Task<ReadinessTimeline> EndAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        return new ReadinessTimeline(_firstNotReady, _lastAnswer, _firstRefused, _probes);
    }

    private async Task PollAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested && _firstRefused is null)
        {
            var sent = _clock.Elapsed.TotalSeconds;
            try
            {
                using var response = await _http.GetAsync(_ready, ct);
                _probes++;
                _lastAnswer = sent;
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    _firstNotReady ??= sent;
                }
            }
            catch (HttpRequestException)
            {
                // No connection: the process has stopped listening (or is gone).
                _firstRefused = sent;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // A probe that got no answer in 2 s: the process is busy stopping; ask again.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _http.Dispose();
    }
}
