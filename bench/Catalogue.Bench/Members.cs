using System.Globalization;
using MediaMesh.Common.Geography;
using MediaMesh.Exchange.Domain;

namespace MediaMesh.Catalogue.Bench;

/// <summary>A seeded broadcasting union (itself an organisation) and the regions whose members mostly join it.</summary>
internal sealed record Union(string Id, string Name, WorldRegion[] Regions);

/// <summary>The seeded organisations: unions, initiatives and ~300 members spread over all regions.</summary>
internal sealed class Members
{
    public static readonly IReadOnlyDictionary<WorldRegion, string[]> Cities = new Dictionary<WorldRegion, string[]>
    {
        [WorldRegion.Africa] = ["Nairobi", "Lagos", "Accra", "Dakar", "Kinshasa", "Addis Ababa", "Johannesburg", "Kampala", "Abidjan", "Tamale", "Maputo", "Lusaka"],
        [WorldRegion.ArabStates] = ["Cairo", "Tunis", "Amman", "Beirut", "Rabat", "Doha", "Khartoum", "Algiers", "Muscat"],
        [WorldRegion.AsiaPacific] = ["Jakarta", "Dhaka", "Manila", "Kuala Lumpur", "Bangkok", "Hanoi", "Kathmandu", "Colombo", "Suva", "Karachi", "Chennai"],
        [WorldRegion.CentralAsia] = ["Almaty", "Tashkent", "Bishkek", "Dushanbe", "Baku", "Tbilisi", "Yerevan", "Ashgabat"],
        [WorldRegion.Europe] = ["Geneva", "Paris", "Lisbon", "Istanbul", "Madrid", "Rome", "Warsaw"],
        [WorldRegion.LatinAmericaCaribbean] = ["Bogotá", "Lima", "São Paulo", "Buenos Aires", "Quito", "La Paz", "Kingston", "Port-au-Prince", "Havana", "Asunción"],
        [WorldRegion.NorthAmerica] = ["Toronto", "Montréal", "Miami", "Los Angeles", "Washington"],
    };

    public Members(Random random, int memberCount, int initiativeCount)
    {
        Unions =
        [
            new(NewId(random, "org_"), "AUB", [WorldRegion.Africa]),
            new(NewId(random, "org_"), "ASBU", [WorldRegion.ArabStates]),
            new(NewId(random, "org_"), "ABU", [WorldRegion.AsiaPacific, WorldRegion.CentralAsia]),
            new(NewId(random, "org_"), "EBU", [WorldRegion.Europe]),
            new(NewId(random, "org_"), "OTI", [WorldRegion.LatinAmericaCaribbean]),
            new(NewId(random, "org_"), "CBU", []),
            new(NewId(random, "org_"), "NABA", [WorldRegion.NorthAmerica]),
            new(NewId(random, "org_"), "COPEAM", []),
        ];
        var countriesByRegion = Countries.All.GroupBy(Countries.RegionOf).ToDictionary(g => g.Key, g => g.Order(StringComparer.Ordinal).ToArray());
        var all = new List<MemberProfile>(memberCount);
        var regions = Enum.GetValues<WorldRegion>().Where(r => r != WorldRegion.Unspecified).ToArray();
        for (var i = 0; i < memberCount; i++)
        {
            // Every region gets members before the weighted draw takes over.
            var region = i < regions.Length ? regions[i] : Vocabulary.MemberRegions.Pick(random);
            var countries = countriesByRegion[region];
            var country = countries[random.Next(countries.Length)];
            all.Add(new MemberProfile(NewId(random, "org_"), country, region, UnionsFor(random, region)));
        }

        All = all;
        // A few large broadcasters publish most items; the long tail publishes now and then.
        Publishers = Weighted<MemberProfile>.Zipf(all, 0.8);
        Initiatives = Weighted<string>.Zipf(Enumerable.Range(0, initiativeCount).Select(_ => NewId(random, "ini_")).ToArray(), 1.0);
    }

    public IReadOnlyList<Union> Unions { get; }

    public IReadOnlyList<MemberProfile> All { get; }

    public Weighted<MemberProfile> Publishers { get; }

    public Weighted<string> Initiatives { get; }

    public Union Union(string name) => Unions.Single(u => u.Name == name);

    /// <summary>A time-ordered looking id ("org_" + 32 hex digits) drawn from the seeded random source.</summary>
    public static string NewId(Random random, string prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return prefix + Convert.ToHexStringLower(bytes);
    }

    private List<string> UnionsFor(Random random, WorldRegion region)
    {
        var result = new List<string>();
        if (random.NextDouble() < 0.05)
        {
            return result;
        }

        var home = Unions.FirstOrDefault(u => u.Regions.Contains(region));
        if (home is not null && random.NextDouble() < 0.9)
        {
            result.Add(home.Id);
        }

        // Cross memberships: Arab states in Africa in AUB, Caribbean in CBU, Mediterranean in COPEAM, some in ABU/EBU as associates.
        var extra = region switch
        {
            WorldRegion.ArabStates when random.NextDouble() < 0.35 => "AUB",
            WorldRegion.LatinAmericaCaribbean when random.NextDouble() < 0.3 => "CBU",
            WorldRegion.ArabStates or WorldRegion.Europe when random.NextDouble() < 0.15 => "COPEAM",
            WorldRegion.Africa or WorldRegion.ArabStates or WorldRegion.AsiaPacific when random.NextDouble() < 0.08 => "EBU",
            WorldRegion.Africa or WorldRegion.ArabStates when random.NextDouble() < 0.08 => "ABU",
            _ => null,
        };
        if (extra is not null && Union(extra).Id is var id && !result.Contains(id))
        {
            result.Add(id);
        }

        return result;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{All.Count} members, {Unions.Count} unions");
}
