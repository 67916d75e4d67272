using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;

namespace MediaMesh.Catalogue.Bench;

/// <summary>The value pools the seeder draws from, weighted roughly as a Global South exchange would see them.</summary>
internal static class Vocabulary
{
    public static readonly Weighted<WorldRegion> MemberRegions = new([
        (WorldRegion.Africa, 25), (WorldRegion.AsiaPacific, 22), (WorldRegion.LatinAmericaCaribbean, 17), (WorldRegion.ArabStates, 12),
        (WorldRegion.Europe, 10), (WorldRegion.CentralAsia, 7), (WorldRegion.NorthAmerica, 7)]);

    public static readonly Weighted<OfferType> Types = new([
        (OfferType.NewsVideo, 45), (OfferType.Documentary, 15), (OfferType.Feature, 12), (OfferType.Audio, 10),
        (OfferType.Promo, 8), (OfferType.Drama, 5), (OfferType.Children, 5)]);

    /// <summary>Broadcast languages by the owner's region, most used first.</summary>
    public static readonly IReadOnlyDictionary<WorldRegion, Weighted<string>> LanguagesByRegion = new Dictionary<WorldRegion, Weighted<string>>
    {
        [WorldRegion.Africa] = Weighted<string>.Zipf(["en", "fr", "sw", "pt", "ha", "am", "ar", "yo", "zu", "so", "rw", "ln", "wo", "mg", "ig", "xh"], 1.1),
        [WorldRegion.ArabStates] = new([("ar", 70), ("fr", 15), ("en", 15)]),
        [WorldRegion.AsiaPacific] = Weighted<string>.Zipf(
            ["en", "hi", "id", "bn", "zh-Hans", "ms", "th", "vi", "ur", "ta", "fil", "ne", "si", "km", "my", "lo", "mn", "ps", "fa", "sm"], 1.0),
        [WorldRegion.CentralAsia] = Weighted<string>.Zipf(["ru", "kk", "uz", "ky", "tg", "az", "ka", "hy", "tk"], 0.9),
        [WorldRegion.Europe] = Weighted<string>.Zipf(["en-GB", "fr", "de", "es", "it", "pt-PT", "tr", "pl", "nl", "sv"], 1.0),
        [WorldRegion.LatinAmericaCaribbean] = new([("es-419", 55), ("pt-BR", 30), ("en", 8), ("fr", 4), ("qu", 2), ("gn", 1)]),
        [WorldRegion.NorthAmerica] = new([("en-US", 75), ("es-US", 15), ("fr-CA", 10)]),
    };

    public static readonly Weighted<string> SubtitleLanguages = new([("en", 40), ("fr", 25), ("ar", 12), ("es", 12), ("pt", 8), ("ru", 3)]);

    /// <summary>IPTC Media Topic top-level codes, with a few detail codes under each (weights: news mix).</summary>
    public static readonly Weighted<string> TopSubjects = new([
        ("medtop:11000000", 18), ("medtop:04000000", 14), ("medtop:15000000", 12), ("medtop:07000000", 8), ("medtop:06000000", 8),
        ("medtop:01000000", 8), ("medtop:14000000", 7), ("medtop:16000000", 6), ("medtop:03000000", 5), ("medtop:13000000", 5),
        ("medtop:02000000", 4), ("medtop:05000000", 3), ("medtop:08000000", 3), ("medtop:10000000", 3), ("medtop:17000000", 2),
        ("medtop:09000000", 2), ("medtop:12000000", 1)]);

    /// <summary>8-digit detail codes (medtop:20000xxx); a long tail, so most are rare.</summary>
    public static readonly Weighted<string> DetailSubjects = Weighted<string>.Zipf(
        Enumerable.Range(0, 120).Select(i => $"medtop:{20000100 + (i * 37):D8}"), 0.9);

    public static readonly Weighted<string> Genres = Weighted<string>.Zipf(
        ["news", "report", "interview", "feature", "analysis", "magazine", "live", "documentary", "series", "talk show",
         "music", "animation", "portrait", "investigation", "explainer", "archive"], 1.0);

    /// <summary>Words of headlines and summaries per top-level subject (the text search finds these).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> SubjectWords = new Dictionary<string, string[]>
    {
        ["medtop:11000000"] = ["election", "parliament", "president", "vote", "reform", "minister", "summit", "protest", "constitution", "campaign"],
        ["medtop:04000000"] = ["inflation", "market", "budget", "trade", "currency", "investment", "harvest", "exports", "jobs", "debt"],
        ["medtop:15000000"] = ["football", "athletics", "marathon", "cup", "league", "olympic", "boxing", "cricket", "basketball", "champion"],
        ["medtop:07000000"] = ["vaccine", "malaria", "hospital", "clinic", "outbreak", "nurses", "cholera", "nutrition", "doctors", "medicine"],
        ["medtop:06000000"] = ["drought", "flood", "forest", "climate", "rainfall", "wildlife", "pollution", "coast", "river", "locust"],
        ["medtop:01000000"] = ["festival", "music", "film", "dance", "museum", "heritage", "artist", "theatre", "poetry", "craft"],
        ["medtop:14000000"] = ["women", "youth", "migration", "housing", "schools", "water", "poverty", "families", "refugees", "village"],
        ["medtop:16000000"] = ["ceasefire", "peace", "talks", "displaced", "border", "militia", "truce", "aid", "convoy", "mediation"],
        ["medtop:03000000"] = ["earthquake", "cyclone", "landslide", "fire", "rescue", "storm", "collapse", "evacuation", "tsunami", "accident"],
        ["medtop:13000000"] = ["satellite", "mobile", "internet", "solar", "research", "startup", "robotics", "telescope", "broadband", "laboratory"],
        ["medtop:02000000"] = ["court", "trial", "police", "corruption", "verdict", "prison", "judges", "smuggling", "investigation", "arrest"],
        ["medtop:05000000"] = ["university", "teachers", "students", "literacy", "exams", "scholarship", "classroom", "curriculum", "school", "graduates"],
        ["medtop:08000000"] = ["wedding", "centenarian", "twins", "reunion", "hero", "rescue", "celebration", "community", "volunteers", "tradition"],
        ["medtop:10000000"] = ["cuisine", "fashion", "tourism", "travel", "recipes", "market", "holiday", "gardens", "fitness", "design"],
        ["medtop:17000000"] = ["monsoon", "heatwave", "rains", "forecast", "temperatures", "season", "winds", "hail", "frost", "humidity"],
        ["medtop:09000000"] = ["strike", "workers", "wages", "unions", "unemployment", "pensions", "labour", "employment", "factory", "miners"],
        ["medtop:12000000"] = ["pilgrimage", "ramadan", "church", "mosque", "temple", "faith", "festival", "prayer", "clergy", "diwali"],
    };

    public static readonly string[] Verbs =
        ["hit", "spark", "mark", "shape", "reach", "draw", "boost", "divide", "transform", "return to", "test", "bring"];

    public static readonly string[] Fillers =
        ["residents", "officials", "experts", "crowds", "farmers", "broadcasters", "leaders", "observers", "families", "communities"];

    /// <summary>Rare words used by a few offers, for the selective text query.</summary>
    public static readonly string[] RareWords = ["baobab", "okapi", "quinoa", "yurt", "sargassum"];

    public static readonly string[] WithdrawReasons = ["Rights dispute", "Duplicate upload", "Content outdated", "Quality issue"];
    public static readonly string[] KillReasons = ["Legal: defamation risk", "Safety: identifies a protected witness"];
}
