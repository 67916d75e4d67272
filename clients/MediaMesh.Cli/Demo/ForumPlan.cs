using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Cli.Demo;

internal sealed record InitiativePlan(string Key, string Title, MediaMesh.Contracts.Initiative.V1.InitiativeKind Kind, bool Activate,
    Dictionary<string, string> Charter, Region[] TargetRegions, ActivityPlan[] Activities, HashSet<string> Signatories);

internal sealed record ActivityPlan(string Title, MediaMesh.Contracts.Initiative.V1.ActivityKind Kind, string Country, string City, int StartDay, int Days, string[] Partners);

internal sealed record RightsPlan(string[] AllowedCountries, Region[] AllowedRegions, string[] DeniedCountries, UsageKind[] Uses, bool Exclusive,
    ApprovalMode Approval, Region[] AutoRegions)
{
    public bool Allows(DemoOrganization requester) =>
        !DeniedCountries.Contains(requester.Country)
        && ((AllowedCountries.Length == 0 && AllowedRegions.Length == 0) || AllowedCountries.Contains(requester.Country) || AllowedRegions.Contains(requester.Region));
}

internal sealed record OfferPlan(int Index, DemoOrganization Owner, OfferType Type, string Slug, LocalizedText[] Headlines, string Summary, string Language,
    string Subject, string Genre, string City, DateTime FirstCreated, TimeSpan Duration, RightsPlan Rights, string[] InitiativeKeys,
    bool Correct, bool Withdraw, bool Kill, bool WithProxy)
{
    public string Uri => $"urn:mediamesh:demo:offer:{Index:D4}";
}

internal sealed record RequestPlan(int OfferIndex, DemoOrganization Requester, UsageKind[] Uses, DateTime Start, DateTime End, Decision Decision, int Uses_Reported);

internal enum Decision
{
    Approve,
    Decline,
    LeavePending,
}

/// <summary>
/// The whole demo, planned from one seeded random generator before any call is made: the same
/// plan on every run and every machine, so the seeder can compare it with what exists and only add
/// what is missing.
/// </summary>
internal sealed class ForumPlan
{
    public const int Seed = 20240611;
    public const int OfferCount = 300;
    public const int RequestAttempts = 260;

    /// <summary>All dates hang from this day, so the data is the same whenever it is seeded.</summary>
    public static readonly DateTime Anchor = new(2026, 1, 12, 9, 0, 0, DateTimeKind.Utc);

    public IReadOnlyList<DemoOrganization> Organizations { get; }

    public IReadOnlyList<DemoOrganization> Members { get; }

    public IReadOnlyList<InitiativePlan> Initiatives { get; }

    public IReadOnlyList<OfferPlan> Offers { get; }

    public IReadOnlyList<RequestPlan> Requests { get; }

    public ForumPlan()
    {
        var random = new Random(Seed);
        Members = ForumCatalog.Members();
        Organizations = [.. ForumCatalog.CoProposers, .. Members];
        var coProposerNames = ForumCatalog.CoProposers.Select(c => c.Name).ToArray();

        var joint = new HashSet<string>(coProposerNames, StringComparer.Ordinal);
        foreach (var m in Members.Where(_ => random.NextDouble() < 0.86))
        {
            joint.Add(m.Name);
        }

        HashSet<string> Some(Func<DemoOrganization, bool> certain, double share) =>
            new(coProposerNames.Concat(Members.Where(m => joint.Contains(m.Name) && (certain(m) || random.NextDouble() < share)).Select(m => m.Name)), StringComparer.Ordinal);

        var ports = new HashSet<string>(["Quanzhou", "Mombasa", "Sfax", "Piraeus", "Valparaíso", "Guayaquil", "Dar es Salaam", "Lisbon", "Muscat", "Kuwait City", "Colombo", "Manila"], StringComparer.Ordinal);
        string[] Partners(params string[] countries) => Members.Where(m => countries.Contains(m.Country)).Select(m => m.Name).Take(3).ToArray();
        Initiatives =
        [
            new("joint", "Joint Initiative for Media Dialogue and Cooperation of the Global South (demo)", MediaMesh.Contracts.Initiative.V1.InitiativeKind.JointInitiative, false,
                new()
                {
                    ["en"] = "We, broadcasters, news agencies and broadcasting unions of the Global South, commit to exchange news, documentaries and dramas on a reciprocal basis, to amplify each other's voices, to learn from one another and to screen and co-produce together.",
                    ["zh"] = "我们，全球南方的广播机构、通讯社和广播联盟，承诺在互惠基础上交换新闻、纪录片和电视剧，放大彼此的声音，相互学习，共同放映和合拍。",
                    ["ar"] = "نحن، هيئات البث ووكالات الأنباء واتحادات الإذاعة في بلدان الجنوب، نلتزم بتبادل الأخبار والأفلام الوثائقية والدراما على أساس المعاملة بالمثل.",
                    ["es"] = "Nosotros, radiodifusores, agencias de noticias y uniones de radiodifusión del Sur Global, nos comprometemos a intercambiar noticias, documentales y dramas de forma recíproca.",
                    ["fr"] = "Nous, radiodiffuseurs, agences de presse et unions de radiodiffusion du Sud global, nous engageons à échanger informations, documentaires et fictions sur une base réciproque.",
                },
                [Region.AsiaPacific, Region.ArabStates, Region.Africa, Region.LatinAmericaCaribbean, Region.CentralAsia], [], joint),
            new("screening", "Global South Film and TV Screening Programme (demo)", MediaMesh.Contracts.Initiative.V1.InitiativeKind.ScreeningProgramme, true,
                new() { ["en"] = "Members screen each other's documentaries and dramas in Central Asia, Europe and the Americas, then pick titles for their schedules." },
                [Region.CentralAsia, Region.Europe, Region.LatinAmericaCaribbean, Region.NorthAmerica],
                [
                    new("Screening week: documentaries of the Silk Road", MediaMesh.Contracts.Initiative.V1.ActivityKind.Screening, "KZ", "Almaty", 60, 5, Partners("KZ")),
                    new("Screening: dramas of the Global South", MediaMesh.Contracts.Initiative.V1.ActivityKind.Screening, "UZ", "Tashkent", 95, 3, Partners("UZ")),
                    new("Screening and buyers' session", MediaMesh.Contracts.Initiative.V1.ActivityKind.Screening, "RS", "Belgrade", 130, 4, Partners("RS", "HU")),
                    new("Documentary market screening", MediaMesh.Contracts.Initiative.V1.ActivityKind.Screening, "PT", "Lisbon", 160, 3, Partners("PT")),
                    new("Screening: stories from Africa and Asia", MediaMesh.Contracts.Initiative.V1.ActivityKind.Screening, "BR", "São Paulo", 200, 5, Partners("BR")),
                    new("Screening and co-production forum", MediaMesh.Contracts.Initiative.V1.ActivityKind.ForumSession, "MX", "Mexico City", 240, 2, Partners("MX", "CU")),
                ],
                Some(m => m.Region is Region.CentralAsia or Region.Europe or Region.LatinAmericaCaribbean, 0.25)),
            new("campaign", "Voices of the Global South: reporters and influencers campaign (demo)", MediaMesh.Contracts.Initiative.V1.InitiativeKind.Campaign, true,
                new() { ["en"] = "Reporters and social-media influencers from member organisations tell each other's stories, with shared workshops and a common hashtag." },
                [Region.AsiaPacific, Region.ArabStates, Region.Africa, Region.LatinAmericaCaribbean],
                [
                    new("Workshop for reporters and influencers", MediaMesh.Contracts.Initiative.V1.ActivityKind.Workshop, "KE", "Nairobi", 80, 3, Partners("KE", "TZ")),
                    new("Influencers' exchange forum", MediaMesh.Contracts.Initiative.V1.ActivityKind.ForumSession, "EG", "Cairo", 150, 2, Partners("EG")),
                    new("Mobile journalism workshop", MediaMesh.Contracts.Initiative.V1.ActivityKind.Workshop, "ID", "Jakarta", 210, 3, Partners("ID")),
                ],
                Some(_ => false, 0.3)),
            new("maritime", "Maritime Silk Road Season: Quanzhou, port of the world (demo)", MediaMesh.Contracts.Initiative.V1.InitiativeKind.CommunicationSeason, true,
                new()
                {
                    ["en"] = "A communication season on the maritime history of Quanzhou, the medieval port of the Maritime Silk Road, and of the port cities it traded with.",
                    ["zh"] = "以海上丝绸之路起点泉州及其贸易港口城市的海洋历史为主题的传播季。",
                },
                [Region.AsiaPacific, Region.ArabStates, Region.Africa],
                [
                    new("Season opening broadcast from Quanzhou harbour", MediaMesh.Contracts.Initiative.V1.ActivityKind.Broadcast, "CN", "Quanzhou", 100, 1, Partners("CN")),
                    new("Port cities forum", MediaMesh.Contracts.Initiative.V1.ActivityKind.ForumSession, "KE", "Mombasa", 170, 2, Partners("KE")),
                    new("Dhow and junk: a joint broadcast", MediaMesh.Contracts.Initiative.V1.ActivityKind.Broadcast, "OM", "Muscat", 220, 1, Partners("OM")),
                ],
                Some(m => ports.Contains(m.City), 0.15)),
        ];

        Offers = PlanOffers(random, ports);
        Requests = PlanRequests(random);
    }

    private List<OfferPlan> PlanOffers(Random random, HashSet<string> ports)
    {
        // Some members contribute much more than others, as in every real exchange.
        var weights = Organizations.Select(o => o.Kind == MediaMesh.Contracts.Organization.V1.OrganizationKind.BroadcastingUnion ? 0.3
            : o.Kind == MediaMesh.Contracts.Organization.V1.OrganizationKind.NewsAgency ? 3.0 : 0.5 + (random.NextDouble() * 2)).ToArray();
        var total = weights.Sum();
        DemoOrganization PickOwner()
        {
            var x = random.NextDouble() * total;
            for (var i = 0; i < weights.Length; i++)
            {
                x -= weights[i];
                if (x <= 0)
                {
                    return Organizations[i];
                }
            }

            return Organizations[^1];
        }

        var plans = new List<OfferPlan>();
        for (var i = 1; i <= OfferCount; i++)
        {
            var owner = PickOwner();
            var roll = random.NextDouble();
            var type = roll < 0.6 ? OfferType.NewsVideo : roll < 0.75 ? OfferType.Documentary : roll < 0.85 ? OfferType.Drama : roll < 0.95 ? OfferType.Promo : OfferType.Feature;
            var story = ForumCatalog.Stories[random.Next(ForumCatalog.Stories.Length)];
            var language = ForumCatalog.HeadlineLanguage(owner.Language);
            var city = owner.City;
            var headline = type switch
            {
                OfferType.Documentary => ForumCatalog.DocumentaryTitles[random.Next(ForumCatalog.DocumentaryTitles.Length)],
                OfferType.Drama => ForumCatalog.DramaTitles[random.Next(ForumCatalog.DramaTitles.Length)] + $" (episode {random.Next(1, 13)})",
                OfferType.Promo => $"Promo: {owner.ShortName} season highlights",
                _ => $"{city}: {story.Phrases[language]}",
            };
            var headlines = new List<LocalizedText> { new() { Language = type == OfferType.NewsVideo || type == OfferType.Feature ? language : "en", Text = headline, Original = true } };
            if (headlines[0].Language != "en")
            {
                headlines.Add(new LocalizedText { Language = "en", Text = $"{city}: {story.Phrases["en"]}", Original = false });
            }

            var slug = $"{i:D4}-{story.Slug}-{Ascii(city)}";
            slug = slug.Length > 49 ? slug[..49] : slug;
            var rights = type switch
            {
                OfferType.NewsVideo or OfferType.Feature => new RightsPlan([], [], [], [UsageKind.Broadcast, UsageKind.Online, UsageKind.Social], false,
                    random.NextDouble() < 0.55 ? ApprovalMode.Auto : ApprovalMode.Manual, random.NextDouble() < 0.3 ? [owner.Region] : []),
                OfferType.Promo => new RightsPlan([], [], [], [UsageKind.Broadcast, UsageKind.Online, UsageKind.Social], false, ApprovalMode.Auto, []),
                OfferType.Documentary => new RightsPlan([], Regions(random, owner.Region, 3), [], [UsageKind.Broadcast, UsageKind.Online], random.NextDouble() < 0.2, ApprovalMode.Manual, []),
                _ => new RightsPlan([], Regions(random, owner.Region, 2), [], [UsageKind.Broadcast], random.NextDouble() < 0.35, ApprovalMode.Manual, []),
            };
            var initiatives = new List<string>();
            foreach (var initiative in Initiatives)
            {
                var fits = initiative.Key switch
                {
                    "joint" => random.NextDouble() < 0.35,
                    "screening" => type is OfferType.Documentary or OfferType.Drama,
                    "campaign" => type == OfferType.NewsVideo && random.NextDouble() < 0.15,
                    "maritime" => ports.Contains(city) || story.Slug is "HARBOUR" or "SPICE",
                    _ => false,
                };
                if (fits && initiative.Signatories.Contains(owner.Name))
                {
                    initiatives.Add(initiative.Key);
                }
            }

            var duration = type switch
            {
                OfferType.NewsVideo => TimeSpan.FromSeconds(random.Next(60, 240)),
                OfferType.Promo => TimeSpan.FromSeconds(random.Next(20, 60)),
                OfferType.Documentary => TimeSpan.FromMinutes(random.Next(26, 90)),
                _ => TimeSpan.FromMinutes(random.Next(40, 55)),
            };
            var lifecycle = random.NextDouble();
            plans.Add(new OfferPlan(i, owner, type, slug, [.. headlines],
                type == OfferType.NewsVideo ? $"{story.Phrases["en"]}. Shotlist and dopesheet attached; natural sound, interviews in {owner.Language}." : $"{headline}: a {Parse.Name(type)} by {owner.Name}.",
                owner.Language, story.Topic, type switch { OfferType.Documentary => "documentary", OfferType.Drama => "drama series", OfferType.Promo => "promo", _ => "news" },
                city, Anchor.AddHours(i * 19), duration, rights, [.. initiatives],
                Correct: lifecycle < 0.05, Withdraw: lifecycle is >= 0.05 and < 0.065, Kill: lifecycle is >= 0.065 and < 0.075, WithProxy: i % 25 == 1));
        }

        return plans;
    }

    private List<RequestPlan> PlanRequests(Random random)
    {
        var plans = new List<RequestPlan>();
        var taken = new HashSet<(int, string)>();
        var exclusiveTaken = new HashSet<int>();
        for (var n = 0; n < RequestAttempts; n++)
        {
            var offer = Offers[random.Next(Offers.Count)];
            var requester = Members[random.Next(Members.Count)];
            if (requester.Name == offer.Owner.Name || !offer.Rights.Allows(requester) || !taken.Add((offer.Index, requester.Name))
                || (offer.Rights.Exclusive && !exclusiveTaken.Add(offer.Index)))
            {
                continue;
            }

            var uses = offer.Rights.Uses.Where(_ => random.NextDouble() < 0.7).DefaultIfEmpty(offer.Rights.Uses[0]).ToArray();
            var start = offer.FirstCreated.AddDays(random.Next(1, 10));
            var end = start.AddDays(random.Next(60, 300));
            var decisionRoll = random.NextDouble();
            var decision = decisionRoll < 0.78 ? Decision.Approve : decisionRoll < 0.9 ? Decision.Decline : Decision.LeavePending;
            plans.Add(new RequestPlan(offer.Index, requester, uses, start, end, decision, random.Next(0, 4)));
        }

        return plans;
    }

    private static Region[] Regions(Random random, Region home, int count)
    {
        Region[] all = [Region.Africa, Region.ArabStates, Region.AsiaPacific, Region.CentralAsia, Region.Europe, Region.LatinAmericaCaribbean, Region.NorthAmerica];
        return [home, .. all.Where(r => r != home).OrderBy(_ => random.Next()).Take(count - 1)];
    }

    private static string Ascii(string city) => new(city.Normalize(System.Text.NormalizationForm.FormD)
        .Where(c => char.IsAsciiLetter(c)).Select(char.ToUpperInvariant).ToArray());
}
