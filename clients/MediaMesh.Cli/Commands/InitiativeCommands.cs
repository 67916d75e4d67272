using System.CommandLine;
using MediaMesh.Client;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Initiative.V1;

namespace MediaMesh.Cli.Commands;

/// <summary>initiatives list/show/sign/signatures/activities.</summary>
public static class InitiativeCommands
{
    public static Command Initiatives(CliContext context)
    {
        var kind = Cmd.Opt<string>("--kind", "joint-initiative, campaign, screening-programme, co-production, communication-season");
        var state = Cmd.Opt<string>("--state", "draft, open-for-signature, active, concluded, withdrawn");
        var region = Cmd.Opt<string>("--region", "Target region");
        var text = Cmd.Opt<string>("--text", "Words of the titles or charter");
        var signatory = Cmd.Opt<string>("--signatory", "Only initiatives this organisation signed");
        var limit = Cmd.Limit();
        var list = Cmd.New("list", "Initiatives, newest first", kind, state, region, text, signatory, limit).Does(context, async run =>
        {
            var items = await run.Client.Initiatives.ListAllAsync(new ListInitiativesRequest
            {
                Kind = Parse.OptionalEnum<InitiativeKind>(run.Get(kind), "--kind") ?? InitiativeKind.Unspecified,
                State = Parse.OptionalEnum<InitiativeState>(run.Get(state), "--state") ?? InitiativeState.Unspecified,
                Region = Parse.OptionalEnum<Region>(run.Get(region), "--region") ?? Region.Unspecified,
                Text = run.Get(text) ?? string.Empty,
                SignatoryId = run.Get(signatory) ?? string.Empty,
                PageSize = Math.Clamp(run.Get(limit), 1, 200),
            }, run.CancellationToken).Take(run.Get(limit)).ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "title", "kind", "state", "signatories", "from", "to"], i =>
                [i.Id, Parse.Text(i.Titles), Parse.Name(i.Kind), Parse.Name(i.State), i.SignatoryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 Parse.When(i.StartTime), Parse.When(i.EndTime)]);
        });

        var id = Cmd.Id("id", "The initiative's id");
        var show = Cmd.New("show", "One initiative with its signatories per region", id).Does(context, async run =>
        {
            var i = (await run.Client.Initiatives.GetInitiativeAsync(new GetInitiativeRequest { Id = run.Get(id) }, cancellationToken: run.CancellationToken)).Initiative;
            if (run.Json)
            {
                return run.Show(i);
            }

            var counts = await run.Client.Initiatives.CountSignaturesByRegionAsync(new CountSignaturesByRegionRequest { InitiativeId = i.Id }, cancellationToken: run.CancellationToken);
            return run.Show(i, ("id", i.Id), ("title", Parse.Text(i.Titles)), ("kind", Parse.Name(i.Kind)), ("state", Parse.Name(i.State)),
                ("proposers", string.Join(", ", i.ProposerIds)), ("target regions", string.Join(", ", i.TargetRegions.Select(Parse.RegionTitle))),
                ("period", $"{Parse.When(i.StartTime)} – {Parse.When(i.EndTime)}"), ("charter", Parse.Text(i.Charter)),
                ("signatories", $"{counts.Total}: " + string.Join(", ", counts.Counts.Select(c => $"{Parse.RegionTitle(c.Region)} {c.Count}"))), ("etag", i.Etag));
        });

        var org = Cmd.Opt<string>("--org", "Sign for this organisation (coordinators); default: your own");
        var signer = Cmd.Opt<string>("--signer-name", "Who signs");
        var title = Cmd.Opt<string>("--signer-title", "The signer's title");
        var sign = Cmd.New("sign", "Sign an initiative open for signature (signing again changes nothing)", id, org, signer, title).Does(context, async run =>
        {
            var s = (await run.Client.Initiatives.SignInitiativeAsync(new SignInitiativeRequest
            {
                InitiativeId = run.Get(id), OrganizationId = run.Get(org) ?? string.Empty,
                SignerName = run.Get(signer) ?? string.Empty, SignerTitle = run.Get(title) ?? string.Empty,
            }, cancellationToken: run.CancellationToken)).Signature;
            return run.Show(s, ("initiative", s.InitiativeId), ("organisation", s.OrganizationId), ("signed", Parse.When(s.SignTime)), ("state", Parse.Name(s.State)));
        });

        var byRegion = Cmd.Opt<string>("--region", "Only signatories from this region");
        var byCountry = Cmd.Opt<string>("--country", "Only signatories from this country");
        var withdrawn = Cmd.Opt<bool>("--show-withdrawn", "Include withdrawn signatures");
        var signatures = Cmd.New("signatures", "Who signed, in signing order", id, byRegion, byCountry, withdrawn, Cmd.Limit(200)).Does(context, async run =>
        {
            var items = await run.Client.Initiatives.ListAllAsync(new ListSignaturesRequest
            {
                InitiativeId = run.Get(id),
                Region = Parse.OptionalEnum<Region>(run.Get(byRegion), "--region") ?? Region.Unspecified,
                CountryCode = run.Get(byCountry) ?? string.Empty,
                ShowWithdrawn = run.Get(withdrawn),
                PageSize = 200,
            }, run.CancellationToken).ToListAsync(run.CancellationToken);
            return run.List(items, ["organisation", "country", "region", "signer", "signed", "state"], s =>
                [s.OrganizationId, s.CountryCode, Parse.RegionTitle(s.Region), s.SignerName, Parse.When(s.SignTime), Parse.Name(s.State)]);
        });

        var activities = Cmd.New("activities", "Screenings, workshops, forum sessions of an initiative", id).Does(context, async run =>
        {
            var items = await run.Client.Initiatives.ListAllAsync(new ListActivitiesRequest { InitiativeId = run.Get(id) }, run.CancellationToken).ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "title", "kind", "place", "from", "to", "status"], a =>
                [a.Id, Parse.Text(a.Titles), Parse.Name(a.Kind), $"{a.Place?.City}, {a.Place?.CountryCode}", Parse.When(a.StartTime), Parse.When(a.EndTime), Parse.Name(a.Status)]);
        });
        return Cmd.New("initiatives", "Joint initiatives, campaigns, screening programmes, seasons", list, show, sign, signatures, activities);
    }
}
