using System.Diagnostics;
using MediaMesh.ServiceDefaults.Grpc;

namespace MediaMesh.Initiative.Tests;

/// <summary>
/// The load an outbound client's balancer gives each replica (<see cref="LeastLoadedBalancerFactory"/>), without a
/// server: calls in flight, a peak-sensitive answer time, its fading.
/// </summary>
public sealed class ReplicaLoadTests
{
    private static long At(long start, double milliseconds) => start + (long)(milliseconds * Stopwatch.Frequency / 1000);

    [Fact]
    public void Calls_in_flight_raise_the_cost_and_ending_them_lowers_it_again()
    {
        var start = Stopwatch.GetTimestamp();
        var load = new LeastLoadedBalancerFactory.ReplicaLoad(5);
        var idle = load.Cost(start);

        load.Started(start);
        load.Started(start);
        var busy = load.Cost(start);
        load.Ended(start, At(start, 5));
        load.Ended(start, At(start, 5));

        Assert.True(busy >= 3 * idle * 0.99, $"idle {idle}, two in flight {busy}");
        Assert.True(load.Cost(At(start, 5)) < busy / 2);
    }

    [Fact]
    public void One_slow_answer_counts_at_once_and_fast_ones_bring_the_estimate_down_gradually()
    {
        var start = Stopwatch.GetTimestamp();
        var load = new LeastLoadedBalancerFactory.ReplicaLoad(5);

        load.Started(start);
        load.Ended(start, At(start, 800));
        var afterSlow = load.Estimate(At(start, 800));

        var now = At(start, 800);
        for (var i = 0; i < 10; i++)
        {
            load.Started(now);
            now = At(now, 2);
            load.Ended(At(now, -2), now);
        }

        var afterFast = load.Estimate(now);
        Assert.InRange(afterSlow, 790, 810);
        Assert.InRange(afterFast, 100, afterSlow);
    }

    [Fact]
    public void A_calls_wait_counts_before_it_is_answered()
    {
        var start = Stopwatch.GetTimestamp();
        var load = new LeastLoadedBalancerFactory.ReplicaLoad(5);

        load.Started(start);

        // Still in flight after 3 s: its wait, not the 5 ms estimate, is the replica's answer time (× 2 for it and the next).
        Assert.InRange(load.Cost(At(start, 3000)), 5990, 6010);
    }

    [Fact]
    public void An_estimate_fades_to_a_third_in_the_decay_time_without_answers()
    {
        var start = Stopwatch.GetTimestamp();
        var load = new LeastLoadedBalancerFactory.ReplicaLoad(5);
        load.Started(start);
        load.Ended(start, At(start, 900));

        var later = load.Estimate(At(start, 900 + LeastLoadedBalancerFactory.Decay.TotalMilliseconds));

        Assert.InRange(later, 900 / Math.E * 0.99, 900 / Math.E * 1.01);
    }
}
