using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace MediaMesh.Faults.PostgresRestart;

/// <summary>One probe: when it was sent and answered (seconds on the poller's clock), and the answer (null: no answer, with the status code).</summary>
public sealed record HealthProbe(double SentAt, double AnsweredAt, ServingStatus? Status, StatusCode Code);

/// <summary>
/// Asks grpc.health.v1 Health/Check (the overall service "") directly on each service's own port,
/// every <see cref="Interval"/>, not through the gateway, and keeps every answer on one clock so the
/// part can tell when each service noticed the database go and come back.
/// </summary>
public sealed class HealthPoller : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly Stopwatch _clock;
    private readonly Dictionary<string, GrpcChannel> _channels;
    private readonly Dictionary<string, List<HealthProbe>> _probes;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    public HealthPoller(Stopwatch clock, IReadOnlyDictionary<string, int> ports)
    {
        _clock = clock;
        _channels = ports.ToDictionary(p => p.Key, p => GrpcChannel.ForAddress($"http://127.0.0.1:{p.Value}"), StringComparer.Ordinal);
        _probes = ports.Keys.ToDictionary(p => p, _ => new List<HealthProbe>(), StringComparer.Ordinal);
    }

    public IEnumerable<string> Services => _probes.Keys;

    public void Start()
    {
        foreach (var (service, channel) in _channels)
        {
            _loops.Add(Task.Run(() => PollAsync(service, new Health.HealthClient(channel), _stop.Token)));
        }
    }

    /// <summary>A copy of the probes of <paramref name="service"/> so far, in the order they were sent.</summary>
    public IReadOnlyList<HealthProbe> ProbesOf(string service)
    {
        var probes = _probes[service];
        lock (probes)
        {
            return [.. probes];
        }
    }

    /// <summary>The first probe of <paramref name="service"/> sent at or after <paramref name="from"/> that answered <paramref name="status"/>.</summary>
    public HealthProbe? FirstAfter(string service, double from, ServingStatus status) =>
        ProbesOf(service).FirstOrDefault(p => p.SentAt >= from && p.Status == status);

    /// <summary>Waits until every service has answered <paramref name="status"/> to a probe sent at or after <paramref name="from"/>, or the time runs out.</summary>
    public async Task<bool> WaitForAllAsync(double from, ServingStatus status, TimeSpan within, CancellationToken ct)
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < within)
        {
            if (Services.All(s => FirstAfter(s, from, status) is not null))
            {
                return true;
            }

            await Task.Delay(Interval, ct);
        }

        return Services.All(s => FirstAfter(s, from, status) is not null);
    }

    private async Task PollAsync(string service, Health.HealthClient client, CancellationToken stop)
    {
        var probes = _probes[service];
        while (!stop.IsCancellationRequested)
        {
            var sent = _clock.Elapsed.TotalSeconds;
            HealthProbe probe;
            try
            {
                // The database check gives up after 3 s; 5 s leaves it room to answer NOT_SERVING itself.
                var answer = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: stop);
                probe = new HealthProbe(sent, _clock.Elapsed.TotalSeconds, answer.Status, StatusCode.OK);
            }
            catch (RpcException e) when (!stop.IsCancellationRequested)
            {
                probe = new HealthProbe(sent, _clock.Elapsed.TotalSeconds, null, e.StatusCode);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }

            lock (probes)
            {
                probes.Add(probe);
            }

            try
            {
                await Task.Delay(Interval, stop);
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
        await Task.WhenAll(_loops);
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _stop.Dispose();
    }
}
