using Grpc.Core;
using MediaMesh.Faults.Kills;
using ExV1 = MediaMesh.Contracts.Exchange.V1;
using InV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Faults.PostgresRestart;

/// <summary>
/// Readers through the gateway, one loop per member with no client retries: its own organisation, a page
/// of offers, a page of initiatives and one of the writers' offers, in turn. Every status is tallied, and
/// those of calls sent while the database was down are tallied apart as well.
/// </summary>
public sealed class GatewayReaders(KillWorld world, WriteLedger ledger, StatusTally tally, StatusTally whileDown, Func<bool> databaseDown, CancellationToken ct)
{
    public long Calls => Interlocked.Read(ref _calls);

    private long _calls;

    public IEnumerable<Task> Start(CancellationToken stop) =>
        world.Members.Select(m => Task.Run(() => ReadAsync(m, new Random(m.Index), stop), CancellationToken.None));

    private async Task ReadAsync(KillMember member, Random dice, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            switch (n % 4)
            {
                case 0:
                    await CallAsync("GetOrganization", c => member.Client.Organizations.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.Id }, cancellationToken: c).ResponseAsync);
                    break;
                case 1:
                    await CallAsync("ListOffers", c => member.Client.Offers.ListOffersAsync(new ExV1.ListOffersRequest { PageSize = 10 }, cancellationToken: c).ResponseAsync);
                    break;
                case 2:
                    await CallAsync("ListInitiatives", c => member.Client.Initiatives.ListInitiativesAsync(new InV1.ListInitiativesRequest { PageSize = 10 }, cancellationToken: c).ResponseAsync);
                    break;
                default:
                    var own = ledger.Offers.Where(o => o.Value.Owner == member.Index).Select(o => o.Key).ToList();
                    if (own.Count > 0)
                    {
                        var id = own[dice.Next(own.Count)];
                        await CallAsync("GetOffer", c => member.Client.Offers.GetOfferAsync(new ExV1.GetOfferRequest { Id = id }, cancellationToken: c).ResponseAsync);
                    }

                    break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 + dice.Next(100)), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task CallAsync<T>(string method, Func<CancellationToken, Task<T>> call)
    {
        var down = databaseDown();
        Interlocked.Increment(ref _calls);
        try
        {
            await call(ct);
            tally.Ok();
            if (down)
            {
                whileDown.Ok();
            }
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            tally.Failed(method, e.StatusCode, e.Status.Detail);
            if (down)
            {
                whileDown.Failed(method, e.StatusCode, e.Status.Detail);
            }
        }
    }
}
