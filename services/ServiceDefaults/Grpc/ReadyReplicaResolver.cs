using System.Net;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// Resolves <c>static://{service}</c> to the replicas of the service that say they are ready: each replica's
/// <c>/health/ready</c> is asked every <see cref="OutboundReplicas.ProbeInterval"/>, and only the ready ones
/// are given to the channel's balancer. A replica that is starting (listening, but still opening its
/// database and compiling its code) gets no calls until it is ready, and one that is stopping leaves the pick
/// as soon as it drains, long before it stops listening: the gateway's active health checks, for the services'
/// calls to each other. When no replica answers ready, all are given (calls then fail or succeed as they
/// would without the probe) rather than none.
/// </summary>
internal sealed partial class ReadyReplicaResolver : Resolver
{
    /// <summary>Failed probes in a row (no answer, or a broken connection) before a replica leaves the pick; a 503 counts at once.</summary>
    private const int FailuresToLeave = 2;

    private static readonly TimeSpan QuickestReprobe = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the first addresses wait for the first probes' answers at most.</summary>
    private static readonly TimeSpan FirstPublishWait = TimeSpan.FromMilliseconds(300);

    private readonly string _service;
    private readonly OutboundReplicas _replicas;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly int[] _failures;
    private readonly bool[] _ready;
    private Action<ResolverResult>? _listener;
    private IReadOnlyList<Uri>? _published;

    public ReadyReplicaResolver(string service, OutboundReplicas replicas, ILoggerFactory loggers)
    {
        _service = service;
        _replicas = replicas;
        _logger = loggers.CreateLogger<ReadyReplicaResolver>();
        _failures = new int[replicas.Addresses.Count];
        // A replica is taken as ready until a probe says otherwise (a first probe without an answer is not enough).
        _ready = Enumerable.Repeat(true, replicas.Addresses.Count).ToArray();
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = replicas.ProbeTimeout })
        {
            Timeout = replicas.ProbeTimeout,
            // The services speak HTTP/2 only (prior knowledge on http, ALPN on https).
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public override void Start(Action<ResolverResult> listener)
    {
        // The first addresses are published after the first probes answer (the channel's first calls wait for
        // them, at most FirstPublishWait), so a replica that says it is not ready gets no calls from the start.
        _listener = listener;
        _ = ProbeLoopAsync(_stop.Token);
    }

    /// <summary>The balancer asks again when a replica's connection failed: probe now rather than at the next interval.</summary>
    public override void Refresh()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another refresh got there first.
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            _stop.Dispose();
            _http.Dispose();
            _wake.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task ProbeLoopAsync(CancellationToken ct)
    {
        try
        {
            var first = true;
            while (!ct.IsCancellationRequested)
            {
                var round = Task.WhenAll(_replicas.Addresses.Select((address, index) => ProbeAsync(address, index, ct)));
                if (first && await Task.WhenAny(round, Task.Delay(FirstPublishWait, ct)) != round)
                {
                    // A replica that does not answer must not hold up the channel's first calls for the probe's
                    // whole timeout: publish what the answers so far say (the silent ones still count as ready).
                    Publish();
                }

                first = false;
                await round;
                Publish();
                if (await _wake.WaitAsync(_replicas.ProbeInterval, ct))
                {
                    await Task.Delay(QuickestReprobe, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The channel was disposed.
        }
        catch (ObjectDisposedException) when (ct.IsCancellationRequested)
        {
            // The channel was disposed while a probe was waiting.
        }
    }

    private async Task ProbeAsync(Uri address, int index, CancellationToken ct)
    {
        bool? ready;
        try
        {
            using var response = await _http.GetAsync(new Uri(address, ServiceDefaults.Extensions.ReadinessPath), ct);
            ready = response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            // Not listening, or no answer within the probe's timeout: not known to be gone until it happens again.
            ready = null;
        }

        lock (_ready)
        {
            _failures[index] = ready is true ? 0 : _failures[index] + 1;
            var now = ready ?? (_failures[index] < FailuresToLeave && _ready[index]);
            if (now != _ready[index])
            {
                _ready[index] = now;
                // A replica leaving is worth an operator's attention (as YARP's health changes are); one joining is not.
                LogReadinessChanged(_logger, now ? LogLevel.Information : LogLevel.Warning, _service, address.Authority, now ? "joins" : "leaves",
                    ready switch { true => "it is ready", false => "it answered not ready", null => $"{_failures[index]} probes had no answer" });
            }
        }
    }

    private void Publish()
    {
        IReadOnlyList<Uri> addresses;
        lock (_ready)
        {
            var ready = _replicas.Addresses.Where((_, index) => _ready[index]).ToList();
            addresses = ready.Count > 0 ? ready : _replicas.Addresses;
        }

        if (_published is not null && _published.SequenceEqual(addresses))
        {
            return;
        }

        _published = addresses;
        _listener?.Invoke(ResolverResult.ForResult(addresses.Select(uri => new BalancerAddress(uri.Host, uri.Port)).ToList()));
    }

    [LoggerMessage(Message = "The {Service} replica at {Address} {Change} the pick: {Reason}")]
    private static partial void LogReadinessChanged(ILogger logger, LogLevel level, string service, string address, string change, string reason);
}
