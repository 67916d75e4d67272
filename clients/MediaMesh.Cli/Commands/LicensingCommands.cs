using System.CommandLine;
using MediaMesh.Client;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Cli.Commands;

/// <summary>requests create/list/show/approve/decline/cancel and licences list/show.</summary>
public static class LicensingCommands
{
    public static Command Requests(CliContext context)
    {
        var offer = Cmd.Id("offer", "The offer requested");
        var uses = Cmd.Many("--uses", "Uses: broadcast, online, social");
        uses.Required = true;
        var territories = Cmd.Many("--territories", "Countries (ISO 3166-1 alpha-2)");
        territories.Required = true;
        var from = new Option<string>("--from") { Description = "Start of the period of use", DefaultValueFactory = _ => "now" };
        var to = Cmd.Opt<string>("--to", "End of the period of use");
        var message = Cmd.Opt<string>("--message", "A note to the owner");
        var create = Cmd.New("create", "Request an item for uses, countries and a period (refused at once if the rights do not allow it)",
            offer, uses, territories, from, to, message).Does(context, async run =>
        {
            var response = await run.Client.Licensing.RequestLicenceAsync(new RequestLicenceRequest
            {
                OfferId = run.Get(offer),
                Uses = { Parse.List(run.Get(uses)).Select(u => Parse.Enum<UsageKind>(u, "--uses")) },
                Territories = { Parse.List(run.Get(territories)).Select(t => t.ToUpperInvariant()) },
                Period = Parse.Interval(run.Get(from), run.Get(to), "--from", "--to"),
                Message = run.Get(message) ?? string.Empty,
            }, cancellationToken: run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(System.Text.Json.Nodes.JsonNode.Parse(Invocation.Format(response)));
                return ExitCodes.Ok;
            }

            ShowRequest(run, response.Request);
            if (response.Licence is { } licence)
            {
                run.Say($"Auto-approved: licence {licence.Id}.");
            }

            return ExitCodes.Ok;
        });

        var direction = new Option<string>("--direction") { Description = "incoming (to you as owner) or outgoing (yours)", DefaultValueFactory = _ => "outgoing" };
        var state = Cmd.Opt<string>("--state", "pending, approved, declined, cancelled");
        var byOffer = Cmd.Opt<string>("--offer", "Only requests for this offer");
        var limit = Cmd.Limit();
        var list = Cmd.New("list", "Your incoming or outgoing requests, newest first", direction, state, byOffer, limit).Does(context, async run =>
        {
            var items = await run.Client.Licensing.ListAllAsync(new ListContentRequestsRequest
            {
                Direction = Parse.Enum<Direction>(run.Get(direction)!, "--direction"),
                State = Parse.OptionalEnum<ContentRequestState>(run.Get(state), "--state") ?? ContentRequestState.Unspecified,
                OfferId = run.Get(byOffer) ?? string.Empty,
                PageSize = Math.Clamp(run.Get(limit), 1, 200),
            }, run.CancellationToken).Take(run.Get(limit)).ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "offer", "requester", "owner", "uses", "territories", "state", "licence", "created"], r =>
                [r.Id, r.OfferId, r.RequesterId, r.OwnerId, string.Join(",", r.Uses.Select(Parse.Name)), string.Join(",", r.Territories),
                 Parse.Name(r.State), r.LicenceId, Parse.When(r.CreateTime)]);
        });

        var id = Cmd.Id("id", "The request's id");
        var etag = Cmd.Opt<string>("--etag", "Refuse (ABORTED) if the request changed since you read this etag");
        var show = Cmd.New("show", "One request", id).Does(context, async run =>
            ShowRequest(run, (await run.Client.Licensing.GetContentRequestAsync(new GetContentRequestRequest { Id = run.Get(id) }, cancellationToken: run.CancellationToken)).Request));
        var approve = Cmd.New("approve", "Approve a pending request (owner or coordinator): creates the licence", id, etag).Does(context, async run =>
        {
            var response = await run.Client.Licensing.ApproveContentRequestAsync(new ApproveContentRequestRequest { Id = run.Get(id), Etag = run.Get(etag) ?? string.Empty },
                cancellationToken: run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(System.Text.Json.Nodes.JsonNode.Parse(Invocation.Format(response)));
                return ExitCodes.Ok;
            }

            ShowRequest(run, response.Request);
            run.Say($"Licence {response.Licence.Id} granted.");
            return ExitCodes.Ok;
        });
        var reason = Cmd.Opt<string>("--reason", "Why", required: true);
        var decline = Cmd.New("decline", "Decline a pending request with a reason", id, reason, etag).Does(context, async run =>
            ShowRequest(run, (await run.Client.Licensing.DeclineContentRequestAsync(new DeclineContentRequestRequest { Id = run.Get(id), Reason = run.Get(reason)!, Etag = run.Get(etag) ?? string.Empty },
                cancellationToken: run.CancellationToken)).Request));
        var cancel = Cmd.New("cancel", "Cancel your pending request", id, etag).Does(context, async run =>
            ShowRequest(run, (await run.Client.Licensing.CancelContentRequestAsync(new CancelContentRequestRequest { Id = run.Get(id), Etag = run.Get(etag) ?? string.Empty },
                cancellationToken: run.CancellationToken)).Request));
        return Cmd.New("requests", "Requests for items, and the owner's decisions", create, list, show, approve, decline, cancel);
    }

    public static Command Licences(CliContext context)
    {
        var direction = new Option<string>("--direction") { Description = "outgoing (licences you hold) or incoming (licences you granted)", DefaultValueFactory = _ => "outgoing" };
        var offer = Cmd.Opt<string>("--offer", "Only licences of this offer");
        var state = Cmd.Opt<string>("--state", "active or killed");
        var limit = Cmd.Limit();
        var list = Cmd.New("list", "Licences you hold or granted, newest first", direction, offer, state, limit).Does(context, async run =>
        {
            var items = await run.Client.Licensing.ListAllAsync(new ListLicencesRequest
            {
                Direction = Parse.Enum<Direction>(run.Get(direction)!, "--direction"),
                OfferId = run.Get(offer) ?? string.Empty,
                State = Parse.OptionalEnum<LicenceState>(run.Get(state), "--state") ?? LicenceState.Unspecified,
                PageSize = Math.Clamp(run.Get(limit), 1, 200),
            }, run.CancellationToken).Take(run.Get(limit)).ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "offer", "licensee", "licensor", "uses", "territories", "from", "to", "state"], l =>
                [l.Id, l.OfferId, l.LicenseeId, l.LicensorId, string.Join(",", l.Uses.Select(Parse.Name)), string.Join(",", l.Territories),
                 Parse.When(l.Period?.StartTime), Parse.When(l.Period?.EndTime), Parse.Name(l.State)]);
        });
        var id = Cmd.Id("id", "The licence's id");
        var show = Cmd.New("show", "One licence", id).Does(context, async run =>
        {
            var l = (await run.Client.Licensing.GetLicenceAsync(new GetLicenceRequest { Id = run.Get(id) }, cancellationToken: run.CancellationToken)).Licence;
            return run.Show(l, ("id", l.Id), ("offer", l.OfferId), ("licensee", l.LicenseeId), ("licensor", l.LicensorId),
                ("uses", string.Join(", ", l.Uses.Select(Parse.Name))), ("territories", string.Join(", ", l.Territories)),
                ("period", $"{Parse.When(l.Period?.StartTime)} – {Parse.When(l.Period?.EndTime)}"), ("state", Parse.Name(l.State)), ("granted", Parse.When(l.GrantTime)));
        });
        return Cmd.New("licences", "Licences held and granted", list, show);
    }

    private static int ShowRequest(Invocation run, ContentRequest r) => run.Show(r,
        ("id", r.Id), ("offer", $"{r.OfferId} v{r.OfferVersion}"), ("requester", r.RequesterId), ("owner", r.OwnerId),
        ("uses", string.Join(", ", r.Uses.Select(Parse.Name))), ("territories", string.Join(", ", r.Territories)),
        ("period", $"{Parse.When(r.Period?.StartTime)} – {Parse.When(r.Period?.EndTime)}"), ("state", Parse.Name(r.State)),
        ("auto-approved", r.AutoApproved ? "yes" : "no"), ("licence", r.LicenceId), ("reason", r.DecisionReason), ("etag", r.Etag));
}
