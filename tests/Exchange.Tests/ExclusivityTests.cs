using Grpc.Core;
using MediaMesh.Exchange.Persistence;
using MediaMesh.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task The_grant_transaction_takes_the_write_lock_when_it_begins()
    {
        await using var scope = f.Exchange.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExchangeDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();

        // Nothing was read or written yet; another connection still cannot start writing.
        var other = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { DefaultTimeout = 1, Pooling = false };
        await using var connection = new SqliteConnection(other.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE;";
        var busy = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
        Assert.Equal(5, busy.SqliteErrorCode); // SQLITE_BUSY

        await transaction.RollbackAsync();
        await command.ExecuteNonQueryAsync();
        command.CommandText = "ROLLBACK;";
        await command.ExecuteNonQueryAsync();
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
