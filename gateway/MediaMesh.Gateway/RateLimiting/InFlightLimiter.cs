using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace MediaMesh.Gateway.RateLimiting;

/// <summary>Which in-flight budget a proxied call counts against (the route's "InFlight" metadata).</summary>
public enum InFlightKind
{
    /// <summary>Ordinary calls: they end within a UnaryCallTimeout and hold the backends' CPU while they run.</summary>
    Unary,

    /// <summary>Feed subscriptions, uploads and downloads: they stay open for minutes or hours, mostly idle.</summary>
    Stream,
}

/// <summary>Why a call was refused a permit.</summary>
public enum InFlightRefusal
{
    Organization,
    Total,
}

/// <summary>
/// Counts the calls the gateway is forwarding now, per organisation and in total, each kind
/// (<see cref="InFlightKind"/>) against its own limits ("MediaMesh:Gateway:InFlight"). A call that
/// would go over a limit is refused at once: nothing queues, so overload costs a refusal, not memory
/// and latency. The token bucket limits how many calls an organisation starts per second; this limits
/// how many it (and everyone) may have running at once, which is what holds the backends' latency
/// when calls get slower. Counters exist only for organisations that authenticated, so the table is
/// bounded by the number of members.
/// </summary>
public sealed class InFlightLimiter(IOptionsMonitor<GatewayOptions> options)
{
    private readonly Budget _unary = new();
    private readonly Budget _streams = new();

    /// <summary>Calls of this kind in flight now (all organisations).</summary>
    public int InFlight(InFlightKind kind) => Volatile.Read(ref BudgetOf(kind).Total);

    /// <summary>Calls of this kind one organisation has in flight now.</summary>
    public int InFlight(InFlightKind kind, string organizationId) =>
        BudgetOf(kind).PerOrganization.TryGetValue(organizationId, out var count) ? Volatile.Read(ref count.Value) : 0;

    /// <summary>Takes a permit for one call; dispose it when the call has ended, however it ended.</summary>
    public bool TryEnter(string organizationId, InFlightKind kind, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Permit? permit, out InFlightRefusal refusal)
    {
        var limits = options.CurrentValue.InFlight;
        var (perOrganization, total) = kind == InFlightKind.Unary
            ? (limits.PerOrganization, limits.Total)
            : (limits.StreamsPerOrganization, limits.StreamsTotal);
        var budget = BudgetOf(kind);
        var own = budget.PerOrganization.GetOrAdd(organizationId, _ => new Counter());

        // The organisation's own limit first: a greedy member is refused without taking a total permit even for a moment.
        if (Interlocked.Increment(ref own.Value) > perOrganization)
        {
            Interlocked.Decrement(ref own.Value);
            (permit, refusal) = (null, InFlightRefusal.Organization);
            return false;
        }

        if (Interlocked.Increment(ref budget.Total) > total)
        {
            Interlocked.Decrement(ref budget.Total);
            Interlocked.Decrement(ref own.Value);
            (permit, refusal) = (null, InFlightRefusal.Total);
            return false;
        }

        (permit, refusal) = (new Permit(budget, own), default);
        return true;
    }

    private Budget BudgetOf(InFlightKind kind) => kind == InFlightKind.Unary ? _unary : _streams;

    /// <summary>One call's place in the budget; disposing it gives the place back (a second dispose does nothing).</summary>
    public sealed class Permit : IDisposable
    {
        private readonly Budget _budget;
        private readonly Counter _own;
        private int _released;

        internal Permit(Budget budget, Counter own) => (_budget, _own) = (budget, own);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref _own.Value);
                Interlocked.Decrement(ref _budget.Total);
            }
        }
    }

    internal sealed class Counter
    {
        public int Value;
    }

    internal sealed class Budget
    {
        public readonly ConcurrentDictionary<string, Counter> PerOrganization = new(StringComparer.Ordinal);
        public int Total;
    }
}
