using MediaMesh.Exchange.Persistence;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Exchange.Application;

/// <summary>One kind of counted row: its table, the time that places it in a period, and a condition.</summary>
internal sealed record CountedFacts(string Table, string Time, string? Condition = null)
{
    public static readonly CountedFacts Offers = new("offers", "PublishTime", "t.\"PublishTime\" IS NOT NULL");
    public static readonly CountedFacts Requests = new("content_requests", "CreateTime");
    public static readonly CountedFacts Licences = new("licences", "GrantTime");
    public static readonly CountedFacts Uses = new("usage_reports", "UseTime");
}

/// <summary>A party of a row as the row keeps it (at the time of the write): its organisation, region and unions.</summary>
internal sealed record PartyColumns(string Organization, string Region, string Unions)
{
    public static readonly PartyColumns Owner = new("OwnerId", "OwnerRegion", "OwnerUnionIds");
    public static readonly PartyColumns Requester = new("RequesterId", "RequesterRegion", "RequesterUnionIds");
    public static readonly PartyColumns Licensee = new("LicenseeId", "LicenseeRegion", "LicenseeUnionIds");
    public static readonly PartyColumns Licensor = new("LicensorId", "LicensorRegion", "LicensorUnionIds");
}

/// <summary>Rows of one group: how many, from how many distinct organisations (and one of them).</summary>
public sealed class GroupCount
{
    public string Key { get; set; } = string.Empty;
    public long Count { get; set; }
    public long Organizations { get; set; }
    public string? AnyOrganization { get; set; }
}

/// <summary>Rows from one group to another, with the distinct organisations on each side.</summary>
public sealed class PairCount
{
    public string FromKey { get; set; } = string.Empty;
    public string ToKey { get; set; } = string.Empty;
    public long Count { get; set; }
    public long Licensors { get; set; }
    public string? AnyLicensor { get; set; }
    public long Licensees { get; set; }
    public string? AnyLicensee { get; set; }
}

/// <summary>
/// The statistics' GROUP BY statements. Every figure is counted by the database; only one row per group
/// comes back. A union grouping expands each row's union list (a JSON array kept on the row) in SQL with
/// the provider's JSON function (<see cref="ExchangeDbContext.JsonArrayJoin"/>), so an organisation in
/// several unions counts in each.
/// </summary>
internal sealed class StatisticsQueries(ExchangeDbContext db)
{
    /// <summary>
    /// Rows of <paramref name="facts"/> per group of <paramref name="party"/>, in <paramref name="period"/>;
    /// <paramref name="onlyOrganization"/> keeps that organisation's rows; the distinct organisations are
    /// those of <paramref name="distinct"/> (by default the party itself).
    /// </summary>
    public Task<List<GroupCount>> CountAsync(
        CountedFacts facts, PartyColumns party, StatisticsGrouping grouping, Period period, string? onlyOrganization, CancellationToken ct, string? distinct = null)
    {
        var parameters = new List<object>();
        var (key, groupBy, join) = KeyOf(party, grouping, "g");
        var who = $"t.\"{distinct ?? party.Organization}\"";
        var where = Where(facts, period, parameters);
        if (onlyOrganization is not null)
        {
            where += $" AND t.\"{party.Organization}\" = {Parameter(parameters, onlyOrganization)}";
        }

        var sql = $"""
            SELECT {key} AS "Key", COUNT(*) AS "Count", COUNT(DISTINCT {who}) AS "Organizations", MIN({who}) AS "AnyOrganization"
            FROM {facts.Table} AS t {join}
            WHERE {where}
            GROUP BY {groupBy}
            """;
        return db.Database.SqlQueryRaw<GroupCount>(sql, [.. parameters]).ToListAsync(ct);
    }

    /// <summary>Rows of <paramref name="facts"/> (licences or uses) from the licensor's group to the licensee's.</summary>
    public Task<List<PairCount>> CountFlowAsync(CountedFacts facts, StatisticsGrouping grouping, Period period, CancellationToken ct)
    {
        var parameters = new List<object>();
        var (from, fromGroup, fromJoin) = KeyOf(PartyColumns.Licensor, grouping, "f");
        var (to, toGroup, toJoin) = KeyOf(PartyColumns.Licensee, grouping, "e");
        var sql = $"""
            SELECT {from} AS "FromKey", {to} AS "ToKey", COUNT(*) AS "Count",
                COUNT(DISTINCT t."LicensorId") AS "Licensors", MIN(t."LicensorId") AS "AnyLicensor",
                COUNT(DISTINCT t."LicenseeId") AS "Licensees", MIN(t."LicenseeId") AS "AnyLicensee"
            FROM {facts.Table} AS t {fromJoin} {toJoin}
            WHERE {Where(facts, period, parameters)}
            GROUP BY {fromGroup}, {toGroup}
            """;
        return db.Database.SqlQueryRaw<PairCount>(sql, [.. parameters]).ToListAsync(ct);
    }

    /// <summary>The key as selected (text), what the rows are grouped by (the column itself, so an index can serve it), and the join it needs.</summary>
    private (string Key, string GroupBy, string Join) KeyOf(PartyColumns party, StatisticsGrouping grouping, string alias) => grouping switch
    {
        StatisticsGrouping.Organization => ($"t.\"{party.Organization}\"", $"t.\"{party.Organization}\"", string.Empty),
        StatisticsGrouping.Region => ($"CAST(t.\"{party.Region}\" AS TEXT)", $"t.\"{party.Region}\"", string.Empty),
        _ => ($"{alias}.value", $"{alias}.value", db.JsonArrayJoin($"t.\"{party.Unions}\"", alias)),
    };

    private static string Where(CountedFacts facts, Period period, List<object> parameters)
    {
        var where = facts.Condition ?? "1 = 1";
        if (period.From is { } from)
        {
            where += $" AND t.\"{facts.Time}\" >= {Parameter(parameters, from)}";
        }

        if (period.To is { } to)
        {
            where += $" AND t.\"{facts.Time}\" < {Parameter(parameters, to)}";
        }

        return where;
    }

    private static string Parameter(List<object> parameters, object value)
    {
        parameters.Add(value);
        return $"{{{parameters.Count - 1}}}";
    }
}
