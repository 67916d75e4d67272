using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.TestSupport;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

[Collection("exchange")]
public sealed class UsageTests(ExchangeFixture f)
{
    private static V1.ReportUsageRequest Aired(string licenceId, string country = "BR", V1.UsageKind use = V1.UsageKind.Broadcast, DateTime? time = null) => new()
    {
        LicenceId = licenceId,
        Use = use,
        CountryCode = country,
        UseTime = Timestamp.FromDateTime(time ?? DateTime.UtcNow),
        Channel = "TV Brasil, 19:00 news",
        AudienceEstimate = 250_000,
    };

    [Fact]
    public async Task A_licensee_reports_usage_that_fits_its_licence()
    {
        var (offer, licence) = await f.LicensedAsync(f.Kenya, f.Brazil, "BR");
        var usage = f.Exchange.Usage(f.Brazil);

        var report = (await usage.ReportUsageAsync(Aired(licence.Id))).Report;

        Assert.Equal(offer.Id, report.OfferId);
        Assert.Equal(f.Brazil, report.LicenseeId);
        Assert.Equal(250_000, report.AudienceEstimate);
        var byLicence = await usage.ListUsageReportsAsync(new V1.ListUsageReportsRequest { LicenceId = licence.Id });
        var byOffer = await f.Exchange.Usage(f.Kenya).ListUsageReportsAsync(new V1.ListUsageReportsRequest { OfferId = offer.Id });
        Assert.Equal([report.Id], byLicence.Reports.Select(r => r.Id));
        Assert.Equal([report.Id], byOffer.Reports.Select(r => r.Id));
    }

    [Fact]
    public async Task Usage_outside_the_licence_or_by_someone_else_is_refused()
    {
        var (_, licence) = await f.LicensedAsync(f.Kenya, f.Brazil, "BR");

        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Usage(f.Brazil).ReportUsageAsync(Aired(licence.Id, country: "AR")));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => f.Exchange.Usage(f.Brazil).ReportUsageAsync(Aired(licence.Id, use: V1.UsageKind.Social)));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => f.Exchange.Usage(f.Kenya).ReportUsageAsync(Aired(licence.Id)));
        await GrpcAssert.Refused(StatusCode.NotFound, () => f.Exchange.Usage(f.India).ReportUsageAsync(Aired(licence.Id)));
        await GrpcAssert.Invalid(() => f.Exchange.Usage(f.Brazil).ReportUsageAsync(new V1.ReportUsageRequest { LicenceId = licence.Id, CountryCode = "BR" }), "use", "use_time");
        await GrpcAssert.Invalid(() => f.Exchange.Usage(f.Brazil).ListUsageReportsAsync(new V1.ListUsageReportsRequest()), "licence_id");
        var none = await f.Exchange.Usage(f.Brazil).ListUsageReportsAsync(new V1.ListUsageReportsRequest { LicenceId = licence.Id });
        Assert.Empty(none.Reports);
    }

    [Fact]
    public async Task Statistics_flow_and_reciprocity_show_who_takes_whose_content()
    {
        // The period starts after what earlier tests wrote (they run one after another): the figures are this test's alone.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var start = DateTime.UtcNow.AddSeconds(-1);
        var giver = await f.NewMemberAsync("SN");
        var taker = await f.NewMemberAsync("VN");
        var other = await f.NewMemberAsync("AR");
        await f.Organization.JoinAsync(giver, f.AfricanUnion);
        var (_, first) = await f.LicensedAsync(giver, taker, "VN");
        var (_, second) = await f.LicensedAsync(giver, other, "AR");
        var (_, back) = await f.LicensedAsync(taker, giver, "SN");
        await f.Exchange.Usage(taker).ReportUsageAsync(Aired(first.Id, country: "VN", time: DateTime.UtcNow));
        await f.Exchange.Licensing(other).RequestLicenceAsync(ExchangeFixture.Ask((await f.PublishAsync(giver, ExchangeFixture.NewOffer())).Id, ["AR"]));
        var period = new MediaMesh.Contracts.Common.V1.TimeInterval { StartTime = Timestamp.FromDateTime(start) };
        var usage = f.Exchange.Usage(OrganizationDependency.CoordinatorId, CallerRoles.Coordinator);

        var byOrg = (await usage.GetExchangeStatisticsAsync(new V1.GetExchangeStatisticsRequest { Grouping = V1.StatisticsGrouping.Organization, Period = period }))
            .Rows.ToDictionary(r => r.Key);
        Assert.Equal(3, byOrg[giver].Offered);
        Assert.Equal(2, byOrg[giver].LicensedOut);
        Assert.Equal(1, byOrg[giver].LicensedIn);
        Assert.Equal(1, byOrg[taker].Used);
        Assert.Equal(2, byOrg[other].Requested);

        var byRegion = (await usage.GetExchangeStatisticsAsync(new V1.GetExchangeStatisticsRequest { Grouping = V1.StatisticsGrouping.Region, Period = period })).Rows;
        // Exact figures: counting anything twice shows.
        Assert.Equal(1, Assert.Single(byRegion, r => r.Key == "REGION_ASIA_PACIFIC").LicensedIn);
        var byUnion = (await usage.GetExchangeStatisticsAsync(new V1.GetExchangeStatisticsRequest { Grouping = V1.StatisticsGrouping.Union, Period = period })).Rows;
        Assert.Equal(2, Assert.Single(byUnion, r => r.Key == f.AfricanUnion).LicensedOut);

        var flow = (await usage.GetFlowMatrixAsync(new V1.GetFlowMatrixRequest { Grouping = V1.StatisticsGrouping.Region, Period = period })).Cells;
        var africaToAsia = Assert.Single(flow, c => c.From == "REGION_AFRICA" && c.To == "REGION_ASIA_PACIFIC");
        Assert.Equal((1, 1), (africaToAsia.Licences, africaToAsia.Uses));
        var asiaToAfrica = Assert.Single(flow, c => c.From == "REGION_ASIA_PACIFIC" && c.To == "REGION_AFRICA");
        Assert.Equal((1, 0), (asiaToAfrica.Licences, asiaToAfrica.Uses));
        var africaToLatinAmerica = Assert.Single(flow, c => c.From == "REGION_AFRICA" && c.To == "REGION_LATIN_AMERICA_CARIBBEAN");
        Assert.Equal((1, 0), (africaToLatinAmerica.Licences, africaToLatinAmerica.Uses));

        var reciprocity = (await usage.GetReciprocityAsync(new V1.GetReciprocityRequest { OrganizationId = giver, Period = period })).Rows.Single();
        Assert.Equal(2, reciprocity.Given);
        Assert.Equal(1, reciprocity.Taken);
        Assert.Equal(2.0, reciprocity.Ratio);
        Assert.Equal(2, reciprocity.PartnersReached);
        Assert.Equal((giver, taker), (back.LicenseeId, back.LicensorId));
        Assert.Equal((other, giver), (second.LicenseeId, second.LicensorId));

        await GrpcAssert.Invalid(() => usage.GetExchangeStatisticsAsync(new V1.GetExchangeStatisticsRequest()), "grouping");
        await GrpcAssert.Invalid(() => usage.GetFlowMatrixAsync(new V1.GetFlowMatrixRequest { Grouping = V1.StatisticsGrouping.Organization }), "grouping");
    }

    /// <summary>
    /// Six members: three in Senegal each license an item to one of three in Viet Nam; two of the Vietnamese
    /// members (only) form a union. Returns the period that counts only these rows.
    /// </summary>
    private async Task<(string[] Givers, string[] Takers, string SmallUnion, CommonV1.TimeInterval Period)> SixMembersAsync()
    {
        var start = DateTime.UtcNow;
        var givers = new[] { await f.NewMemberAsync("SN"), await f.NewMemberAsync("SN"), await f.NewMemberAsync("SN") };
        var takers = new[] { await f.NewMemberAsync("VN"), await f.NewMemberAsync("VN"), await f.NewMemberAsync("VN") };
        var union = await f.Organization.CreateActiveAsync($"Union {Guid.NewGuid():N}", "TH", OrgV1.OrganizationKind.BroadcastingUnion);
        await f.Organization.JoinAsync(takers[0], union);
        await f.Organization.JoinAsync(takers[1], union);
        for (var i = 0; i < 3; i++)
        {
            await f.LicensedAsync(givers[i], takers[i], "VN");
        }

        return (givers, takers, union, Since(start));
    }

    /// <summary>From <paramref name="start"/> to now: only the rows the running test wrote (tests of the collection run one at a time).</summary>
    private static CommonV1.TimeInterval Since(DateTime start) => new() { StartTime = Timestamp.FromDateTime(start), EndTime = Timestamp.FromDateTime(DateTime.UtcNow.AddMilliseconds(1)) };

    private static V1.GetExchangeStatisticsRequest By(V1.StatisticsGrouping grouping, CommonV1.TimeInterval period) => new() { Grouping = grouping, Period = period };

    [Fact]
    public async Task A_member_sees_only_its_own_row_per_organisation_and_a_coordinator_sees_every_row()
    {
        var (givers, takers, _, period) = await SixMembersAsync();
        var member = f.Exchange.Usage(takers[0]);
        var coordinator = f.Exchange.Usage(OrganizationDependency.CoordinatorId, CallerRoles.Coordinator);

        var own = (await member.GetExchangeStatisticsAsync(By(V1.StatisticsGrouping.Organization, period))).Rows;
        var row = Assert.Single(own);
        Assert.Equal((takers[0], 1L, 1L, 0L), (row.Key, row.Requested, row.LicensedIn, row.Offered));
        var all = (await coordinator.GetExchangeStatisticsAsync(By(V1.StatisticsGrouping.Organization, period))).Rows.Select(r => r.Key).Order(StringComparer.Ordinal);
        Assert.Equal(givers.Concat(takers).Order(StringComparer.Ordinal), all);
    }

    [Fact]
    public async Task A_member_gets_its_own_reciprocity_and_is_refused_another_organisations()
    {
        var (givers, takers, _, period) = await SixMembersAsync();
        var member = f.Exchange.Usage(givers[0]);

        var own = Assert.Single((await member.GetReciprocityAsync(new V1.GetReciprocityRequest { Period = period })).Rows);
        Assert.Equal((givers[0], 1L, 0L, 1L), (own.OrganizationId, own.Given, own.Taken, own.PartnersReached));
        Assert.Single((await member.GetReciprocityAsync(new V1.GetReciprocityRequest { OrganizationId = givers[0], Period = period })).Rows);
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => member.GetReciprocityAsync(new V1.GetReciprocityRequest { OrganizationId = takers[0], Period = period }));

        var coordinator = f.Exchange.Usage(OrganizationDependency.CoordinatorId, CallerRoles.Coordinator);
        var other = Assert.Single((await coordinator.GetReciprocityAsync(new V1.GetReciprocityRequest { OrganizationId = takers[0], Period = period })).Rows);
        Assert.Equal((0L, 1L), (other.Given, other.Taken));
        var everyone = await coordinator.GetReciprocityAsync(new V1.GetReciprocityRequest { Period = period });
        Assert.Equal(givers.Concat(takers).Order(StringComparer.Ordinal), everyone.Rows.Select(r => r.OrganizationId));
    }

    [Fact]
    public async Task A_member_sees_regions_of_three_or_more_organisations_but_not_a_union_of_two()
    {
        var (_, takers, smallUnion, period) = await SixMembersAsync();
        var member = f.Exchange.Usage(takers[0]);
        var coordinator = f.Exchange.Usage(OrganizationDependency.CoordinatorId, CallerRoles.Coordinator);

        var regions = (await member.GetExchangeStatisticsAsync(By(V1.StatisticsGrouping.Region, period))).Rows.ToDictionary(r => r.Key);
        Assert.Equal(["REGION_AFRICA", "REGION_ASIA_PACIFIC"], regions.Keys.Order());
        Assert.Equal((3L, 3L), (regions["REGION_AFRICA"].Offered, regions["REGION_AFRICA"].LicensedOut));
        Assert.Equal((3L, 3L), (regions["REGION_ASIA_PACIFIC"].Requested, regions["REGION_ASIA_PACIFIC"].LicensedIn));
        var flow = Assert.Single((await member.GetFlowMatrixAsync(new V1.GetFlowMatrixRequest { Grouping = V1.StatisticsGrouping.Region, Period = period })).Cells);
        Assert.Equal(("REGION_AFRICA", "REGION_ASIA_PACIFIC", 3L), (flow.From, flow.To, flow.Licences));

        // The union of two: either member could subtract its own figures and read the other's.
        var unions = (await member.GetExchangeStatisticsAsync(By(V1.StatisticsGrouping.Union, period))).Rows;
        Assert.DoesNotContain(unions, r => r.Key == smallUnion);
        var seen = Assert.Single((await coordinator.GetExchangeStatisticsAsync(By(V1.StatisticsGrouping.Union, period))).Rows, r => r.Key == smallUnion);
        Assert.Equal((2L, 2L), (seen.Requested, seen.LicensedIn));
    }

    [Fact]
    public async Task A_small_flow_cell_is_withheld_from_members()
    {
        var start = DateTime.UtcNow;
        var giver = await f.NewMemberAsync("SN");
        var taker = await f.NewMemberAsync("BR");
        await f.LicensedAsync(giver, taker, "BR");
        var period = Since(start);

        Assert.Empty((await f.Exchange.Usage(giver).GetFlowMatrixAsync(new V1.GetFlowMatrixRequest { Grouping = V1.StatisticsGrouping.Region, Period = period })).Cells);
        var own = Assert.Single((await f.Exchange.Usage(giver).GetExchangeStatisticsAsync(By(V1.StatisticsGrouping.Region, period))).Rows);
        Assert.Equal(("REGION_AFRICA", 1L), (own.Key, own.LicensedOut));
        var cell = Assert.Single((await f.Exchange.Usage(OrganizationDependency.CoordinatorId, CallerRoles.Coordinator)
            .GetFlowMatrixAsync(new V1.GetFlowMatrixRequest { Grouping = V1.StatisticsGrouping.Region, Period = period })).Cells);
        Assert.Equal(("REGION_AFRICA", "REGION_LATIN_AMERICA_CARIBBEAN", 1L), (cell.From, cell.To, cell.Licences));
    }

    [Fact]
    public async Task A_report_sent_again_with_its_request_id_counts_once_and_the_key_cannot_name_another_use()
    {
        var (offer, licence) = await f.LicensedAsync(f.Kenya, f.Brazil, "BR");
        var usage = f.Exchange.Usage(f.Brazil);
        var aired = Aired(licence.Id);
        aired.RequestId = "tvbrasil-2026-12-01-1900";

        var first = (await usage.ReportUsageAsync(aired)).Report;
        var again = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => usage.ReportUsageAsync(aired).ResponseAsync));
        Assert.All(again, r => Assert.Equal(first.Id, r.Report.Id));
        var listed = await usage.ListUsageReportsAsync(new V1.ListUsageReportsRequest { OfferId = offer.Id });
        Assert.Equal(first.Id, Assert.Single(listed.Reports).Id);

        var other = Aired(licence.Id, use: V1.UsageKind.Online);
        other.RequestId = aired.RequestId;
        var reused = await GrpcAssert.Refused(StatusCode.AlreadyExists, () => usage.ReportUsageAsync(other));
        Assert.Contains("request_id", reused.Status.Detail, StringComparison.Ordinal);
        Assert.Single((await usage.ListUsageReportsAsync(new V1.ListUsageReportsRequest { OfferId = offer.Id })).Reports);
    }
}
