using System.Data.Common;
using System.Globalization;
using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;
using MediaMesh.Exchange.Persistence;

namespace MediaMesh.Catalogue.Bench;

/// <summary>Counts of what was seeded, for the report.</summary>
internal sealed record SeedCounts(int Offers, long Tags, int Renditions, int Requests, int Licences, int Versions, TimeSpan Elapsed)
{
    public bool Reused { get; init; }
}

/// <summary>
/// Builds offers through the domain (Offer.Create / Publish / Correct / Withdraw / Kill, requests
/// approved into licences, renditions declared and verified), so every denormalised column and
/// tag row is what the service itself would have written, then bulk-inserts them in batches.
/// </summary>
internal sealed class CatalogueSeeder(ExchangeDbContext db, DbConnection connection, Members members, Random random, DateTime now)
{
    private const int BatchSize = 2_000;
    private static readonly TimeSpan History = TimeSpan.FromDays(3 * 365);

    private int _renditions;
    private int _requests;
    private int _licences;
    private int _versions;
    private long _tags;

    public SeedCounts Seed(int offerCount, Action<int> progress)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var done = 0; done < offerCount; done += BatchSize)
        {
            using var transaction = connection.BeginTransaction();
            using var batch = new RowBatch(connection, transaction);
            using var offers = new BulkInserter<Offer>(db, batch);
            using var tags = new BulkInserter<OfferTag>(db, batch);
            using var versions = new BulkInserter<OfferVersion>(db, batch);
            using var renditions = new BulkInserter<Rendition>(db, batch);
            using var requests = new BulkInserter<ContentRequest>(db, batch);
            using var licences = new BulkInserter<Licence>(db, batch);
            for (var i = done; i < Math.Min(offerCount, done + BatchSize); i++)
            {
                var (offer, pastVersion) = NewOffer();
                offers.Insert(offer);
                foreach (var tag in offer.Tags)
                {
                    tags.Insert(tag);
                    _tags++;
                }

                if (pastVersion is not null)
                {
                    versions.Insert(pastVersion);
                    _versions++;
                }

                if (offer.State == OfferState.Draft)
                {
                    continue;
                }

                foreach (var rendition in RenditionsOf(offer))
                {
                    renditions.Insert(rendition);
                    _renditions++;
                }

                foreach (var (request, licence) in RequestsFor(offer))
                {
                    requests.Insert(request);
                    _requests++;
                    if (licence is not null)
                    {
                        licences.Insert(licence);
                        _licences++;
                    }
                }
            }

            batch.Flush();
            transaction.Commit();
            progress(Math.Min(offerCount, done + BatchSize));
        }

        return new SeedCounts(offerCount, _tags, _renditions, _requests, _licences, _versions, started.Elapsed);
    }

    private (Offer Offer, OfferVersion? PastVersion) NewOffer()
    {
        var owner = members.Publishers.Pick(random);
        // Skewed to recent: the exchange grows, so more items were offered lately.
        var created = Clamp(now - (History * Math.Pow(random.NextDouble(), 1.6)) - TimeSpan.FromMinutes(5));
        var offer = Offer.Create(Ids.NewOfferId(), owner, NewContent(owner, created), created);
        var roll = random.NextDouble();
        if (roll < 0.08)
        {
            return (offer, null);
        }

        var published = Clamp(created + TimeSpan.FromMinutes(random.Next(1, 180)));
        offer.Publish(owner, published);
        OfferVersion? past = null;
        if (roll < 0.20)
        {
            past = new OfferVersion(offer.Snapshot());
            var corrected = offer.Content with { Slugline = offer.Content.Slugline + " (corrected)" };
            offer.Correct(corrected, "Corrected a name in the shotlist", owner, Later(published, TimeSpan.FromDays(10)));
        }
        else if (roll < 0.28)
        {
            offer.Withdraw(Vocabulary.WithdrawReasons[random.Next(Vocabulary.WithdrawReasons.Length)], Later(published, TimeSpan.FromDays(60)));
        }
        else if (roll < 0.30)
        {
            offer.Kill(Vocabulary.KillReasons[random.Next(Vocabulary.KillReasons.Length)], Later(published, TimeSpan.FromDays(3)));
        }

        return (offer, past);
    }

    private OfferContent NewContent(MemberProfile owner, DateTime created)
    {
        var type = Vocabulary.Types.Pick(random);
        var topSubject = Vocabulary.TopSubjects.Pick(random);
        var subjects = new List<string> { topSubject };
        subjects.AddRange(Vocabulary.DetailSubjects.PickDistinct(random, random.Next(0, 3)));
        if (random.NextDouble() < 0.25)
        {
            subjects.Add(Vocabulary.TopSubjects.Pick(random));
        }

        var languages = Vocabulary.LanguagesByRegion[owner.Region];
        var audio = languages.PickDistinct(random, random.NextDouble() < 0.15 ? 2 : 1);
        var subtitles = random.NextDouble() < 0.4 ? Vocabulary.SubtitleLanguages.PickDistinct(random, random.Next(1, 3)) : [];
        var city = Members.Cities[owner.Region][random.Next(Members.Cities[owner.Region].Length)];
        var words = Vocabulary.SubjectWords[topSubject];
        var word = words[random.Next(words.Length)];
        var other = words[random.Next(words.Length)];
        var headline = $"{char.ToUpperInvariant(word[0])}{word[1..]} {Vocabulary.Verbs[random.Next(Vocabulary.Verbs.Length)]} " +
            $"{Vocabulary.Fillers[random.Next(Vocabulary.Fillers.Length)]} in {city}";
        var rare = random.NextDouble() < 0.002 ? " " + Vocabulary.RareWords[random.Next(Vocabulary.RareWords.Length)] : string.Empty;
        var summary = $"{city}: {Vocabulary.Fillers[random.Next(Vocabulary.Fillers.Length)]} speak about the {word} and the {other}{rare}. " +
            $"Pictures of the {other} with interviews; {words[random.Next(words.Length)]} and {words[random.Next(words.Length)]} in context. " +
            $"Produced by the newsroom for exchange partners in {owner.CountryCode}.";
        var headlines = new List<LocalizedText> { new(audio[0], headline, true) };
        if (random.NextDouble() < 0.2)
        {
            headlines.Add(new LocalizedText("en", headline + " (English)", false));
        }

        var isNews = type is OfferType.NewsVideo or OfferType.Audio;
        return new OfferContent
        {
            Type = type,
            Headlines = headlines,
            Descriptions = [new DescriptionText(audio[0], DescriptionRole.Summary, summary)],
            Slugline = $"{owner.CountryCode}-{word.ToUpperInvariant()}-{created:yyyyMMdd}",
            AudioLanguages = audio,
            SubtitleLanguages = subtitles.Except(audio).ToArray(),
            Subjects = subjects.Distinct().ToArray(),
            Genres = Vocabulary.Genres.PickDistinct(random, random.Next(1, 3)),
            LocatedCountry = owner.CountryCode,
            LocatedCity = city,
            FirstCreateTime = isNews || random.NextDouble() < 0.5 ? created - TimeSpan.FromHours(random.Next(0, isNews ? 12 : 24 * 200)) : null,
            EmbargoEndTime = random.NextDouble() < 0.08
                ? (random.NextDouble() < 0.4 ? now + TimeSpan.FromHours(random.Next(1, 24 * 14)) : created + TimeSpan.FromHours(random.Next(1, 24 * 7)))
                : null,
            ExpireTime = random.NextDouble() < 0.2 ? created + TimeSpan.FromDays(random.Next(30, 730)) : null,
            CopyrightHolder = owner.Id,
            CreditLine = "Courtesy of member " + owner.CountryCode,
            UsageTerms = "Credit the originating broadcaster on screen.",
            Duration = TimeSpan.FromSeconds(isNews ? random.Next(60, 300) : random.Next(600, 5400)),
            InitiativeIds = random.NextDouble() < 0.15 ? members.Initiatives.PickDistinct(random, random.NextDouble() < 0.1 ? 2 : 1) : [],
            Rights = NewRights(created),
        };
    }

    private OfferRights NewRights(DateTime created)
    {
        var regions = Enum.GetValues<WorldRegion>().Where(r => r != WorldRegion.Unspecified).ToArray();
        var allCountries = Countries.All.Order(StringComparer.Ordinal).ToArray();
        var roll = random.NextDouble();
        IReadOnlyList<WorldRegion> allowedRegions = roll is >= 0.60 and < 0.85 ? PickSome(regions, random.Next(1, 4)) : [];
        IReadOnlyList<string> allowedCountries = roll >= 0.85 ? PickSome(allCountries, random.Next(3, 16)) : [];
        IReadOnlyList<string> deniedCountries = random.NextDouble() < 0.15 ? PickSome(allCountries, random.Next(1, 5)) : [];
        IReadOnlyList<WorldRegion> deniedRegions = random.NextDouble() < 0.03 ? PickSome(regions, 1) : [];
        var hasWindow = random.NextDouble() < 0.3;
        var uses = new List<UsageKind> { UsageKind.Broadcast };
        if (random.NextDouble() < 0.7)
        {
            uses.Add(UsageKind.Online);
        }

        if (random.NextDouble() < 0.4)
        {
            uses.Add(UsageKind.Social);
        }

        var auto = random.NextDouble() < 0.4;
        return new OfferRights
        {
            AllowedRegions = allowedRegions,
            AllowedCountries = allowedCountries,
            DeniedCountries = deniedCountries,
            DeniedRegions = deniedRegions,
            WindowStart = hasWindow ? created : null,
            WindowEnd = hasWindow ? created + TimeSpan.FromDays(random.Next(30, 3 * 365)) : null,
            PermittedUses = uses,
            Exclusive = random.NextDouble() < 0.05,
            Approval = auto ? ApprovalMode.Auto : ApprovalMode.Manual,
            AutoApproveRegions = auto && random.NextDouble() < 0.5 ? PickSome(regions, random.Next(1, 3)) : [],
            AutoApproveUnionIds = auto && random.NextDouble() < 0.3 ? [members.Unions[random.Next(members.Unions.Count)].Id] : [],
        };
    }

    private IEnumerable<Rendition> RenditionsOf(Offer offer)
    {
        var at = offer.CreateTime;
        var kinds = new List<(RenditionKind Kind, string Mime, long Size)> { (RenditionKind.Proxy, "video/mp4", random.Next(20, 400) * 1_000_000L) };
        if (offer.Type != OfferType.Audio && random.NextDouble() < 0.7)
        {
            kinds.Add((RenditionKind.BroadcastMaster, "application/mxf", random.Next(500, 20_000) * 1_000_000L));
        }

        if (random.NextDouble() < 0.5)
        {
            kinds.Add((RenditionKind.Thumbnail, "image/jpeg", random.Next(50, 900) * 1_000L));
        }

        foreach (var (kind, mime, size) in kinds)
        {
            var rendition = Rendition.Declare(Ids.NewRenditionId(), offer.Id,
                new RenditionDescription(kind, $"{offer.Id}-{kind}".ToLowerInvariant(), mime, size, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "00000000000000000000000000000000",
                    kind == RenditionKind.Thumbnail ? string.Empty : "h264", kind == RenditionKind.Thumbnail ? 0 : 25, 8_000_000, 1920, 1080, string.Empty),
                at);
            rendition.Received(size);
            rendition.Verified(true, at + TimeSpan.FromMinutes(10));
            yield return rendition;
        }
    }

    /// <summary>About one published offer in six is asked for by other members; most requests become licences.</summary>
    private IEnumerable<(ContentRequest Request, Licence? Licence)> RequestsFor(Offer offer)
    {
        if (random.NextDouble() >= 0.17)
        {
            yield break;
        }

        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var requester = members.All[random.Next(members.All.Count)];
            if (requester.Id == offer.OwnerId)
            {
                continue;
            }

            var asked = Later(offer.PublishTime ?? offer.CreateTime, TimeSpan.FromDays(20));
            var end = offer.Content.Rights.WindowEnd ?? offer.ExpireTime ?? asked + TimeSpan.FromDays(365);
            var ask = new LicenceAsk([UsageKind.Broadcast], [requester.CountryCode], asked, end);
            var request = ContentRequest.Make(Ids.NewRequestId(), offer, requester, ask, "For our evening bulletin.", asked);
            var roll = random.NextDouble();
            if (!offer.Content.Rights.PermitsTerritory(requester.CountryCode) || roll < 0.12)
            {
                request.Decline("Not for this territory.", Later(asked, TimeSpan.FromDays(2)));
                yield return (request, null);
            }
            else if (roll < 0.22)
            {
                yield return (request, null);
            }
            else
            {
                yield return (request, request.Approve(Ids.NewLicenceId(), offer, offer.Content.Rights.Approval == ApprovalMode.Auto, Later(asked, TimeSpan.FromDays(2))));
            }
        }
    }

    private T[] PickSome<T>(T[] items, int count) => items.OrderBy(_ => random.Next()).Take(count).ToArray();

    private DateTime Later(DateTime from, TimeSpan within) => Clamp(from + TimeSpan.FromMinutes(random.NextDouble() * within.TotalMinutes));

    private DateTime Clamp(DateTime time) => time > now ? now : time;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"seeder at {now:O}");
}
