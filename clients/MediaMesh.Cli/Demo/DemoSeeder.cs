using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.Client;
using MediaMesh.Client.Transfers;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Exchange.V1;
using MediaMesh.Contracts.Initiative.V1;
using MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Cli.Demo;

/// <summary>What a seeding run found and did.</summary>
internal sealed record SeedSummary(int Organizations, int Signatures, int Offers, int Requests, int Licences, int UsageReports, int Created);

/// <summary>
/// Seeds the founding forum through the public API, as the members themselves would: the
/// coordinator registers and activates organisations and gives each a key; unions approve their
/// members; co-proposers create the initiatives; members sign, offer, request, approve and report
/// usage with their own keys. Everything is compared with what already exists first (names, offer
/// URIs, requests per offer), so a second run adds nothing.
/// </summary>
internal sealed class DemoSeeder(MediaMeshClient coordinator, string statePath, Action<string> log)
{
    private static readonly string[] EnglishSubtitles = ["en"];
    private readonly ForumPlan _plan = new();
    private readonly SeedState _state = SeedState.Load(statePath);
    private readonly Dictionary<string, Organization> _orgs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MediaMeshClient> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Initiative> _initiatives = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Offer> _offers = new();
    private int _created;

    public async Task<SeedSummary> RunAsync(CancellationToken ct)
    {
        try
        {
            await OrganizationsAsync(ct);
            await MembershipsAsync(ct);
            await InitiativesAsync(ct);
            await OffersAsync(ct);
            var (requests, licences, usage) = await RequestsAsync(ct);
            await LifecycleAsync(ct);
            var signatures = 0;
            foreach (var initiative in _initiatives.Values)
            {
                signatures += (await coordinator.Initiatives.GetInitiativeAsync(new GetInitiativeRequest { Id = initiative.Id }, cancellationToken: ct)).Initiative.SignatoryCount;
            }

            return new SeedSummary(_orgs.Count, signatures, _offers.Count, requests, licences, usage, _created);
        }
        finally
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }
        }
    }

    private MediaMeshClient As(DemoOrganization org) => _clients.GetOrAdd(org.Name, _ => MediaMeshClient.Create(coordinator.Options with
    {
        ApiKey = _state.Keys[_orgs[org.Name].Id],
    }));

    private async Task OrganizationsAsync(CancellationToken ct)
    {
        await foreach (var o in coordinator.Organizations.ListAllAsync(new ListOrganizationsRequest { Text = "Demo", PageSize = 200 }, ct))
        {
            _orgs[Parse.Text(o.Names)] = o;
        }

        foreach (var demo in _plan.Organizations)
        {
            if (!_orgs.TryGetValue(demo.Name, out var org))
            {
                org = (await coordinator.Organizations.CreateOrganizationAsync(new CreateOrganizationRequest
                {
                    Organization = new Organization
                    {
                        Kind = demo.Kind,
                        Names = { new LocalizedText { Language = "en", Text = demo.Name, Original = true } },
                        ShortName = demo.ShortName,
                        CountryCode = demo.Country,
                        WorkingLanguages = { new[] { demo.Language, "en" }.Distinct() },
                        Website = $"https://{demo.ShortName.ToLowerInvariant()}.demo.mediamesh.example",
                        ContactEmail = $"exchange@{demo.ShortName.ToLowerInvariant()}.demo.mediamesh.example",
                    },
                }, cancellationToken: ct)).Organization;
                _created++;
            }

            if (org.Status != OrganizationStatus.Active)
            {
                org = (await coordinator.Organizations.ActivateOrganizationAsync(new ActivateOrganizationRequest { Id = org.Id }, cancellationToken: ct)).Organization;
            }

            _orgs[demo.Name] = org;
            if (!_state.Keys.ContainsKey(org.Id))
            {
                var key = await coordinator.Organizations.CreateApiKeyAsync(new CreateApiKeyRequest { OrganizationId = org.Id, DisplayName = "demo-seed" }, cancellationToken: ct);
                _state.Keys[org.Id] = key.Secret;
                _state.Save(statePath);
            }
        }

        log($"organisations: {_plan.Organizations.Count} demo organisations from {_plan.Organizations.Select(o => o.Country).Distinct().Count()} countries");
    }

    private async Task MembershipsAsync(CancellationToken ct)
    {
        var count = 0;
        foreach (var member in _plan.Members)
        {
            var unions = new List<string>();
            if (ForumCatalog.UnionFor(member.Region) is { } union)
            {
                unions.Add(union);
            }

            if (ForumCatalog.AlsoAfrican(member.Country))
            {
                unions.Add(ForumCatalog.AfricanUnion);
            }

            if (unions.Count == 0)
            {
                continue;
            }

            var existing = await coordinator.Organizations.ListAllAsync(new ListUnionMembershipsRequest { MemberId = _orgs[member.Name].Id }, ct).ToListAsync(ct);
            foreach (var unionName in unions)
            {
                var unionOrg = ForumCatalog.CoProposers.Single(c => c.Name == unionName);
                var unionId = _orgs[unionName].Id;
                var membership = existing.FirstOrDefault(m => m.UnionId == unionId && m.State is UnionMembershipState.Requested or UnionMembershipState.Approved);
                if (membership is null)
                {
                    membership = (await As(member).Organizations.RequestUnionMembershipAsync(new RequestUnionMembershipRequest
                    {
                        UnionId = unionId, MemberId = _orgs[member.Name].Id, Message = "Joining for the founding forum (demo).",
                    }, cancellationToken: ct)).Membership;
                    _created++;
                }

                if (membership.State == UnionMembershipState.Requested)
                {
                    // The union itself decides who joins under it.
                    await As(unionOrg).Organizations.ApproveUnionMembershipAsync(new ApproveUnionMembershipRequest { Id = membership.Id }, cancellationToken: ct);
                }

                count++;
            }
        }

        // Union ids now appear on the organisations (snapshotted by signatures and offers).
        foreach (var demo in _plan.Organizations)
        {
            _orgs[demo.Name] = (await coordinator.Organizations.GetOrganizationAsync(new GetOrganizationRequest { Id = _orgs[demo.Name].Id }, cancellationToken: ct)).Organization;
        }

        log($"union memberships: {count}");
    }

    private async Task InitiativesAsync(CancellationToken ct)
    {
        var group = ForumCatalog.CoProposers[0];
        var proposers = ForumCatalog.CoProposers.Select(c => _orgs[c.Name].Id).ToArray();
        foreach (var plan in _plan.Initiatives)
        {
            var found = await As(group).Initiatives.ListAllAsync(new ListInitiativesRequest { Text = plan.Title.Split(':')[0], PageSize = 50 }, ct)
                .FirstOrDefaultAsync(i => Parse.Text(i.Titles) == plan.Title, ct);
            var initiative = found ?? (await As(group).Initiatives.CreateInitiativeAsync(new CreateInitiativeRequest
            {
                Initiative = new Initiative
                {
                    Kind = plan.Kind,
                    Titles = { new LocalizedText { Language = "en", Text = plan.Title, Original = true } },
                    Charter = { plan.Charter.Select((c, i) => new LocalizedText { Language = c.Key, Text = c.Value, Original = i == 0 }) },
                    Objectives = { new Objective { Text = { new LocalizedText { Language = "en", Text = "Raise the flow of content between members, unions and regions.", Original = true } } } },
                    ProposerIds = { proposers },
                    TargetRegions = { plan.TargetRegions },
                    StartTime = Timestamp.FromDateTime(ForumPlan.Anchor),
                    EndTime = Timestamp.FromDateTime(ForumPlan.Anchor.AddYears(3)),
                },
            }, cancellationToken: ct)).Initiative;
            if (found is null)
            {
                _created++;
            }

            if (initiative.State == InitiativeState.Draft)
            {
                initiative = (await As(group).Initiatives.OpenInitiativeAsync(new OpenInitiativeRequest { Id = initiative.Id }, cancellationToken: ct)).Initiative;
            }

            var activities = await As(group).Initiatives.ListAllAsync(new ListActivitiesRequest { InitiativeId = initiative.Id }, ct).ToListAsync(ct);
            foreach (var activity in plan.Activities.Where(a => !activities.Any(x => Parse.Text(x.Titles) == a.Title)))
            {
                var start = ForumPlan.Anchor.AddDays(activity.StartDay);
                await As(group).Initiatives.CreateActivityAsync(new CreateActivityRequest
                {
                    Activity = new Activity
                    {
                        InitiativeId = initiative.Id,
                        Kind = activity.Kind,
                        Titles = { new LocalizedText { Language = "en", Text = activity.Title, Original = true } },
                        Place = new Place { CountryCode = activity.Country, City = activity.City },
                        StartTime = Timestamp.FromDateTime(start),
                        EndTime = Timestamp.FromDateTime(start.AddDays(activity.Days)),
                        PartnerIds = { activity.Partners.Select(p => _orgs[p].Id) },
                    },
                }, cancellationToken: ct);
                _created++;
            }

            var signed = await coordinator.Initiatives.ListAllAsync(new ListSignaturesRequest { InitiativeId = initiative.Id, PageSize = 200 }, ct)
                .Select(s => s.OrganizationId).ToHashSetAsync(cancellationToken: ct);
            foreach (var name in _plan.Organizations.Select(o => o.Name).Where(plan.Signatories.Contains))
            {
                var org = _orgs[name];
                if (!signed.Contains(org.Id))
                {
                    var demo = _plan.Organizations.Single(o => o.Name == name);
                    await As(demo).Initiatives.SignInitiativeAsync(new SignInitiativeRequest
                    {
                        InitiativeId = initiative.Id, SignerName = $"Director-General, {demo.ShortName}", SignerTitle = "Director-General",
                    }, cancellationToken: ct);
                    _created++;
                }
            }

            if (plan.Activate && initiative.State == InitiativeState.OpenForSignature)
            {
                initiative = (await As(group).Initiatives.ActivateInitiativeAsync(new ActivateInitiativeRequest { Id = initiative.Id }, cancellationToken: ct)).Initiative;
            }

            _initiatives[plan.Key] = initiative;
        }

        log($"initiatives: {_initiatives.Count} (the Joint Initiative open for signature)");
    }

    private async Task OffersAsync(CancellationToken ct)
    {
        await Parallel.ForEachAsync(_plan.Offers.GroupBy(o => o.Owner.Name), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (group, token) =>
        {
            var owner = group.First().Owner;
            var client = As(owner);
            var existing = await client.Offers.ListAllAsync(new ListOffersRequest { PageSize = 200 }, token).ToDictionaryAsync(o => o.Uri, cancellationToken: token);
            foreach (var plan in group)
            {
                if (!existing.TryGetValue(plan.Uri, out var offer))
                {
                    offer = (await client.Offers.CreateOfferAsync(new CreateOfferRequest { Offer = ToOffer(plan) }, cancellationToken: token)).Offer;
                    Interlocked.Increment(ref _created);
                }

                if (plan.WithProxy)
                {
                    await UploadProxyAsync(client, offer, plan, token);
                }

                if (offer.State == OfferState.Draft)
                {
                    offer = (await client.Offers.PublishOfferAsync(new PublishOfferRequest { Id = offer.Id }, cancellationToken: token)).Offer;
                }

                if (plan.Correct && offer.Version < 2 && offer.State == OfferState.Offered)
                {
                    var corrected = new Offer { Id = offer.Id, Headlines = { plan.Headlines.Select((h, i) => i == 0 ? new LocalizedText(h) { Text = h.Text + " (updated)" } : h) } };
                    offer = (await client.Offers.CorrectOfferAsync(new CorrectOfferRequest
                    {
                        Offer = corrected, UpdateMask = new FieldMask { Paths = { "headlines" } }, CorrectionNote = "Headline updated with the latest figures.",
                    }, cancellationToken: token)).Offer;
                }

                _offers[plan.Index] = offer;
            }
        });
        log($"offers: {_offers.Count} in {_plan.Offers.Select(o => o.Language).Distinct().Count()} languages");
    }

    private static async Task UploadProxyAsync(MediaMeshClient client, Offer offer, OfferPlan plan, CancellationToken ct)
    {
        if (offer.Renditions.Any(r => r.State == RenditionState.Complete) || offer.State == OfferState.Killed)
        {
            return;
        }

        // A small deterministic stand-in for a proxy video, so downloads in the walkthrough have something to fetch.
        var path = Path.Combine(Path.GetTempPath(), $"mediamesh-demo-{plan.Index:D4}-{Environment.ProcessId}.mp4");
        try
        {
            var bytes = new byte[(256 * 1024) + (plan.Index * 1024)];
            new Random(ForumPlan.Seed + plan.Index).NextBytes(bytes);
            await File.WriteAllBytesAsync(path, bytes, ct);
            await client.UploadFileAsync(offer.Id, path, new RenditionDeclaration(RenditionKind.Proxy, "video/mp4", FileName: $"{plan.Slug.ToLowerInvariant()}-proxy.mp4",
                Language: plan.Language, VideoCodec: "h264", Width: 640, Height: 360, FrameRate: 25, Bitrate: 800_000), cancellationToken: ct);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private Offer ToOffer(OfferPlan plan)
    {
        var rights = new Rights
        {
            AllowedTerritories = new Territories { CountryCodes = { plan.Rights.AllowedCountries }, Regions = { plan.Rights.AllowedRegions } },
            DeniedTerritories = new Territories { CountryCodes = { plan.Rights.DeniedCountries } },
            LicenceWindow = new TimeInterval { StartTime = Timestamp.FromDateTime(ForumPlan.Anchor), EndTime = Timestamp.FromDateTime(ForumPlan.Anchor.AddYears(6)) },
            PermittedUses = { plan.Rights.Uses },
            Exclusive = plan.Rights.Exclusive,
            Approval = new ApprovalPolicy { Mode = plan.Rights.Approval, AutoApproveRegions = { plan.Rights.AutoRegions } },
        };
        return new Offer
        {
            Uri = plan.Uri,
            Type = plan.Type,
            Headlines = { plan.Headlines },
            Descriptions = { new Description { Language = "en", Role = DescriptionRole.Summary, Text = plan.Summary } },
            Slugline = plan.Slug,
            AudioLanguages = { plan.Language },
            SubtitleLanguages = { plan.Language == "en" ? [] : EnglishSubtitles },
            Subjects = { plan.Subject },
            Genres = { plan.Genre },
            Located = new Place { CountryCode = plan.Owner.Country, City = plan.City },
            FirstCreateTime = Timestamp.FromDateTime(plan.FirstCreated),
            CopyrightHolder = plan.Owner.Name,
            CreditLine = $"{plan.Owner.ShortName} / MediaMesh demo",
            UsageTerms = plan.Type == OfferType.NewsVideo
                ? "Demo item. Newsroom ready. Credit the contributor on air. Cannot be used by a national competitor of the contributing broadcaster."
                : "Demo item. Do not change the editorial meaning; credits must be kept.",
            Duration = Duration.FromTimeSpan(plan.Duration),
            InitiativeIds = { plan.InitiativeKeys.Select(k => _initiatives[k].Id) },
            Rights = rights,
        };
    }

    private async Task<(int Requests, int Licences, int Usage)> RequestsAsync(CancellationToken ct)
    {
        int requests = 0, licences = 0, usage = 0;
        await Parallel.ForEachAsync(_plan.Requests.GroupBy(r => r.Requester.Name), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (group, token) =>
        {
            var requester = group.First().Requester;
            var client = As(requester);
            var existing = await client.Licensing.ListAllAsync(new ListContentRequestsRequest { Direction = Direction.Outgoing, PageSize = 200 }, token)
                .ToListAsync(token);
            foreach (var plan in group)
            {
                var offer = _offers[plan.OfferIndex];
                var owner = _plan.Offers[plan.OfferIndex - 1].Owner;
                var request = existing.FirstOrDefault(r => r.OfferId == offer.Id);
                if (request is null)
                {
                    try
                    {
                        request = (await client.Licensing.RequestLicenceAsync(new RequestLicenceRequest
                        {
                            OfferId = offer.Id,
                            Uses = { plan.Uses },
                            Territories = { requester.Country },
                            Period = LicencePeriod(plan),
                            Message = "For our evening bulletin and website (demo).",
                        }, cancellationToken: token)).Request;
                        Interlocked.Increment(ref _created);
                    }
                    catch (MediaMeshException refused) when (refused.StatusCode == StatusCode.FailedPrecondition)
                    {
                        log($"request refused by the rights (kept out of the demo): {offer.Slugline} for {requester.Country}: {refused.Detail}");
                        continue;
                    }
                }

                Interlocked.Increment(ref requests);
                if (request.State == ContentRequestState.Pending && plan.Decision != Decision.LeavePending)
                {
                    var ownerClient = As(owner);
                    request = plan.Decision == Decision.Approve
                        ? (await ownerClient.Licensing.ApproveContentRequestAsync(new ApproveContentRequestRequest { Id = request.Id }, cancellationToken: token)).Request
                        : (await ownerClient.Licensing.DeclineContentRequestAsync(new DeclineContentRequestRequest { Id = request.Id, Reason = "Already licensed to a partner in your market." }, cancellationToken: token)).Request;
                }

                if (request.State != ContentRequestState.Approved || string.IsNullOrEmpty(request.LicenceId))
                {
                    continue;
                }

                Interlocked.Increment(ref licences);
                var reported = await client.Usage.ListAllAsync(new ListUsageReportsRequest { LicenceId = request.LicenceId }, token).CountAsync(token);
                // Usage is reported as it happens: at or after the grant, never written into the past. The
                // request_id makes each planned airing count once however often the seeder runs.
                var licenceStart = LicencePeriod(plan).StartTime.ToDateTime();
                for (var k = reported; k < plan.Uses_Reported && licenceStart <= DateTime.UtcNow; k++)
                {
                    await client.Usage.ReportUsageAsync(new ReportUsageRequest
                    {
                        RequestId = $"demo-{request.LicenceId}-{k}",
                        LicenceId = request.LicenceId,
                        Use = plan.Uses[k % plan.Uses.Length],
                        CountryCode = requester.Country,
                        UseTime = Timestamp.FromDateTime(DateTime.UtcNow),
                        Channel = plan.Uses[k % plan.Uses.Length] == UsageKind.Broadcast ? $"{requester.ShortName} evening news" : $"{requester.ShortName} website",
                        AudienceEstimate = 10_000 + ((plan.OfferIndex * 7919 + k * 104729) % 2_000_000),
                    }, cancellationToken: token);
                    Interlocked.Increment(ref _created);
                }

                Interlocked.Add(ref usage, Math.Max(reported, plan.Uses_Reported));
            }
        });
        log($"requests: {requests}, licences: {licences}, usage reports: {usage}");
        return (requests, licences, usage);
    }

    /// <summary>
    /// The planned period, moved to start no earlier than an hour ago: the exchange refuses licences that
    /// start more than a day before they are requested.
    /// </summary>
    private static TimeInterval LicencePeriod(RequestPlan plan)
    {
        var earliest = DateTime.UtcNow.Date.AddHours(DateTime.UtcNow.Hour - 1);
        var start = plan.Start < earliest ? earliest : plan.Start;
        var end = plan.End > start ? plan.End : start.AddDays(90);
        return new TimeInterval { StartTime = Timestamp.FromDateTime(start), EndTime = Timestamp.FromDateTime(end) };
    }

    private async Task LifecycleAsync(CancellationToken ct)
    {
        foreach (var plan in _plan.Offers.Where(p => p.Withdraw || p.Kill))
        {
            var offer = _offers[plan.Index];
            var client = As(plan.Owner);
            if (plan.Kill && offer.State != OfferState.Killed)
            {
                _offers[plan.Index] = (await client.Offers.KillOfferAsync(new KillOfferRequest { Id = offer.Id, Reason = "Legal complaint: stop using this item (demo)." }, cancellationToken: ct)).Offer;
            }
            else if (plan.Withdraw && offer.State is OfferState.Offered or OfferState.Corrected)
            {
                _offers[plan.Index] = (await client.Offers.WithdrawOfferAsync(new WithdrawOfferRequest { Id = offer.Id, Reason = "Superseded by a newer report (demo)." }, cancellationToken: ct)).Offer;
            }
        }
    }
}
