using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using ExV1 = MediaMesh.Contracts.Exchange.V1;
using InV1 = MediaMesh.Contracts.Initiative.V1;

namespace MediaMesh.Faults.Kills;

/// <summary>
/// The writers of a round, each member running three loops through the gateway: offers (create, publish,
/// sometimes correct), licences (request others' published offers; the owner approves the manual ones)
/// and initiatives (propose, open, the other members sign). Every call's status is tallied; every
/// acknowledged write goes in the ledger; after a write whose outcome is unknown the writer leaves that
/// resource alone (its one uncertain step is recorded) and starts a new one.
/// </summary>
public sealed class KillWriters(KillWorld world, WriteLedger ledger, StatusTally tally, string label, Random random, CancellationToken ct)
{
    private readonly List<(string OfferId, int Owner, bool Auto)> _published = [];
    private readonly HashSet<(string OfferId, int Requester)> _asked = [];

    public IEnumerable<Task> Start(CancellationToken stop) => world.Members.SelectMany(m => (Task[])
    [
        Task.Run(() => OffersAsync(m, Seeded(), stop), CancellationToken.None),
        Task.Run(() => LicencesAsync(m, Seeded(), stop), CancellationToken.None),
        Task.Run(() => InitiativesAsync(m, Seeded(), stop), CancellationToken.None),
    ]);

    private Random Seeded()
    {
        lock (random)
        {
            return new Random(random.Next());
        }
    }

    private async Task OffersAsync(KillMember member, Random dice, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            await PauseAsync(dice);
            var auto = n % 2 == 0;
            var headline = $"{label} offer {member.Index}-{n}";
            ledger.Attempt("offer created");
            var created = await CallAsync("CreateOffer", c => member.Client.Offers.CreateOfferAsync(
                new ExV1.CreateOfferRequest { Offer = NewOffer(headline, auto) }, cancellationToken: c).ResponseAsync);
            if (created is null)
            {
                continue;
            }

            ledger.Acknowledge("offer created");
            var id = created.Offer.Id;
            var shape = new Expected<OfferShape>(id, new OfferShape(ExV1.OfferState.Draft, headline));
            ledger.Offers[id] = (member.Index, shape);

            ledger.Attempt("offer published");
            shape.Attempted(new OfferShape(ExV1.OfferState.Offered, headline));
            if (await CallAsync("PublishOffer", c => member.Client.Offers.PublishOfferAsync(new ExV1.PublishOfferRequest { Id = id }, cancellationToken: c).ResponseAsync) is not { } published)
            {
                continue;
            }

            ledger.Acknowledge("offer published");
            shape.Acknowledge(new OfferShape(ExV1.OfferState.Offered, headline));
            lock (_published)
            {
                _published.Add((id, member.Index, auto));
            }

            if (n % 3 == 0)
            {
                var fix = published.Offer.Clone();
                var corrected = headline + " (corrected)";
                fix.Headlines[0].Text = corrected;
                ledger.Attempt("offer corrected");
                shape.Attempted(new OfferShape(ExV1.OfferState.Corrected, corrected));
                if (await CallAsync("CorrectOffer", c => member.Client.Offers.CorrectOfferAsync(new ExV1.CorrectOfferRequest
                {
                    Offer = fix,
                    UpdateMask = FieldMask.FromString("headlines"),
                    CorrectionNote = "kill round correction",
                }, cancellationToken: c).ResponseAsync) is not null)
                {
                    ledger.Acknowledge("offer corrected");
                    shape.Acknowledge(new OfferShape(ExV1.OfferState.Corrected, corrected));
                }
            }
        }
    }

    private async Task LicencesAsync(KillMember member, Random dice, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await PauseAsync(dice);
            (string OfferId, int Owner, bool Auto) pick;
            lock (_published)
            {
                var open = _published.Where(p => p.Owner != member.Index && !_asked.Contains((p.OfferId, member.Index))).ToList();
                if (open.Count == 0)
                {
                    continue;
                }

                pick = open[dice.Next(open.Count)];
                _asked.Add((pick.OfferId, member.Index));
            }

            ledger.Attempt("licence requested");
            var asked = await CallAsync("RequestLicence", c => member.Client.Licensing.RequestLicenceAsync(new ExV1.RequestLicenceRequest
            {
                OfferId = pick.OfferId,
                Uses = { ExV1.UsageKind.Broadcast },
                Territories = { member.Country },
                Period = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddHours(-1)) },
            }, cancellationToken: c).ResponseAsync);
            if (asked is null)
            {
                continue;
            }

            ledger.Acknowledge("licence requested");
            var requestId = asked.Request.Id;
            if (asked.Licence is { } granted)
            {
                ledger.Requests[requestId] = (member.Index, pick.OfferId, new Expected<RequestShape>(requestId, new RequestShape(ExV1.ContentRequestState.Approved)));
                ledger.Licences[granted.Id] = new LicenceWrite(granted.Id, requestId, pick.OfferId, member.Id);
                continue;
            }

            var shape = new Expected<RequestShape>(requestId, new RequestShape(ExV1.ContentRequestState.Pending));
            ledger.Requests[requestId] = (member.Index, pick.OfferId, shape);
            if (pick.Auto)
            {
                continue;
            }

            var owner = world.Members[pick.Owner];
            ledger.Attempt("licence approved");
            shape.Attempted(new RequestShape(ExV1.ContentRequestState.Approved));
            var approved = await CallAsync("ApproveContentRequest", c => owner.Client.Licensing.ApproveContentRequestAsync(
                new ExV1.ApproveContentRequestRequest { Id = requestId }, cancellationToken: c).ResponseAsync);
            if (approved is not null)
            {
                ledger.Acknowledge("licence approved");
                shape.Acknowledge(new RequestShape(ExV1.ContentRequestState.Approved));
                ledger.Licences[approved.Licence.Id] = new LicenceWrite(approved.Licence.Id, requestId, pick.OfferId, member.Id);
            }
        }
    }

    private async Task InitiativesAsync(KillMember member, Random dice, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            await PauseAsync(dice);
            var title = $"{label} initiative {member.Index}-{n}";
            ledger.Attempt("initiative created");
            var created = await CallAsync("CreateInitiative", c => member.Client.Initiatives.CreateInitiativeAsync(new InV1.CreateInitiativeRequest
            {
                Initiative = new InV1.Initiative
                {
                    Kind = InV1.InitiativeKind.JointInitiative,
                    Titles = { new CommonV1.LocalizedText { Language = "en", Text = title, Original = true } },
                    Charter = { new CommonV1.LocalizedText { Language = "en", Text = "We exchange stories as equals, whatever crashes.", Original = true } },
                    ProposerIds = { member.Id },
                },
            }, cancellationToken: c).ResponseAsync);
            if (created is null)
            {
                continue;
            }

            ledger.Acknowledge("initiative created");
            var id = created.Initiative.Id;
            var shape = new Expected<InitiativeShape>(id, new InitiativeShape(InV1.InitiativeState.Draft, title));
            ledger.Initiatives[id] = (member.Index, shape);
            ledger.Attempt("initiative opened");
            shape.Attempted(new InitiativeShape(InV1.InitiativeState.OpenForSignature, title));
            if (await CallAsync("OpenInitiative", c => member.Client.Initiatives.OpenInitiativeAsync(new InV1.OpenInitiativeRequest { Id = id }, cancellationToken: c).ResponseAsync) is null)
            {
                continue;
            }

            ledger.Acknowledge("initiative opened");
            shape.Acknowledge(new InitiativeShape(InV1.InitiativeState.OpenForSignature, title));
            foreach (var signer in world.Members.Where(s => s.Index != member.Index).OrderBy(_ => dice.Next()))
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                await PauseAsync(dice);
                ledger.Attempt("initiative signed");
                if (await CallAsync("SignInitiative", c => signer.Client.Initiatives.SignInitiativeAsync(new InV1.SignInitiativeRequest
                {
                    InitiativeId = id,
                    SignerName = $"Director {signer.Index}",
                    SignerTitle = "Director-General",
                }, cancellationToken: c).ResponseAsync) is not null)
                {
                    ledger.Acknowledge("initiative signed");
                    ledger.Signatures[(id, signer.Id)] = true;
                }
            }
        }
    }

    /// <summary>One call: its result, or null (tallied by status) when it failed.</summary>
    private async Task<T?> CallAsync<T>(string method, Func<CancellationToken, Task<T>> call)
        where T : class
    {
        var started = DateTime.UtcNow;
        try
        {
            var result = await call(ct);
            tally.Ok();
            return result;
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            tally.Failed(method, e.StatusCode, e.Status.Detail, started);
            return null;
        }
    }

    private async Task PauseAsync(Random dice) => await Task.Delay(TimeSpan.FromMilliseconds(60 + dice.Next(120)), ct);

    public static ExV1.Offer NewOffer(string headline, bool auto) => new()
    {
        Type = ExV1.OfferType.NewsVideo,
        Headlines = { new CommonV1.LocalizedText { Language = "en", Text = headline, Original = true } },
        Slugline = "KILL-ROUND",
        AudioLanguages = { "en" },
        Rights = new ExV1.Rights
        {
            PermittedUses = { ExV1.UsageKind.Broadcast },
            LicenceWindow = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)) },
            Approval = new ExV1.ApprovalPolicy { Mode = auto ? ExV1.ApprovalMode.Auto : ExV1.ApprovalMode.Manual },
        },
    };
}
