using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>CreateActivity, GetActivity, ListActivities and UpdateActivity.</summary>
public sealed class ActivityTests(InitiativeSystem system)
{
    private static readonly DateTime Day = new(2027, 5, 10, 9, 0, 0, DateTimeKind.Utc);

    private static V1.Activity NewActivity(string initiativeId, DateTime start, params string[] partners) => new()
    {
        InitiativeId = initiativeId,
        Kind = V1.ActivityKind.Screening,
        Titles = { new CommonV1.LocalizedText { Language = "es", Text = "Proyección en Santiago", Original = true } },
        Place = new CommonV1.Place { CountryCode = "cl", City = "Santiago" },
        StartTime = Timestamp.FromDateTime(start),
        EndTime = Timestamp.FromDateTime(start.AddHours(3)),
        PartnerIds = { partners },
    };

    [Fact]
    public async Task A_proposer_plans_an_activity_with_partners_and_reads_it_back()
    {
        var proposer = await system.ActiveOrgAsync();
        var partner = await system.ActiveOrgAsync("CL");
        var active = await system.CreateActiveAsync(proposer);

        var created = (await system.As(proposer).CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(active.Id, Day, partner) })).Activity;
        var read = (await system.As(partner).GetActivityAsync(new V1.GetActivityRequest { Id = created.Id })).Activity;

        Assert.StartsWith("act_", read.Id, StringComparison.Ordinal);
        Assert.Equal(active.Id, read.InitiativeId);
        Assert.Equal(V1.ActivityKind.Screening, read.Kind);
        Assert.Equal(V1.ActivityStatus.Planned, read.Status);
        Assert.Equal("CL", read.Place.CountryCode);
        Assert.Equal("Santiago", read.Place.City);
        Assert.Equal(CommonV1.Region.LatinAmericaCaribbean, read.Place.Region);
        Assert.Equal([partner], read.PartnerIds);
        Assert.Equal(Timestamp.FromDateTime(Day), read.StartTime);
        Assert.Equal(created.Etag, read.Etag);
        Assert.Equal("activity.created", (await system.AuditAsync(active.Id))[^1].Action);
    }

    [Fact]
    public async Task Create_refusals()
    {
        var proposer = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var suspended = await system.Organizations.CreateSuspendedAsync();
        var active = await system.CreateActiveAsync(proposer);
        var concluded = await system.CreateActiveAsync(proposer);
        await system.As(proposer).ConcludeInitiativeAsync(new V1.ConcludeInitiativeRequest { Id = concluded.Id });
        Task<V1.CreateActivityResponse> Create(string caller, V1.Activity activity) =>
            system.As(caller).CreateActivityAsync(new V1.CreateActivityRequest { Activity = activity }).ResponseAsync;

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => Create(outsider, NewActivity(active.Id, Day)));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => Create(proposer, NewActivity(active.Id, Day, suspended)));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => Create(proposer, NewActivity(concluded.Id, Day)));
        await GrpcAssert.Refused(StatusCode.NotFound, () => Create(proposer, NewActivity("ini_missing", Day)));
        await GrpcAssert.Invalid(() => system.As(proposer).CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(active.Id, Day, "org_nobody") }),
            "activity.partner_ids[0]");
        var broken = NewActivity(active.Id, Day);
        broken.Kind = V1.ActivityKind.Unspecified;
        broken.Place.CountryCode = "ZZ";
        broken.EndTime = Timestamp.FromDateTime(Day.AddHours(-1));
        broken.Titles[0].Language = "??";
        await GrpcAssert.Invalid(() => system.As(proposer).CreateActivityAsync(new V1.CreateActivityRequest { Activity = broken }),
            "activity.kind", "activity.place.country_code", "activity.end_time", "activity.titles[0].language");
        var noStart = NewActivity(active.Id, Day);
        noStart.StartTime = null;
        await GrpcAssert.Invalid(() => system.As(proposer).CreateActivityAsync(new V1.CreateActivityRequest { Activity = noStart }), "activity.start_time");
        await GrpcAssert.Invalid(() => system.As(proposer).CreateActivityAsync(new V1.CreateActivityRequest()), "activity");

        Assert.Empty((await system.As(proposer).ListActivitiesAsync(new V1.ListActivitiesRequest { InitiativeId = active.Id })).Activities);
    }

    [Fact]
    public async Task Activities_list_by_start_time_filtered_by_status_and_paged()
    {
        var proposer = await system.ActiveOrgAsync();
        var active = await system.CreateActiveAsync(proposer);
        var client = system.As(proposer);
        var late = (await client.CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(active.Id, Day.AddDays(10)) })).Activity;
        var early = (await client.CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(active.Id, Day) })).Activity;
        var middle = (await client.CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(active.Id, Day.AddDays(5)) })).Activity;
        await client.UpdateActivityAsync(new V1.UpdateActivityRequest
        {
            Activity = new V1.Activity { Id = middle.Id, Status = V1.ActivityStatus.Cancelled },
            UpdateMask = new FieldMask { Paths = { "status" } },
        });

        var first = await client.ListActivitiesAsync(new V1.ListActivitiesRequest { InitiativeId = active.Id, PageSize = 2 });
        var second = await client.ListActivitiesAsync(new V1.ListActivitiesRequest { InitiativeId = active.Id, PageSize = 2, PageToken = first.NextPageToken });
        var planned = await client.ListActivitiesAsync(new V1.ListActivitiesRequest { InitiativeId = active.Id, Status = V1.ActivityStatus.Planned });

        Assert.Equal([early.Id, middle.Id, late.Id], first.Activities.Concat(second.Activities).Select(a => a.Id));
        Assert.Equal([early.Id, late.Id], planned.Activities.Select(a => a.Id));
        await GrpcAssert.Invalid(() => client.ListActivitiesAsync(new V1.ListActivitiesRequest { InitiativeId = active.Id, Status = (V1.ActivityStatus)9 }), "status");
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.ListActivitiesAsync(new V1.ListActivitiesRequest { InitiativeId = "ini_missing" }));
    }

    [Fact]
    public async Task Update_changes_masked_fields_and_moves_status_once()
    {
        var proposer = await system.ActiveOrgAsync();
        var partner = await system.ActiveOrgAsync("AR");
        var active = await system.CreateActiveAsync(proposer);
        var client = system.As(proposer);
        var created = (await client.CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(active.Id, Day) })).Activity;

        var moved = (await client.UpdateActivityAsync(new V1.UpdateActivityRequest
        {
            Activity = new V1.Activity
            {
                Id = created.Id,
                Etag = created.Etag,
                Place = new CommonV1.Place { CountryCode = "AR", City = "Buenos Aires" },
                PartnerIds = { partner },
                Kind = V1.ActivityKind.Workshop,
            },
            UpdateMask = new FieldMask { Paths = { "place", "partner_ids" } },
        })).Activity;
        var held = (await client.UpdateActivityAsync(new V1.UpdateActivityRequest
        {
            Activity = new V1.Activity { Id = created.Id, Etag = moved.Etag, Status = V1.ActivityStatus.Held },
            UpdateMask = new FieldMask { Paths = { "status" } },
        })).Activity;
        var read = (await client.GetActivityAsync(new V1.GetActivityRequest { Id = created.Id })).Activity;

        Assert.Equal("Buenos Aires", read.Place.City);
        Assert.Equal([partner], read.PartnerIds);
        Assert.Equal(V1.ActivityKind.Screening, read.Kind);
        Assert.Equal(V1.ActivityStatus.Held, read.Status);
        Assert.Equal(held.Etag, read.Etag);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => client.UpdateActivityAsync(new V1.UpdateActivityRequest
        {
            Activity = new V1.Activity { Id = created.Id, Status = V1.ActivityStatus.Cancelled },
            UpdateMask = new FieldMask { Paths = { "status" } },
        }));
        Assert.Equal(2, (await system.AuditAsync(active.Id)).Count(e => e.Action == "activity.updated"));
    }

    [Fact]
    public async Task Update_refusals()
    {
        var proposer = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var active = await system.CreateActiveAsync(proposer);
        var created = (await system.As(proposer).CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(active.Id, Day) })).Activity;
        V1.UpdateActivityRequest City(string id, string etag = "") => new()
        {
            Activity = new V1.Activity { Id = id, Etag = etag, Place = new CommonV1.Place { CountryCode = "CL", City = "Valparaíso" } },
            UpdateMask = new FieldMask { Paths = { "place" } },
        };

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => system.As(outsider).UpdateActivityAsync(City(created.Id)));
        await GrpcAssert.Refused(StatusCode.Aborted, () => system.As(proposer).UpdateActivityAsync(City(created.Id, "W/\"7\"")));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(proposer).UpdateActivityAsync(City("act_missing")));
        await GrpcAssert.Invalid(() => system.As(proposer).UpdateActivityAsync(new V1.UpdateActivityRequest
        {
            Activity = new V1.Activity { Id = created.Id },
            UpdateMask = new FieldMask { Paths = { "initiative_id" } },
        }), "update_mask");
        await GrpcAssert.Invalid(() => system.As(proposer).UpdateActivityAsync(new V1.UpdateActivityRequest
        {
            Activity = new V1.Activity { Id = created.Id, EndTime = Timestamp.FromDateTime(Day.AddDays(-1)) },
            UpdateMask = new FieldMask { Paths = { "end_time" } },
        }), "activity.end_time");
        await GrpcAssert.Invalid(() => system.As(proposer).UpdateActivityAsync(new V1.UpdateActivityRequest
        {
            Activity = new V1.Activity { Id = created.Id },
            UpdateMask = new FieldMask { Paths = { "status" } },
        }), "activity.status");
        Assert.Equal("Santiago", (await system.As(proposer).GetActivityAsync(new V1.GetActivityRequest { Id = created.Id })).Activity.Place.City);
    }

    [Fact]
    public async Task Activities_of_a_draft_are_hidden_from_other_members()
    {
        var proposer = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(proposer);
        var created = (await system.As(proposer).CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(draft.Id, Day) })).Activity;

        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(outsider).GetActivityAsync(new V1.GetActivityRequest { Id = created.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(outsider).ListActivitiesAsync(new V1.ListActivitiesRequest { InitiativeId = draft.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => system.As(proposer).GetActivityAsync(new V1.GetActivityRequest { Id = "act_missing" }));
        await GrpcAssert.Invalid(() => system.As(proposer).GetActivityAsync(new V1.GetActivityRequest()), "id");
        Assert.Equal(created.Id, (await system.As(proposer).GetActivityAsync(new V1.GetActivityRequest { Id = created.Id })).Activity.Id);
    }

    [Fact]
    public async Task Every_write_an_outsider_makes_on_a_hidden_draft_is_not_found_as_every_read_is()
    {
        var proposer = await system.ActiveOrgAsync();
        var outsider = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(proposer);
        var activity = (await system.As(proposer).CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(draft.Id, Day) })).Activity;
        var client = system.As(outsider);

        await GrpcAssert.Refused(StatusCode.NotFound, () => system.SignAsync(draft.Id, outsider));
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.WithdrawSignatureAsync(new V1.WithdrawSignatureRequest { InitiativeId = draft.Id, Reason = "r" }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.UpdateInitiativeAsync(new V1.UpdateInitiativeRequest
        {
            Initiative = new V1.Initiative { Id = draft.Id, Titles = { new CommonV1.LocalizedText { Language = "en", Text = "Mine now", Original = true } } },
            UpdateMask = new FieldMask { Paths = { "titles" } },
        }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.ActivateInitiativeAsync(new V1.ActivateInitiativeRequest { Id = draft.Id }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.WithdrawInitiativeAsync(new V1.WithdrawInitiativeRequest { Id = draft.Id, Reason = "r" }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.CreateActivityAsync(new V1.CreateActivityRequest { Activity = NewActivity(draft.Id, Day) }));
        await GrpcAssert.Refused(StatusCode.NotFound, () => client.UpdateActivityAsync(new V1.UpdateActivityRequest
        {
            Activity = new V1.Activity { Id = activity.Id, Titles = { new CommonV1.LocalizedText { Language = "en", Text = "Taken over", Original = true } } },
            UpdateMask = new FieldMask { Paths = { "titles" } },
        }));

        // Once open, the initiative is visible: a write the outsider may not make is PERMISSION_DENIED.
        await system.As(proposer).OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id });
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => client.WithdrawInitiativeAsync(new V1.WithdrawInitiativeRequest { Id = draft.Id, Reason = "r" }));
        var unchanged = (await system.As(proposer).GetInitiativeAsync(new V1.GetInitiativeRequest { Id = draft.Id })).Initiative;
        Assert.Equal(draft.Titles, unchanged.Titles);
        Assert.Equal(0, unchanged.SignatoryCount);
    }
}
