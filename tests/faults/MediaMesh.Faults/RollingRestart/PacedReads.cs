using Grpc.Core;
using MediaMesh.Faults.Kills;
using ExV1 = MediaMesh.Contracts.Exchange.V1;
using InV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Faults.RollingRestart;

/// <summary>
/// Tops the load up to a steady total rate with reads through the gateway, made with the members' SDK
/// clients (their retry policy as members get it) and spread over the three services: point reads of the
/// member's own organisation, offers and initiatives (the writers' acknowledged ones). Open loop: every 5 ms it starts as many reads as bring the
/// calls so far (its own started, plus <paramref name="otherCalls"/>, the writers' answered) to
/// <paramref name="callsPerSecond"/> × the time elapsed, whatever the calls in flight are doing, up to a cap
/// on its calls in flight (a read not started for the cap is counted, so a rate the rig could not keep shows).
/// </summary>
public sealed class PacedReads(KillWorld world, WriteLedger ledger, StatusTally tally, int callsPerSecond, Func<long> otherCalls, int maxInFlight = 256)
{
    private long _started;
    private long _skipped;
    private int _inFlight;

    public long Started => Interlocked.Read(ref _started);

    public long Skipped => Interlocked.Read(ref _skipped);

    public async Task RunAsync(CancellationToken stop)
    {
        var calls = new List<Task>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var othersAtStart = otherCalls();
        long n = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(callsPerSecond * clock.Elapsed.TotalSeconds) - (otherCalls() - othersAtStart);
            for (; n < due; n++)
            {
                if (Volatile.Read(ref _inFlight) >= maxInFlight)
                {
                    Interlocked.Increment(ref _skipped);
                    continue;
                }

                Interlocked.Increment(ref _inFlight);
                Interlocked.Increment(ref _started);
                calls.Add(CallAsync(n));
            }

            calls.RemoveAll(c => c.IsCompleted);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(calls);
    }

    private async Task CallAsync(long n)
    {
        var member = world.Members[(int)(n % world.Members.Count)];
        var turn = n / world.Members.Count % 4;
        var offer = turn == 1 ? ledger.Offers.FirstOrDefault(o => o.Value.Owner == member.Index).Key : null;
        var initiative = turn == 2 ? ledger.Initiatives.FirstOrDefault(i => i.Value.Proposer == member.Index).Key : null;
        var method = offer is not null ? "GetOffer" : initiative is not null ? "GetInitiative" : "GetOrganization";
        var started = DateTime.UtcNow;
        try
        {
            // Not cancelled by the stop: a call started is seen to its end, as a member's would be.
            if (offer is not null)
            {
                await member.Client.Offers.GetOfferAsync(new ExV1.GetOfferRequest { Id = offer });
            }
            else if (initiative is not null)
            {
                await member.Client.Initiatives.GetInitiativeAsync(new InV1.GetInitiativeRequest { Id = initiative });
            }
            else
            {
                await member.Client.Organizations.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.Id });
            }

            tally.Ok();
        }
        catch (RpcException e)
        {
            tally.Failed(method, e.StatusCode, e.Status.Detail, started);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
