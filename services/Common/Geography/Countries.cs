using System.Collections.Frozen;

namespace MediaMesh.Common.Geography;

/// <summary>
/// ISO 3166-1 alpha-2 country codes and the region each belongs to. The grouping follows the
/// broadcasting unions' areas: Arab League members are Arab States wherever they lie; Israel and
/// Türkiye sit with Europe (EBU); the Caucasus with Central Asia. Antarctica (AQ) has no
/// broadcasters and is not accepted.
/// </summary>
public static class Countries
{
    private static readonly FrozenDictionary<string, WorldRegion> RegionByCode = Build();

    public static IReadOnlyCollection<string> All => RegionByCode.Keys;

    /// <summary>True if <paramref name="code"/> is an assigned ISO 3166-1 alpha-2 code (upper case).</summary>
    public static bool IsValid(string? code) => code is { Length: 2 } && RegionByCode.ContainsKey(code);

    /// <summary>The region of a country; throws for an unknown code (validate first).</summary>
    public static WorldRegion RegionOf(string code) =>
        RegionByCode.TryGetValue(code, out var region)
            ? region
            : throw new ArgumentException($"'{code}' is not an ISO 3166-1 alpha-2 country code.", nameof(code));

    /// <summary>Upper-cases and trims a code as members may send "ke" or " KE".</summary>
    public static string Normalize(string? code) => (code ?? string.Empty).Trim().ToUpperInvariant();

    private static FrozenDictionary<string, WorldRegion> Build()
    {
        var map = new Dictionary<string, WorldRegion>(StringComparer.Ordinal);
        void Add(WorldRegion region, string codes)
        {
            foreach (var code in codes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                map.Add(code, region);
            }
        }

        Add(WorldRegion.ArabStates, "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE EH");
        Add(WorldRegion.Africa,
            "AO BJ BW BF BI CV CM CF TD CD CG CI GQ ER SZ ET GA GM GH GN GW KE LS LR MG MW ML MU YT MZ NA NE NG " +
            "RE RW SH ST SN SC SL ZA SS TZ TG UG ZM ZW TF");
        Add(WorldRegion.AsiaPacific,
            "AF BD BT BN KH CN FJ HK IN ID IR JP KI KP KR LA MO MY MV MH FM MN MM NR NP NZ PK PW PG PH WS SB SG LK " +
            "TW TH TL TO TV VU VN AU CK NU TK NC PF WF GU MP AS CX CC NF HM PN IO");
        Add(WorldRegion.CentralAsia, "KZ KG TJ TM UZ AM AZ GE");
        Add(WorldRegion.Europe,
            "AL AD AT BY BE BA BG HR CY CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT MD MC ME NL MK NO PL PT " +
            "RO RU SM RS SK SI ES SE CH TR UA GB VA FO GI GG IM JE AX SJ IL");
        Add(WorldRegion.NorthAmerica, "US CA BM PM GL UM");
        Add(WorldRegion.LatinAmericaCaribbean,
            "AG AR BS BB BZ BO BR CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN LC VC SR TT UY VE " +
            "AI AW BQ VG KY CW FK GF GP MQ MS PR BL MF SX TC VI GS BV");
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
