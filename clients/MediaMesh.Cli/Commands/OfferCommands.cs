using System.CommandLine;
using Google.Protobuf;
using FieldMask = Google.Protobuf.WellKnownTypes.FieldMask;
using MediaMesh.Client;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Cli.Commands;

/// <summary>The options describing an offer, shared by create, update and correct; update masks are the options given.</summary>
internal sealed class OfferOptions
{
    public Option<string> FromJson { get; } = Cmd.Opt<string>("--from-json", "Read the offer from a JSON file (proto3 JSON, as --json prints); options override it");
    public Option<string> Type { get; } = Cmd.Opt<string>("--type", "news-video, documentary, drama, promo, feature, audio, children");
    public Option<string[]> Headline { get; } = Cmd.Many("--headline", "Headline, optionally language-tagged: \"fr=Titre\"");
    public Option<string[]> Summary { get; } = Cmd.Many("--summary", "Summary, optionally language-tagged");
    public Option<string> Language { get; } = new("--language") { Description = "Language of untagged texts", DefaultValueFactory = _ => "en" };
    public Option<string> Slug { get; } = Cmd.Opt<string>("--slug", "Slugline (at most 49 characters)");
    public Option<string[]> AudioLanguages { get; } = Cmd.Many("--audio-language", "Audio languages (BCP 47)");
    public Option<string[]> SubtitleLanguages { get; } = Cmd.Many("--subtitle-language", "Subtitle languages");
    public Option<string[]> Subjects { get; } = Cmd.Many("--subject", "IPTC Media Topic codes, e.g. medtop:20000137");
    public Option<string[]> Genres { get; } = Cmd.Many("--genre", "Genres");
    public Option<string> Located { get; } = Cmd.Opt<string>("--located", "Where: CC or CC:City, e.g. KE:Mombasa");
    public Option<string> Copyright { get; } = Cmd.Opt<string>("--copyright", "Copyright holder");
    public Option<string> Credit { get; } = Cmd.Opt<string>("--credit", "Credit line");
    public Option<string> UsageTerms { get; } = Cmd.Opt<string>("--usage-terms", "Usage terms in words");
    public Option<string> Duration { get; } = Cmd.Opt<string>("--duration", "Running time, e.g. 00:02:30");
    public Option<string> Embargo { get; } = Cmd.Opt<string>("--embargo-until", "Embargo end");
    public Option<string> Expires { get; } = Cmd.Opt<string>("--expires", "Expiry");
    public Option<string[]> Initiatives { get; } = Cmd.Many("--initiative", "Initiatives the item belongs to (ids)");
    public Option<string[]> Allow { get; } = Cmd.Many("--allow", "Territories allowed: country codes and regions (empty: worldwide)");
    public Option<string[]> Deny { get; } = Cmd.Many("--deny", "Territories denied (wins over allowed)");
    public Option<string[]> Uses { get; } = Cmd.Many("--uses", "Permitted uses: broadcast, online, social");
    public Option<string> WindowStart { get; } = Cmd.Opt<string>("--window-start", "Licence window start");
    public Option<string> WindowEnd { get; } = Cmd.Opt<string>("--window-end", "Licence window end");
    public Option<bool> Exclusive { get; } = Cmd.Opt<bool>("--exclusive", "One licensee per country at a time");
    public Option<string> Approval { get; } = Cmd.Opt<string>("--approval", "manual or auto");
    public Option<string[]> AutoRegions { get; } = Cmd.Many("--auto-approve-region", "Auto-approve only requesters from these regions");
    public Option<string[]> AutoUnions { get; } = Cmd.Many("--auto-approve-union", "Auto-approve only members of these unions");

    public Symbol[] All => [FromJson, Type, Headline, Summary, Language, Slug, AudioLanguages, SubtitleLanguages, Subjects, Genres, Located,
        Copyright, Credit, UsageTerms, Duration, Embargo, Expires, Initiatives, Allow, Deny, Uses, WindowStart, WindowEnd, Exclusive, Approval, AutoRegions, AutoUnions];

    /// <summary>The offer the options describe, and the proto field names they set (the update mask).</summary>
    public (Offer Offer, List<string> Mask) Build(Invocation run)
    {
        var offer = new Offer();
        var mask = new List<string>();
        if (run.Get(FromJson) is { Length: > 0 } file)
        {
            offer = JsonParser.Default.Parse<Offer>(File.ReadAllText(file));
            mask.AddRange(Offer.Descriptor.Fields.InFieldNumberOrder().Where(f => f.Accessor.HasValue(offer) || (f.IsRepeated && ((System.Collections.IList)f.Accessor.GetValue(offer)).Count > 0)).Select(f => f.Name));
        }

        bool Given(Option option) => run.Parsed.GetResult(option) is { Implicit: false };
        void Set(string field, Option option, Action apply)
        {
            if (Given(option))
            {
                apply();
                if (!mask.Contains(field))
                {
                    mask.Add(field);
                }
            }
        }

        var language = run.Get(Language)!;
        Set("type", Type, () => offer.Type = Parse.Enum<OfferType>(run.Get(Type)!, "--type"));
        Set("headlines", Headline, () => { offer.Headlines.Clear(); offer.Headlines.Add(Parse.Texts(run.Get(Headline), language)); });
        Set("descriptions", Summary, () =>
        {
            offer.Descriptions.Clear();
            offer.Descriptions.Add(Parse.Texts(run.Get(Summary), language).Select(t => new Description { Language = t.Language, Role = DescriptionRole.Summary, Text = t.Text }));
        });
        Set("slugline", Slug, () => offer.Slugline = run.Get(Slug)!);
        Set("audio_languages", AudioLanguages, () => { offer.AudioLanguages.Clear(); offer.AudioLanguages.Add(Parse.List(run.Get(AudioLanguages))); });
        Set("subtitle_languages", SubtitleLanguages, () => { offer.SubtitleLanguages.Clear(); offer.SubtitleLanguages.Add(Parse.List(run.Get(SubtitleLanguages))); });
        Set("subjects", Subjects, () => { offer.Subjects.Clear(); offer.Subjects.Add(Parse.List(run.Get(Subjects))); });
        Set("genres", Genres, () => { offer.Genres.Clear(); offer.Genres.Add(Parse.List(run.Get(Genres))); });
        Set("located", Located, () =>
        {
            var parts = run.Get(Located)!.Split(':', 2);
            offer.Located = new Place { CountryCode = parts[0], City = parts.Length > 1 ? parts[1] : string.Empty };
        });
        Set("copyright_holder", Copyright, () => offer.CopyrightHolder = run.Get(Copyright)!);
        Set("credit_line", Credit, () => offer.CreditLine = run.Get(Credit)!);
        Set("usage_terms", UsageTerms, () => offer.UsageTerms = run.Get(UsageTerms)!);
        Set("duration", Duration, () => offer.Duration = TimeSpan.TryParse(run.Get(Duration), System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(d) : throw new UsageException("--duration: expected hh:mm:ss"));
        Set("embargo_end_time", Embargo, () => offer.EmbargoEndTime = Parse.Time(run.Get(Embargo)!, "--embargo-until"));
        Set("expire_time", Expires, () => offer.ExpireTime = Parse.Time(run.Get(Expires)!, "--expires"));
        Set("initiative_ids", Initiatives, () => { offer.InitiativeIds.Clear(); offer.InitiativeIds.Add(Parse.List(run.Get(Initiatives))); });

        Option[] rights = [Allow, Deny, Uses, WindowStart, WindowEnd, Exclusive, Approval, AutoRegions, AutoUnions];
        if (rights.Any(Given))
        {
            var r = offer.Rights ?? new Rights { PermittedUses = { UsageKind.Broadcast, UsageKind.Online }, Approval = new ApprovalPolicy { Mode = ApprovalMode.Manual } };
            if (Given(Allow))
            {
                r.AllowedTerritories = Parse.Territories(run.Get(Allow)!, "--allow");
            }

            if (Given(Deny))
            {
                r.DeniedTerritories = Parse.Territories(run.Get(Deny)!, "--deny");
            }

            if (Given(Uses))
            {
                r.PermittedUses.Clear();
                r.PermittedUses.Add(Parse.List(run.Get(Uses)).Select(u => Parse.Enum<UsageKind>(u, "--uses")));
            }

            if (Given(WindowStart) || Given(WindowEnd))
            {
                r.LicenceWindow = Parse.Interval(run.Get(WindowStart), run.Get(WindowEnd), "--window-start", "--window-end");
            }

            if (Given(Exclusive))
            {
                r.Exclusive = run.Get(Exclusive);
            }

            r.Approval ??= new ApprovalPolicy { Mode = ApprovalMode.Manual };
            if (Given(Approval))
            {
                r.Approval.Mode = Parse.Enum<ApprovalMode>(run.Get(Approval)!, "--approval");
            }

            if (Given(AutoRegions))
            {
                r.Approval.AutoApproveRegions.Clear();
                r.Approval.AutoApproveRegions.Add(Parse.List(run.Get(AutoRegions)).Select(x => Parse.Region(x, "--auto-approve-region")));
            }

            if (Given(AutoUnions))
            {
                r.Approval.AutoApproveUnionIds.Clear();
                r.Approval.AutoApproveUnionIds.Add(Parse.List(run.Get(AutoUnions)));
            }

            offer.Rights = r;
            if (!mask.Contains("rights"))
            {
                mask.Add("rights");
            }
        }

        mask.RemoveAll(f => f is "id" or "version" or "owner_id" or "state" or "renditions" or "create_time" or "update_time" or "etag" or "owner_region"
            or "first_create_time" or "version_create_time" or "correction_note" or "withdraw_reason");
        return (offer, mask);
    }
}

/// <summary>offers create/update/publish/correct/withdraw/kill/show/list/versions.</summary>
public static class OfferCommands
{
    public static Command Offers(CliContext context)
    {
        var fields = new OfferOptions();
        var create = Cmd.New("create", "Create a draft offer (rights default to broadcast+online worldwide, manual approval)", fields.All).Does(context, async run =>
        {
            var (offer, _) = fields.Build(run);
            offer.Rights ??= new Rights { PermittedUses = { UsageKind.Broadcast, UsageKind.Online }, Approval = new ApprovalPolicy { Mode = ApprovalMode.Manual } };
            return Show(run, (await run.Client.Offers.CreateOfferAsync(new CreateOfferRequest { Offer = offer }, cancellationToken: run.CancellationToken)).Offer);
        });

        var id = Cmd.Id("id", "The offer's id (off_…)");
        var etag = Cmd.Opt<string>("--etag", "Refuse (ABORTED) if the offer changed since you read this etag");
        var updateFields = new OfferOptions();
        var update = Cmd.New("update", "Change a draft's fields (only the options given)", [id, etag, .. updateFields.All]).Does(context, async run =>
        {
            var (offer, mask) = updateFields.Build(run);
            if (mask.Count == 0)
            {
                throw new UsageException("give at least one field to change");
            }

            offer.Id = run.Get(id);
            offer.Etag = run.Get(etag) ?? string.Empty;
            return Show(run, (await run.Client.Offers.UpdateOfferAsync(new UpdateOfferRequest { Offer = offer, UpdateMask = new FieldMask { Paths = { mask } } },
                cancellationToken: run.CancellationToken)).Offer);
        });

        var publish = Cmd.New("publish", "Publish a draft (version 1; the feed announces it)", id, etag).Does(context, async run =>
            Show(run, (await run.Client.Offers.PublishOfferAsync(new PublishOfferRequest { Id = run.Get(id), Etag = run.Get(etag) ?? string.Empty },
                cancellationToken: run.CancellationToken)).Offer));

        var note = Cmd.Opt<string>("--note", "What was corrected and why", required: true);
        var correctFields = new OfferOptions();
        var correct = Cmd.New("correct", "Publish a corrected version (only the options given change)", [id, etag, note, .. correctFields.All]).Does(context, async run =>
        {
            var (offer, mask) = correctFields.Build(run);
            if (mask.Count == 0)
            {
                throw new UsageException("give at least one field to correct");
            }

            offer.Id = run.Get(id);
            offer.Etag = run.Get(etag) ?? string.Empty;
            return Show(run, (await run.Client.Offers.CorrectOfferAsync(new CorrectOfferRequest
            {
                Offer = offer, UpdateMask = new FieldMask { Paths = { mask } }, CorrectionNote = run.Get(note)!,
            }, cancellationToken: run.CancellationToken)).Offer);
        });

        var reason = Cmd.Opt<string>("--reason", "Why");
        var withdraw = Cmd.New("withdraw", "Withdraw an offer: no new requests, licences stay", id, etag, reason).Does(context, async run =>
            Show(run, (await run.Client.Offers.WithdrawOfferAsync(new WithdrawOfferRequest { Id = run.Get(id), Etag = run.Get(etag) ?? string.Empty, Reason = run.Get(reason) ?? string.Empty },
                cancellationToken: run.CancellationToken)).Offer));

        var killReason = Cmd.Opt<string>("--reason", "Why (sent to every licensee)", required: true);
        var kill = Cmd.New("kill", "Kill an offer: licences end, downloads stop, licensees are told", id, etag, killReason).Does(context, async run =>
            Show(run, (await run.Client.Offers.KillOfferAsync(new KillOfferRequest { Id = run.Get(id), Etag = run.Get(etag) ?? string.Empty, Reason = run.Get(killReason)! },
                cancellationToken: run.CancellationToken)).Offer));

        var version = Cmd.Opt<long>("--version", "A past version");
        var show = Cmd.New("show", "One offer with its renditions", id, version).Does(context, async run =>
            Show(run, (await run.Client.Offers.GetOfferAsync(new GetOfferRequest { Id = run.Get(id), Version = run.Get(version) }, cancellationToken: run.CancellationToken)).Offer));

        var owner = Cmd.Opt<string>("--owner", "Another member's offers (default: yours, drafts included)");
        var state = Cmd.Opt<string>("--state", "draft, offered, corrected, withdrawn, killed");
        var limit = Cmd.Limit();
        var list = Cmd.New("list", "Your offers (or a member's), newest first", owner, state, limit).Does(context, async run =>
        {
            var items = await run.Client.Offers.ListAllAsync(new ListOffersRequest
            {
                OwnerId = run.Get(owner) ?? string.Empty,
                State = Parse.OptionalEnum<OfferState>(run.Get(state), "--state") ?? OfferState.Unspecified,
                PageSize = Math.Clamp(run.Get(limit), 1, 200),
            }, run.CancellationToken).Take(run.Get(limit)).ToListAsync(run.CancellationToken);
            return Table(run, items);
        });

        var versions = Cmd.New("versions", "Published versions of an offer, newest first", id).Does(context, async run =>
        {
            var items = await run.Client.Offers.ListAllAsync(new ListOfferVersionsRequest { Id = run.Get(id) }, run.CancellationToken).ToListAsync(run.CancellationToken);
            return run.List(items, ["version", "slug", "headline", "state", "note", "at"], o =>
                [o.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Slugline, Parse.Text(o.Headlines), Parse.Name(o.State), o.CorrectionNote, Parse.When(o.VersionCreateTime)]);
        });
        return Cmd.New("offers", "Your offers and their lifecycle", create, update, publish, correct, withdraw, kill, show, list, versions);
    }

    internal static int Table(Invocation run, IReadOnlyList<Offer> items) =>
        run.List(items, ["id", "slug", "headline", "type", "languages", "owner", "region", "state", "version"], o =>
            [o.Id, o.Slugline, Truncate(Parse.Text(o.Headlines), 48), Parse.Name(o.Type), string.Join(",", o.AudioLanguages), o.OwnerId,
             Parse.RegionTitle(o.OwnerRegion), Parse.Name(o.State), o.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    internal static int Show(Invocation run, Offer o)
    {
        var rights = o.Rights;
        string Territories(Territories? t) => t is null ? string.Empty
            : string.Join(", ", t.CountryCodes.Concat(t.Regions.Select(Parse.RegionTitle)));
        return run.Show(o, ("id", o.Id), ("uri", o.Uri), ("version", o.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("state", Parse.Name(o.State)), ("type", Parse.Name(o.Type)), ("slug", o.Slugline), ("headline", Parse.Text(o.Headlines)),
            ("owner", $"{o.OwnerId} ({Parse.RegionTitle(o.OwnerRegion)})"), ("languages", string.Join(", ", o.AudioLanguages)),
            ("subjects", string.Join(", ", o.Subjects)), ("located", o.Located is null ? string.Empty : $"{o.Located.City} {o.Located.CountryCode}".Trim()),
            ("allowed", Territories(rights?.AllowedTerritories) is { Length: > 0 } a ? a : "worldwide"), ("denied", Territories(rights?.DeniedTerritories)),
            ("uses", string.Join(", ", rights?.PermittedUses.Select(Parse.Name) ?? [])), ("exclusive", rights?.Exclusive == true ? "yes" : "no"),
            ("approval", Parse.Name(rights?.Approval?.Mode ?? ApprovalMode.Unspecified)),
            ("window", rights?.LicenceWindow is { } w ? $"{Parse.When(w.StartTime)} – {Parse.When(w.EndTime)}" : string.Empty),
            ("renditions", string.Join("; ", o.Renditions.Select(r => $"{r.Id} {Parse.Name(r.Kind)} {r.FileName} {r.ReceivedBytes}/{r.SizeBytes} {Parse.Name(r.State)}"))),
            ("etag", o.Etag));
    }

    internal static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
