using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>ListInitiatives: visibility of drafts, every filter, paging, and its refusals.</summary>
public sealed class InitiativeQueryTests(InitiativeSystem system)
{
    [Fact]
    public async Task Drafts_are_listed_to_their_proposers_and_coordinators_only()
    {
        var a = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(a);
        var open = await system.CreateOpenAsync(a);
        var byA = new V1.ListInitiativesRequest { ProposerId = a };

        Assert.Equal([open.Id, draft.Id], (await system.As(a).ListInitiativesAsync(byA)).Initiatives.Select(i => i.Id));
        Assert.Equal([open.Id], (await system.As(outsider).ListInitiativesAsync(byA)).Initiatives.Select(i => i.Id));
        Assert.Empty((await system.As(outsider).ListInitiativesAsync(new V1.ListInitiativesRequest { ProposerId = a, State = V1.InitiativeState.Draft })).Initiatives);
        Assert.Equal(2, (await system.Coordinator.ListInitiativesAsync(byA)).Initiatives.Count);
    }

    [Fact]
    public async Task Filters_by_kind_state_signatory_region_period_and_text_combine()
    {
        var a = await system.ActiveOrgAsync();
        var signer = await system.ActiveOrgAsync("IN");
        var marker = Guid.NewGuid().ToString("N")[..10];
        var campaign = await system.CreateActiveAsync(a, i =>
        {
            i.Kind = V1.InitiativeKind.Campaign;
            i.Charter[0].Text = $"A campaign on WATER {marker}";
            i.TargetRegions.Clear();
            i.TargetRegions.Add(CommonV1.Region.ArabStates);
        });
        var season = await system.CreateOpenAsync(a, i =>
        {
            i.Kind = V1.InitiativeKind.CommunicationSeason;
            i.TargetRegions.Clear();
            i.StartTime = Timestamp.FromDateTime(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            i.EndTime = Timestamp.FromDateTime(new DateTime(2030, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        });
        await system.SignAsync(campaign.Id, signer);

        async Task<IEnumerable<string>> Ids(V1.ListInitiativesRequest request)
        {
            request.ProposerId = a;
            return (await system.As(signer).ListInitiativesAsync(request)).Initiatives.Select(i => i.Id);
        }

        Assert.Equal([campaign.Id], await Ids(new V1.ListInitiativesRequest { Kind = V1.InitiativeKind.Campaign }));
        Assert.Equal([season.Id], await Ids(new V1.ListInitiativesRequest { State = V1.InitiativeState.OpenForSignature }));
        Assert.Equal([campaign.Id], await Ids(new V1.ListInitiativesRequest { SignatoryId = signer }));
        Assert.Equal([season.Id, campaign.Id], await Ids(new V1.ListInitiativesRequest { Region = CommonV1.Region.ArabStates }));
        Assert.Equal([season.Id], await Ids(new V1.ListInitiativesRequest { Region = CommonV1.Region.Europe }));
        Assert.Equal([campaign.Id], await Ids(new V1.ListInitiativesRequest { Text = $"water {marker.ToUpperInvariant()}" }));
        Assert.Equal([season.Id], await Ids(new V1.ListInitiativesRequest
        {
            Period = new CommonV1.TimeInterval { StartTime = Timestamp.FromDateTime(new DateTime(2030, 2, 1, 0, 0, 0, DateTimeKind.Utc)) },
        }));
        Assert.Equal([campaign.Id], await Ids(new V1.ListInitiativesRequest
        {
            Period = new CommonV1.TimeInterval
            {
                StartTime = Timestamp.FromDateTime(new DateTime(2027, 6, 1, 0, 0, 0, DateTimeKind.Utc)),
                EndTime = Timestamp.FromDateTime(new DateTime(2027, 7, 1, 0, 0, 0, DateTimeKind.Utc)),
            },
        }));
        var listed = (await system.As(signer).ListInitiativesAsync(new V1.ListInitiativesRequest { SignatoryId = signer })).Initiatives;
        Assert.Equal(1, Assert.Single(listed).SignatoryCount);
    }

    [Fact]
    public async Task Pages_cover_every_initiative_once_newest_first()
    {
        var a = await system.ActiveOrgAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await system.CreateOpenAsync(a)).Id);
            await Task.Delay(2);
        }

        var seen = new List<string>();
        var request = new V1.ListInitiativesRequest { ProposerId = a, PageSize = 2 };
        var pages = 0;
        do
        {
            var page = await system.As(a).ListInitiativesAsync(request);
            seen.AddRange(page.Initiatives.Select(i => i.Id));
            request.PageToken = page.NextPageToken;
            pages++;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(created.AsEnumerable().Reverse(), seen);
    }

    [Fact]
    public async Task List_refuses_bad_paging_and_filters()
    {
        var a = await system.ActiveOrgAsync();
        await system.CreateOpenAsync(a);
        await system.CreateOpenAsync(a);
        var first = await system.As(a).ListInitiativesAsync(new V1.ListInitiativesRequest { ProposerId = a, PageSize = 1 });

        await GrpcAssert.Invalid(() => system.As(a).ListInitiativesAsync(new V1.ListInitiativesRequest { PageSize = 1000 }), "page_size");
        await GrpcAssert.Invalid(() => system.As(a).ListInitiativesAsync(new V1.ListInitiativesRequest { PageToken = first.NextPageToken, Kind = V1.InitiativeKind.Campaign }), "page_token");
        await GrpcAssert.Invalid(() => system.As(a).ListInitiativesAsync(new V1.ListInitiativesRequest { State = (V1.InitiativeState)99, Region = (CommonV1.Region)99 }), "state", "region");
        await GrpcAssert.Invalid(() => system.As(a).ListInitiativesAsync(new V1.ListInitiativesRequest
        {
            Period = new CommonV1.TimeInterval
            {
                StartTime = Timestamp.FromDateTime(new DateTime(2027, 2, 1, 0, 0, 0, DateTimeKind.Utc)),
                EndTime = Timestamp.FromDateTime(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            },
        }), "period.end_time");
        var anonymous = new V1.InitiativeService.InitiativeServiceClient(system.Initiatives.Anonymous());
        await GrpcAssert.Refused(StatusCode.Unauthenticated, () => anonymous.ListInitiativesAsync(new V1.ListInitiativesRequest()));
    }

    [Fact]
    public async Task The_audit_trail_pages_oldest_first_and_is_hidden_like_its_draft()
    {
        var a = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(a);
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(outsider).ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { InitiativeId = draft.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(a).ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { InitiativeId = "ini_missing" }));
        await GrpcAssert.Invalid(() => system.As(a).ListAuditEntriesAsync(new V1.ListAuditEntriesRequest()), "initiative_id");

        await system.As(a).OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id });
        await system.As(a).ActivateInitiativeAsync(new V1.ActivateInitiativeRequest { Id = draft.Id });
        var first = await system.As(outsider).ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { InitiativeId = draft.Id, PageSize = 2 });
        var second = await system.As(outsider).ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { InitiativeId = draft.Id, PageSize = 2, PageToken = first.NextPageToken });

        Assert.Equal(["initiative.created", "initiative.opened", "initiative.activated"], first.Entries.Concat(second.Entries).Select(e => e.Action));
        Assert.Empty(second.NextPageToken);
        Assert.All(first.Entries.Concat(second.Entries), e => Assert.Equal(draft.Id, e.InitiativeId));
    }
}
