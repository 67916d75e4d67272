using System.CommandLine;
using System.Globalization;
using MediaMesh.Contracts.Exchange.V1;
using MediaMesh.Contracts.Organization.V1;
using Spectre.Console;

namespace MediaMesh.Cli.Commands;

/// <summary>stats (per organisation/union/region), stats flow (a heatmap), stats reciprocity.</summary>
public static class StatsCommands
{
    /// <summary>From pale to deep: the heatmap's shades, lowest volume first.</summary>
    internal static readonly string[] Shades = ["#fff1e0", "#fddcb5", "#fbc08a", "#f89f63", "#f27b45", "#e45532", "#c7312a", "#9c1d27"];

    public static Command Stats(CliContext context)
    {
        var from = Cmd.Opt<string>("--from", "Count from (inclusive)");
        var to = Cmd.Opt<string>("--to", "Count until (exclusive)");
        var by = new Option<string>("--by") { Description = "organization, union or region", DefaultValueFactory = _ => "region" };

        var flowBy = new Option<string>("--by") { Description = "region or union", DefaultValueFactory = _ => "region" };
        var measure = new Option<string>("--measure") { Description = "licences or uses", DefaultValueFactory = _ => "licences" };
        var flow = Cmd.New("flow", "Who takes whose content: owners' group (rows) → licensees' group (columns), shaded by volume", flowBy, measure, from, to)
            .Does(context, async run =>
            {
                var grouping = Parse.Enum<StatisticsGrouping>(run.Get(flowBy)!, "--by");
                var response = await run.Client.Usage.GetFlowMatrixAsync(new GetFlowMatrixRequest
                {
                    Grouping = grouping,
                    Period = Parse.Interval(run.Get(from), run.Get(to), "--from", "--to"),
                }, cancellationToken: run.CancellationToken);
                if (run.Json)
                {
                    return run.List(response.Cells, [], _ => []);
                }

                var uses = run.Get(measure) switch
                {
                    "uses" => true,
                    "licences" or "licenses" => false,
                    var other => throw new UsageException($"--measure: '{other}' is not licences or uses"),
                };
                var names = await NamesAsync(run, response.Cells.SelectMany(c => new[] { c.From, c.To }), grouping);
                run.Console.Write(Heatmap(response.Cells, uses, names));
                return ExitCodes.Ok;
            });

        var org = Cmd.Opt<string>("--org", "Only this organisation");
        var reciprocity = Cmd.New("reciprocity", "Per member: licences given against taken, and partners reached", org, from, to).Does(context, async run =>
        {
            var response = await run.Client.Usage.GetReciprocityAsync(new GetReciprocityRequest
            {
                OrganizationId = run.Get(org) ?? string.Empty,
                Period = Parse.Interval(run.Get(from), run.Get(to), "--from", "--to"),
            }, cancellationToken: run.CancellationToken);
            var names = run.Json ? new Dictionary<string, string>() : await NamesAsync(run, response.Rows.Select(r => r.OrganizationId), StatisticsGrouping.Organization);
            var rows = response.Rows.OrderByDescending(r => r.Given + r.Taken).ToList();
            return run.List(rows, ["organisation", "given", "taken", "ratio", "partners reached"], r =>
                [names.GetValueOrDefault(r.OrganizationId, r.OrganizationId), N(r.Given), N(r.Taken), r.Ratio.ToString("0.00", CultureInfo.InvariantCulture), N(r.PartnersReached)]);
        });

        var stats = Cmd.New("stats", "Exchange balance: offered, requested, licensed in/out and used per organisation, union or region", by, from, to, flow, reciprocity)
            .Does(context, async run =>
            {
                var grouping = Parse.Enum<StatisticsGrouping>(run.Get(by)!, "--by");
                var response = await run.Client.Usage.GetExchangeStatisticsAsync(new GetExchangeStatisticsRequest
                {
                    Grouping = grouping,
                    Period = Parse.Interval(run.Get(from), run.Get(to), "--from", "--to"),
                }, cancellationToken: run.CancellationToken);
                var names = run.Json ? new Dictionary<string, string>() : await NamesAsync(run, response.Rows.Select(r => r.Key), grouping);
                return run.List(response.Rows, [Parse.Name(grouping), "offered", "requested", "licensed in", "licensed out", "used"], r =>
                    [names.GetValueOrDefault(r.Key, r.Key), N(r.Offered), N(r.Requested), N(r.LicensedIn), N(r.LicensedOut), N(r.Used)]);
            });
        return stats;
    }

    /// <summary>The flow matrix as a table whose cells are shaded from pale (little) to deep (much).</summary>
    internal static Table Heatmap(IReadOnlyCollection<FlowCell> cells, bool uses, IReadOnlyDictionary<string, string> names)
    {
        long Value(FlowCell c) => uses ? c.Uses : c.Licences;
        var rows = cells.Select(c => c.From).Distinct().OrderBy(k => names.GetValueOrDefault(k, k), StringComparer.Ordinal).ToList();
        var columns = cells.Select(c => c.To).Distinct().OrderBy(k => names.GetValueOrDefault(k, k), StringComparer.Ordinal).ToList();
        var lookup = cells.ToDictionary(c => (c.From, c.To), Value);
        var max = cells.Count == 0 ? 0 : cells.Max(Value);
        var table = new Table().Border(TableBorder.Rounded)
            .Title(uses ? "Uses reported: owners' group → licensees' group" : "Licences granted: owners' group → licensees' group");
        table.AddColumn(new TableColumn(new Markup("[bold]from \\ to[/]")));
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Markup($"[bold]{Markup.Escape(Short(names.GetValueOrDefault(column, column)))}[/]")).RightAligned());
        }

        table.AddColumn(new TableColumn(new Markup("[bold]total out[/]")).RightAligned());
        foreach (var row in rows)
        {
            var line = new List<Spectre.Console.Rendering.IRenderable> { new Markup($"[bold]{Markup.Escape(names.GetValueOrDefault(row, row))}[/]") };
            foreach (var column in columns)
            {
                var value = lookup.GetValueOrDefault((row, column));
                line.Add(Cell(value, max));
            }

            line.Add(new Text(N(columns.Sum(c => lookup.GetValueOrDefault((row, c))))));
            table.AddRow(line);
        }

        var totals = new List<Spectre.Console.Rendering.IRenderable> { new Markup("[bold]total in[/]") };
        totals.AddRange(columns.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(N(rows.Sum(r => lookup.GetValueOrDefault((r, c)))))));
        totals.Add(new Text(N(cells.Sum(Value))));
        table.AddRow(totals);
        table.Caption("shade: " + string.Join(" ", Shades.Select((s, i) => $"[black on {s}] {(i + 1) * 100 / Shades.Length}% [/]")) + $"  of the largest cell ({N(max)})");
        return table;
    }

    /// <summary>One cell: its number on a background as deep as its share of the largest cell.</summary>
    internal static Markup Cell(long value, long max)
    {
        if (value == 0 || max == 0)
        {
            return new Markup("[grey]·[/]");
        }

        var shade = Shades[Math.Clamp((int)Math.Ceiling((double)value / max * Shades.Length) - 1, 0, Shades.Length - 1)];
        var foreground = Array.IndexOf(Shades, shade) >= Shades.Length / 2 ? "white" : "black";
        return new Markup($"[{foreground} on {shade}] {N(value)} [/]");
    }

    private static string Short(string name) => name.Length <= 16 ? name : name[..15] + "…";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Names for statistics keys: region titles, or organisation names looked up in one batch.</summary>
    private static async Task<Dictionary<string, string>> NamesAsync(Invocation run, IEnumerable<string> keys, StatisticsGrouping grouping)
    {
        var distinct = keys.Distinct(StringComparer.Ordinal).ToList();
        if (grouping == StatisticsGrouping.Region)
        {
            return distinct.ToDictionary(k => k, Parse.RegionTitle, StringComparer.Ordinal);
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var batch in distinct.Chunk(500))
        {
            var found = await run.Client.Organizations.BatchGetOrganizationsAsync(new BatchGetOrganizationsRequest { Ids = { batch } }, cancellationToken: run.CancellationToken);
            foreach (var o in found.Organizations)
            {
                names[o.Id] = o.ShortName.Length > 0 ? o.ShortName : Parse.Text(o.Names);
            }
        }

        return names;
    }
}
