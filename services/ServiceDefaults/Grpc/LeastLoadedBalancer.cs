using System.Diagnostics;
using System.Runtime.CompilerServices;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// The balancing policy of an outbound client with several replicas: each call goes to the ready replica with the
/// least load, its calls in flight (plus one) times its answer time: a peak-sensitive moving average of its answers
/// that fades while none come in (linkerd's and Finagle's "peak EWMA"), or the time its calls in flight have waited
/// on average if that is longer. A replica that answers slowly (just restarted and still compiling its code and
/// queries, or overloaded) shows it while its first calls wait, gets few new calls, and is tried again once its
/// estimate fades; round-robin kept giving it every other call. A hedged read's next attempt
/// (<see cref="OutboundReplicas.HedgeAcrossReplicas"/>) goes elsewhere than the slow replica still holding the first.
/// A replica that joins starts with the highest estimate of those already there, so it wins calls by having
/// fewer in flight, not by being unknown. Ties are taken in turn.
/// </summary>
public sealed class LeastLoadedBalancerFactory : LoadBalancerFactory
{
    public const string PolicyName = "mediamesh_least_loaded";

    /// <summary>How fast an answer time fades without new answers: to a third in this time.</summary>
    public static readonly TimeSpan Decay = TimeSpan.FromSeconds(2);

    /// <summary>The answer time a replica is first taken to have.</summary>
    private const double FirstEstimateMilliseconds = 5;

    public override string Name => PolicyName;

    public override LoadBalancer Create(LoadBalancerOptions options) => new LeastLoadedBalancer(options.Controller, options.LoggerFactory);

    private sealed class LeastLoadedBalancer(IChannelControlHelper controller, ILoggerFactory loggers) : SubchannelsLoadBalancer(controller, loggers)
    {
        // A replica's load belongs to its subchannel, not to a picker: a new picker (a replica joining or leaving) keeps it.
        private readonly ConditionalWeakTable<Subchannel, ReplicaLoad> _loads = [];

        protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
        {
            var now = Stopwatch.GetTimestamp();
            var known = readySubchannels.Select(s => _loads.TryGetValue(s, out var load) ? load.Estimate(now) : double.NaN).Where(e => !double.IsNaN(e)).ToArray();
            var joining = known.Length > 0 ? known.Max() : FirstEstimateMilliseconds;
            return new Picker(readySubchannels.Select(s => (s, _loads.GetValue(s, _ => new ReplicaLoad(joining)))).ToArray());
        }
    }

    private sealed class Picker((Subchannel Subchannel, ReplicaLoad Load)[] ready) : SubchannelPicker
    {
        private int _next = -1;

        public override PickResult Pick(PickContext context)
        {
            if (ready.Length == 0)
            {
                return PickResult.ForQueue();
            }

            var now = Stopwatch.GetTimestamp();
            var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)ready.Length);
            var best = start;
            var least = ready[start].Load.Cost(now);
            for (var i = 1; i < ready.Length; i++)
            {
                var candidate = (start + i) % ready.Length;
                var cost = ready[candidate].Load.Cost(now);
                if (cost < least)
                {
                    (best, least) = (candidate, cost);
                }
            }

            return PickResult.ForSubchannel(ready[best].Subchannel, new CallTimer(ready[best].Load));
        }
    }

    /// <summary>One replica's calls in flight and answer time estimate.</summary>
    public sealed class ReplicaLoad(double firstEstimateMilliseconds)
    {
        private readonly Lock _gate = new();
        private int _inFlight;
        private long _startedAtSum;
        private double _estimateMilliseconds = firstEstimateMilliseconds;
        private long _estimatedAt = Stopwatch.GetTimestamp();

        public double Cost(long now)
        {
            lock (_gate)
            {
                var waited = _inFlight == 0 ? 0 : Stopwatch.GetElapsedTime(_startedAtSum / _inFlight, now).TotalMilliseconds;
                return Math.Max(Faded(now), waited) * (_inFlight + 1);
            }
        }

        public double Estimate(long now)
        {
            lock (_gate)
            {
                return Faded(now);
            }
        }

        public void Started(long startedAt)
        {
            lock (_gate)
            {
                _inFlight++;
                _startedAtSum += startedAt;
            }
        }

        /// <summary>A call ended (answered, failed or cancelled).</summary>
        public void Ended(long startedAt, long now)
        {
            lock (_gate)
            {
                _inFlight--;
                _startedAtSum -= startedAt;
                var milliseconds = Stopwatch.GetElapsedTime(startedAt, now).TotalMilliseconds;
                var faded = Faded(now);
                // Peak-sensitive: a slow answer counts at once, fast ones bring the estimate down gradually.
                var weight = Weight(now);
                _estimateMilliseconds = milliseconds > faded ? milliseconds : (faded * weight) + (milliseconds * (1 - weight));
                _estimatedAt = now;
            }
        }

        private double Faded(long now) => _estimateMilliseconds * Weight(now);

        private double Weight(long now) => Math.Exp(-Stopwatch.GetElapsedTime(_estimatedAt, now).TotalMilliseconds / Decay.TotalMilliseconds);
    }

    /// <summary>One call on one replica: grpc-dotnet tells it when the call starts and ends.</summary>
    private sealed class CallTimer(ReplicaLoad load) : ISubchannelCallTracker
    {
        private long _startedAt;

        public void Start()
        {
            _startedAt = Stopwatch.GetTimestamp();
            load.Started(_startedAt);
        }

        public void Complete(CompletionContext context) => load.Ended(_startedAt, Stopwatch.GetTimestamp());
    }
}
