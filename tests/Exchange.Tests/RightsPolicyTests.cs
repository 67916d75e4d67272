using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;

namespace MediaMesh.Exchange.Tests;

/// <summary>The enforced rights as plain functions: a table of requests and downloads with their verdicts.</summary>
public sealed class RightsPolicyTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly MemberProfile KenyanInUnion = new("org_kbc", "KE", WorldRegion.Africa, ["org_aub"]);
    private static readonly MemberProfile Indian = new("org_pb", "IN", WorldRegion.AsiaPacific, []);
    private const string Owner = "org_owner";

    public sealed record RequestCase(
        string Name, OfferRights Rights, LicenceAsk Ask, RightsOutcome Expected, string Subject = "",
        OfferState State = OfferState.Offered, DateTime? Expires = null, MemberProfile? Requester = null, LicenceHold[]? Others = null)
    {
        public override string ToString() => Name;
    }

    private static OfferRights Worldwide(params UsageKind[] uses) => new() { PermittedUses = uses.Length == 0 ? [UsageKind.Broadcast, UsageKind.Online] : uses };

    private static LicenceAsk Ask(string countries, UsageKind use = UsageKind.Broadcast, int startDays = 0, int? endDays = 30) =>
        new([use], countries.Split(' '), Now.AddDays(startDays), endDays is { } d ? Now.AddDays(d) : null);

    private static LicenceHold Other(string countries, int startDays, int? endDays, bool active = true, string licensee = "org_other") =>
        new(licensee, countries.Split(' '), Now.AddDays(startDays), endDays is { } d ? Now.AddDays(d) : null, active);

    public static TheoryData<RequestCase> RequestCases() =>
    [
        new RequestCase("worldwide rights, manual approval", Worldwide(), Ask("KE"), RightsOutcome.Pending),
        new RequestCase("country not in the allowed list", Worldwide() with { AllowedCountries = ["KE", "UG"] }, Ask("TZ"), RightsOutcome.Refused, "TERRITORIES"),
        new RequestCase("country in the allowed list", Worldwide() with { AllowedCountries = ["KE", "UG"] }, Ask("UG KE"), RightsOutcome.Pending),
        new RequestCase("country inside an allowed region", Worldwide() with { AllowedRegions = [WorldRegion.Africa] }, Ask("GH"), RightsOutcome.Pending),
        new RequestCase("country outside the allowed region", Worldwide() with { AllowedRegions = [WorldRegion.Africa] }, Ask("EG"), RightsOutcome.Refused, "TERRITORIES"),
        new RequestCase("one of several countries outside", Worldwide() with { AllowedRegions = [WorldRegion.Africa] }, Ask("GH EG"), RightsOutcome.Refused, "TERRITORIES"),
        new RequestCase("denied country wins over allowed region", Worldwide() with { AllowedRegions = [WorldRegion.Africa], DeniedCountries = ["NG"] }, Ask("NG"), RightsOutcome.Refused, "TERRITORIES"),
        new RequestCase("denied region", Worldwide() with { DeniedRegions = [WorldRegion.Europe] }, Ask("FR"), RightsOutcome.Refused, "TERRITORIES"),
        new RequestCase("outside the denied region", Worldwide() with { DeniedRegions = [WorldRegion.Europe] }, Ask("BR"), RightsOutcome.Pending),
        new RequestCase("use not permitted", Worldwide(UsageKind.Broadcast), Ask("KE", UsageKind.Social), RightsOutcome.Refused, "USES"),
        new RequestCase("period starts before the window", Worldwide() with { WindowStart = Now.AddDays(1), WindowEnd = Now.AddDays(10) }, Ask("KE", startDays: 0, endDays: 5), RightsOutcome.Refused, "WINDOW"),
        new RequestCase("period ends after the window", Worldwide() with { WindowEnd = Now.AddDays(10) }, Ask("KE", startDays: 2, endDays: 11), RightsOutcome.Refused, "WINDOW"),
        new RequestCase("open period in a closed window", Worldwide() with { WindowEnd = Now.AddDays(10) }, Ask("KE", endDays: null), RightsOutcome.Refused, "WINDOW"),
        new RequestCase("period inside the window", Worldwide() with { WindowStart = Now.AddDays(1), WindowEnd = Now.AddDays(10) }, Ask("KE", startDays: 2, endDays: 5), RightsOutcome.Pending),
        new RequestCase("offer expired", Worldwide(), Ask("KE"), RightsOutcome.Refused, "EXPIRED", Expires: Now.AddHours(-1)),
        new RequestCase("period runs past expiry", Worldwide(), Ask("KE", endDays: 30), RightsOutcome.Refused, "EXPIRY", Expires: Now.AddDays(7)),
        new RequestCase("period ends before expiry", Worldwide(), Ask("KE", endDays: 5), RightsOutcome.Pending, Expires: Now.AddDays(7)),
        new RequestCase("killed offer", Worldwide(), Ask("KE"), RightsOutcome.Refused, "STATE", State: OfferState.Killed),
        new RequestCase("withdrawn offer", Worldwide(), Ask("KE"), RightsOutcome.Refused, "STATE", State: OfferState.Withdrawn),
        new RequestCase("draft offer", Worldwide(), Ask("KE"), RightsOutcome.Refused, "STATE", State: OfferState.Draft),
        new RequestCase("corrected offer", Worldwide(), Ask("KE"), RightsOutcome.Pending, State: OfferState.Corrected),
        new RequestCase("owner asks for its own item", Worldwide(), Ask("KE"), RightsOutcome.Refused, "OWNER", Requester: KenyanInUnion with { Id = Owner }),
        new RequestCase("exclusive: country taken for an overlapping period", Worldwide() with { Exclusive = true }, Ask("KE", startDays: 0, endDays: 30), RightsOutcome.Refused, "EXCLUSIVITY", Others: [Other("KE", 10, 40)]),
        new RequestCase("exclusive: open-ended licence overlaps", Worldwide() with { Exclusive = true }, Ask("KE", startDays: 100, endDays: 130), RightsOutcome.Refused, "EXCLUSIVITY", Others: [Other("KE", 0, null)]),
        new RequestCase("exclusive: periods only touch", Worldwide() with { Exclusive = true }, Ask("KE", startDays: 30, endDays: 60), RightsOutcome.Pending, Others: [Other("KE", 0, 30)]),
        new RequestCase("exclusive: another country", Worldwide() with { Exclusive = true }, Ask("KE"), RightsOutcome.Pending, Others: [Other("UG", 0, null)]),
        new RequestCase("exclusive: the other licence was killed", Worldwide() with { Exclusive = true }, Ask("KE"), RightsOutcome.Pending, Others: [Other("KE", 0, null, active: false)]),
        new RequestCase("exclusive: the requester's own licence", Worldwide() with { Exclusive = true }, Ask("KE"), RightsOutcome.Pending, Others: [Other("KE", 0, null, licensee: "org_kbc")]),
        new RequestCase("not exclusive: overlap allowed", Worldwide(), Ask("KE"), RightsOutcome.Pending, Others: [Other("KE", 0, null)]),
        new RequestCase("auto-approve for anyone", Worldwide() with { Approval = ApprovalMode.Auto }, Ask("KE"), RightsOutcome.AutoApproved),
        new RequestCase("auto-approve for the requester's region", Worldwide() with { Approval = ApprovalMode.Auto, AutoApproveRegions = [WorldRegion.Africa] }, Ask("KE"), RightsOutcome.AutoApproved),
        new RequestCase("auto-approve for another region only", Worldwide() with { Approval = ApprovalMode.Auto, AutoApproveRegions = [WorldRegion.Africa] }, Ask("IN"), RightsOutcome.Pending, Requester: Indian),
        new RequestCase("auto-approve for the requester's union", Worldwide() with { Approval = ApprovalMode.Auto, AutoApproveUnionIds = ["org_aub"] }, Ask("KE"), RightsOutcome.AutoApproved),
        new RequestCase("auto-approve for a union the requester is not in", Worldwide() with { Approval = ApprovalMode.Auto, AutoApproveUnionIds = ["org_aub"] }, Ask("IN"), RightsOutcome.Pending, Requester: Indian),
        new RequestCase("auto-approve never bypasses the rights", Worldwide() with { Approval = ApprovalMode.Auto, DeniedCountries = ["KE"] }, Ask("KE"), RightsOutcome.Refused, "TERRITORIES"),
    ];

    [Theory]
    [MemberData(nameof(RequestCases))]
    public void Requests_are_decided_by_the_rights(RequestCase c)
    {
        var offer = new OfferTerms(Owner, c.State, c.Rights, null, c.Expires);

        var decision = RightsPolicy.Decide(offer, c.Ask, c.Requester ?? KenyanInUnion, c.Others ?? [], Now);

        Assert.Equal(c.Expected, decision.Outcome);
        Assert.Equal(c.Subject, decision.Subject);
        if (c.Expected == RightsOutcome.Refused)
        {
            Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
        }
    }

    public sealed record DownloadCase(
        string Name, DownloadRefusal Expected, bool Owner = false, OfferState State = OfferState.Offered,
        int? EmbargoHours = null, int? ExpiresHours = null, LicenceHold[]? Licences = null)
    {
        public override string ToString() => Name;
    }

    private static LicenceHold Mine(int startDays = -1, int? endDays = 30, bool active = true) => Other("KE", startDays, endDays, active, "org_kbc");

    public static TheoryData<DownloadCase> DownloadCases() =>
    [
        new DownloadCase("licensee, nothing in the way", DownloadRefusal.None, Licences: [Mine()]),
        new DownloadCase("no licence", DownloadRefusal.NoLicence),
        new DownloadCase("only a killed licence", DownloadRefusal.NoLicence, Licences: [Mine(active: false)]),
        new DownloadCase("before the embargo ends", DownloadRefusal.Embargoed, EmbargoHours: 2, Licences: [Mine()]),
        new DownloadCase("after the embargo ended", DownloadRefusal.None, EmbargoHours: -2, Licences: [Mine()]),
        new DownloadCase("after expiry", DownloadRefusal.Expired, ExpiresHours: -1, Licences: [Mine()]),
        new DownloadCase("before expiry", DownloadRefusal.None, ExpiresHours: 1, Licences: [Mine()]),
        new DownloadCase("killed item, licensee", DownloadRefusal.Killed, State: OfferState.Killed, Licences: [Mine()]),
        new DownloadCase("killed item, owner", DownloadRefusal.Killed, Owner: true, State: OfferState.Killed),
        new DownloadCase("licence period not started", DownloadRefusal.LicenceNotInForce, Licences: [Mine(startDays: 3)]),
        new DownloadCase("licence period over", DownloadRefusal.LicenceNotInForce, Licences: [Mine(startDays: -30, endDays: -1)]),
        new DownloadCase("withdrawn item, existing licence", DownloadRefusal.None, State: OfferState.Withdrawn, Licences: [Mine()]),
        new DownloadCase("owner under embargo", DownloadRefusal.None, Owner: true, EmbargoHours: 5),
    ];

    [Theory]
    [MemberData(nameof(DownloadCases))]
    public void Downloads_are_checked_at_the_moment_of_download(DownloadCase c)
    {
        var offer = new OfferTerms(Owner, c.State, Worldwide(), c.EmbargoHours is { } e ? Now.AddHours(e) : null, c.ExpiresHours is { } x ? Now.AddHours(x) : null);

        var decision = RightsPolicy.CheckDownload(offer, c.Owner, c.Licences ?? [], Now);

        Assert.Equal(c.Expected, decision.Refusal);
        Assert.Equal(c.Expected == DownloadRefusal.None, decision.IsAllowed);
    }

    [Theory]
    [InlineData(0, 10, 5, 15, true)]
    [InlineData(0, 10, 10, 20, false)]
    [InlineData(10, 20, 0, 10, false)]
    [InlineData(0, null, 100, 200, true)]
    [InlineData(50, 60, 0, null, true)]
    public void Half_open_periods_overlap_only_when_they_share_an_instant(int aStart, int? aEnd, int bStart, int? bEnd, bool expected) =>
        Assert.Equal(expected, RightsPolicy.Overlaps(Now.AddDays(aStart), aEnd is { } a ? Now.AddDays(a) : null, Now.AddDays(bStart), bEnd is { } b ? Now.AddDays(b) : null));

    [Theory]
    [InlineData("IN", false, false, false, false)] // an Indian member: India is denied
    [InlineData("KE", false, false, false, true)] // a Kenyan member: permitted
    [InlineData(null, true, false, false, true)] // a coordinator sees everything
    [InlineData("IN", false, true, false, true)] // the owner sees its own item wherever it is
    [InlineData("IN", false, false, true, true)] // a licensee sees kills and corrections of what it holds
    public void The_feed_reaches_owners_coordinators_licensees_and_members_where_the_item_may_be_used(
        string? country, bool coordinator, bool owner, bool licensee, bool reaches)
    {
        var offer = new OfferSnapshot
        {
            Id = "off_1",
            OwnerId = "org_owner",
            Content = new OfferContent { Rights = Worldwide() with { DeniedCountries = ["IN"] } },
        };
        var subscriber = new FeedAudience(owner ? "org_owner" : "org_subscriber", country, coordinator);

        Assert.Equal(reaches, RightsPolicy.FeedReaches(offer, subscriber, licensee));
    }
}
