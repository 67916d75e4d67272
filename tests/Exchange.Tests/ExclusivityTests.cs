using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

[Collection("exchange")]
public sealed class ExclusivityTests(ExchangeFixture f)
{
    [Fact]
    public async Task Concurrent_requests_for_an_exclusive_territory_grant_exactly_one_licence()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true)));
        var requesters = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            requesters.Add(await f.NewMemberAsync("GH"));
        }

        var start = DateTime.UtcNow.AddHours(-1);
        var end = DateTime.UtcNow.AddDays(30);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = requesters.Select(member => Task.Run(async () =>
        {
            var licensing = f.Exchange.Licensing(member);
            await gate.Task;
            try
            {
                return (Response: await licensing.RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH", "TG"], start: start, end: end)), Error: (RpcException?)null);
            }
            catch (RpcException e)
            {
                return (Response: (V1.RequestLicenceResponse?)null, Error: e);
            }
        })).ToArray();
        gate.SetResult();
        var outcomes = await Task.WhenAll(calls);

        var granted = Assert.Single(outcomes, o => o.Response is not null).Response!;
        Assert.NotNull(granted.Licence);
        var refusals = outcomes.Where(o => o.Error is not null).Select(o => o.Error!).ToArray();
        Assert.Equal(requesters.Count - 1, refusals.Length);
        Assert.All(refusals, e =>
        {
            Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
            Assert.Contains("exclusive", e.Status.Detail, StringComparison.Ordinal);
        });

        var stored = await f.Exchange.Licensing(f.Kenya).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Incoming, OfferId = offer.Id });
        Assert.Equal(granted.Licence.Id, Assert.Single(stored.Licences).Id);
        var requests = await f.Exchange.Licensing(f.Kenya).ListContentRequestsAsync(new V1.ListContentRequestsRequest { Direction = V1.Direction.Incoming, OfferId = offer.Id });
        Assert.Equal(granted.Request.Id, Assert.Single(requests.Requests).Id);
    }

    [Fact]
    public async Task Concurrent_approvals_and_auto_approvals_of_an_exclusive_territory_grant_exactly_one_licence()
    {
        // Auto-approval only for the African union: members outside it wait for the owner.
        var rights = ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true);
        rights.Approval.AutoApproveUnionIds.Add(f.AfricanUnion);
        var offer = await f.PublishAsync(f.Egypt, ExchangeFixture.NewOffer(rights: rights));
        var pending = new List<V1.ContentRequest>();
        foreach (var member in new[] { f.India, f.Brazil })
        {
            var asked = await f.Exchange.Licensing(member).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["TG"]));
            Assert.Equal(V1.ContentRequestState.Pending, asked.Request.State);
            pending.Add(asked.Request);
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var approvals = pending.Select(r => Task.Run(async () =>
        {
            await gate.Task;
            return await Outcome(() => f.Exchange.Licensing(f.Egypt).ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = r.Id }).ResponseAsync);
        }));
        var automatic = new[] { f.Kenya, f.Ghana }.Select(member => Task.Run(async () =>
        {
            await gate.Task;
            return await Outcome(() => f.Exchange.Licensing(member).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["TG"])).ResponseAsync);
        }));
        var calls = approvals.Concat(automatic).ToArray();
        gate.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal(3, outcomes.Count(e => e is { StatusCode: StatusCode.FailedPrecondition }));
        Assert.Single(outcomes, e => e is null);
        var stored = await f.Exchange.Licensing(f.Egypt).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Incoming, OfferId = offer.Id });
        Assert.Single(stored.Licences);
    }

    [Fact]
    public async Task A_grant_waits_for_a_kill_holding_the_offers_lock_and_then_judges_what_it_committed()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The kill is stopped as it reads the offer's licences: inside its transaction, holding the offer's lock.
        var hold = f.Exchange.Gate.HoldNext(c => CommandGate.TouchesLicencesOf(c, offer.Id));
        var kill = Task.Run(() => f.Exchange.Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = offer.Id, Reason = "rights dispute" }).ResponseAsync);
        await hold.Reached.WaitAsync(timeout.Token);

        var granting = f.Exchange.Gate.NextTransactionAsync();
        var request = Task.Run(() => f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"])).ResponseAsync);
        await granting.WaitAsync(timeout.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        Assert.False(request.IsCompleted, $"the grant was judged while the kill held the offer's lock: {request.Status}");

        hold.Release();
        Assert.Equal(V1.OfferState.Killed, (await kill).Offer.State);
        var refused = await Assert.ThrowsAsync<RpcException>(() => request);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("killed", refused.Status.Detail, StringComparison.OrdinalIgnoreCase);
        var licences = await f.Exchange.Licensing(f.Kenya).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Incoming, OfferId = offer.Id });
        Assert.Empty(licences.Licences);
    }

    [Fact]
    public async Task A_kill_waits_for_a_grant_holding_the_offers_lock_and_then_kills_the_licence_it_committed()
    {
        var offer = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(rights: ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The grant is stopped as it reads the licences it judges against: inside its transaction, holding the lock.
        var hold = f.Exchange.Gate.HoldNext(c => CommandGate.TouchesLicencesOf(c, offer.Id));
        var request = Task.Run(() => f.Exchange.Licensing(f.Ghana).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["GH"])).ResponseAsync);
        await hold.Reached.WaitAsync(timeout.Token);

        var killing = f.Exchange.Gate.NextTransactionAsync();
        var kill = Task.Run(() => f.Exchange.Offers(f.Kenya).KillOfferAsync(new V1.KillOfferRequest { Id = offer.Id, Reason = "rights dispute" }).ResponseAsync);
        await killing.WaitAsync(timeout.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(700));
        Assert.False(kill.IsCompleted, $"the kill went ahead while a grant of the offer held its lock: {kill.Status}");

        hold.Release();
        var granted = (await request).Licence;
        Assert.NotNull(granted);
        Assert.Equal(V1.OfferState.Killed, (await kill).Offer.State);
        var licences = await f.Exchange.Licensing(f.Kenya).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Incoming, OfferId = offer.Id });
        var killed = Assert.Single(licences.Licences);
        Assert.Equal((granted.Id, V1.LicenceState.Killed), (killed.Id, killed.State));
    }

    [Fact]
    public async Task A_kill_racing_approvals_never_leaves_an_active_licence_on_a_killed_offer()
    {
        const int Rounds = 12;
        var rounds = new List<(V1.Offer Offer, V1.ContentRequest Request)>();
        for (var i = 0; i < Rounds; i++)
        {
            var offer = await f.PublishAsync(f.Egypt, ExchangeFixture.NewOffer());
            var asked = await f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(offer.Id, ["IN"]));
            rounds.Add((offer, asked.Request));
        }

        var owner = f.Exchange.Licensing(f.Egypt);
        var offers = f.Exchange.Offers(f.Egypt);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var races = rounds.Select(r => Task.Run(async () =>
        {
            await gate.Task;
            var approve = Outcome(() => owner.ApproveContentRequestAsync(new V1.ApproveContentRequestRequest { Id = r.Request.Id }).ResponseAsync);
            var kill = Outcome(() => offers.KillOfferAsync(new V1.KillOfferRequest { Id = r.Offer.Id, Reason = "withdrawn by the source" }).ResponseAsync);
            return (Approval: await approve, Kill: await kill);
        })).ToArray();
        gate.SetResult();
        var outcomes = await Task.WhenAll(races);

        Assert.All(outcomes, o => Assert.Null(o.Kill));
        Assert.All(outcomes, o => Assert.True(o.Approval is null || o.Approval.StatusCode == StatusCode.FailedPrecondition, o.Approval?.ToString()));
        var held = await f.Exchange.Licensing(f.India).ListLicencesAsync(new V1.ListLicencesRequest { Direction = V1.Direction.Outgoing, PageSize = 200 });
        var ofRounds = held.Licences.Where(l => rounds.Any(r => r.Offer.Id == l.OfferId)).ToArray();
        Assert.Equal(outcomes.Count(o => o.Approval is null), ofRounds.Length);
        Assert.All(ofRounds, l => Assert.Equal(V1.LicenceState.Killed, l.State));
    }

    [Fact]
    public async Task Search_available_in_a_country_leaves_out_exclusive_items_licensed_there_to_another_member()
    {
        var subject = ExchangeFixture.UniqueSubject();
        var exclusive = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject, ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true)));
        var shared = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject, ExchangeFixture.Rights(V1.ApprovalMode.Auto)));
        var later = await f.PublishAsync(f.Kenya, ExchangeFixture.NewOffer(subject, ExchangeFixture.Rights(V1.ApprovalMode.Auto, exclusive: true)));
        var ghana = f.Exchange.Licensing(f.Ghana);
        Assert.NotNull((await ghana.RequestLicenceAsync(ExchangeFixture.Ask(exclusive.Id, ["GH"]))).Licence);
        Assert.NotNull((await ghana.RequestLicenceAsync(ExchangeFixture.Ask(shared.Id, ["GH"]))).Licence);
        Assert.NotNull((await ghana.RequestLicenceAsync(ExchangeFixture.Ask(later.Id, ["GH"], start: DateTime.UtcNow.AddDays(10), end: DateTime.UtcNow.AddDays(20)))).Licence);

        var forIndiaInGhana = await AvailableAsync(f.India, subject, "GH");
        Assert.Equal([later.Id, shared.Id], forIndiaInGhana);
        Assert.Equal([later.Id, shared.Id, exclusive.Id], await AvailableAsync(f.India, subject, "TG"));
        Assert.Equal([later.Id, shared.Id, exclusive.Id], await AvailableAsync(f.Ghana, subject, "GH"));

        // What the search leaves out is what the member could not license.
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Licensing(f.India).RequestLicenceAsync(ExchangeFixture.Ask(exclusive.Id, ["GH"])));
    }

    private async Task<string[]> AvailableAsync(string caller, string subject, string country)
    {
        var found = await f.Exchange.Catalogue(caller).SearchOffersAsync(new V1.SearchOffersRequest { Subject = subject, AvailableInTerritory = country });
        return found.Offers.Select(o => o.Id).ToArray();
    }

    private static async Task<RpcException?> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }
}
