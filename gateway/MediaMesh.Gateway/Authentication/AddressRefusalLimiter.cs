using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;

namespace MediaMesh.Gateway.Authentication;

/// <summary>
/// Counts authentication refusals per client address: a token bucket per address ("RefusalLimit")
/// that each refusal empties by one and that refills by TokensPerPeriod every ReplenishmentPeriod.
/// An address that has used up its bucket is refused before its key is looked up, so a flood of
/// guessed keys costs the organization service a bounded number of look-ups per address. Buckets
/// are refilled lazily on use; full ones are dropped so the table holds only recent offenders.
/// </summary>
public sealed class AddressRefusalLimiter(IOptionsMonitor<GatewayOptions> options, TimeProvider clock) : IDisposable
{
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public static string AddressOf(HttpContext context) => (context.Connection.RemoteIpAddress ?? IPAddress.None).ToString();

    /// <summary>True (with the time until the next refusal is allowed) if the address has no refusals left.</summary>
    public bool IsExhausted(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_buckets.TryGetValue(address, out var bucket))
        {
            return false;
        }

        var settings = options.CurrentValue.RefusalLimit;
        lock (bucket)
        {
            var (tokens, untilNext) = bucket.Refill(settings, clock.GetTimestamp(), clock);
            retryAfter = untilNext;
            return tokens < 1;
        }
    }

    /// <summary>Records one refusal of a call from the address.</summary>
    public void Refused(string address)
    {
        var settings = options.CurrentValue.RefusalLimit;
        var now = clock.GetTimestamp();
        if (_buckets.Count > PruneAbove)
        {
            Prune(settings, now);
        }

        var bucket = _buckets.GetOrAdd(address, _ => new Bucket(settings.BurstLimit, now));
        lock (bucket)
        {
            bucket.Refill(settings, now, clock);
            bucket.Tokens = Math.Max(0, bucket.Tokens - 1);
        }
    }

    public void Dispose() => _buckets.Clear();

    private void Prune(RateLimitOptions settings, long now)
    {
        foreach (var (address, bucket) in _buckets)
        {
            lock (bucket)
            {
                if (bucket.Refill(settings, now, clock).Tokens >= settings.BurstLimit)
                {
                    _buckets.TryRemove(address, out _);
                }
            }
        }
    }

    private sealed class Bucket(long tokens, long refilledAt)
    {
        public long Tokens { get; set; } = tokens;

        private long RefilledAt { get; set; } = refilledAt;

        /// <summary>Adds the tokens of every whole period since the last refill; returns them and the time until the next period.</summary>
        public (long Tokens, TimeSpan UntilNext) Refill(RateLimitOptions settings, long now, TimeProvider clock)
        {
            var elapsed = clock.GetElapsedTime(RefilledAt, now);
            var periods = (long)(elapsed / settings.ReplenishmentPeriod);
            if (periods > 0)
            {
                Tokens = Math.Min(settings.BurstLimit, Tokens + (periods * settings.TokensPerPeriod));
                RefilledAt += (long)(periods * settings.ReplenishmentPeriod.TotalSeconds * clock.TimestampFrequency);
                elapsed = clock.GetElapsedTime(RefilledAt, now);
            }

            return (Tokens, settings.ReplenishmentPeriod - elapsed);
        }
    }
}
