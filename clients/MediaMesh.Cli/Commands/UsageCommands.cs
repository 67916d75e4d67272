using System.CommandLine;
using MediaMesh.Client;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Cli.Commands;

/// <summary>usage report/list.</summary>
public static class UsageCommands
{
    public static Command Usage(CliContext context)
    {
        var licence = Cmd.Id("licence", "The licence used");
        var use = Cmd.Opt<string>("--use", "broadcast, online or social", required: true);
        var country = Cmd.Opt<string>("--country", "Where (ISO 3166-1 alpha-2)", required: true);
        var time = new Option<string>("--time") { Description = "When it aired or was published", DefaultValueFactory = _ => "now" };
        var channel = Cmd.Opt<string>("--channel", "Channel, programme or platform");
        var audience = Cmd.Opt<long>("--audience", "Estimated audience");
        var report = Cmd.New("report", "Report that you aired or published a licensed item", licence, use, country, time, channel, audience).Does(context, async run =>
        {
            var r = (await run.Client.Usage.ReportUsageAsync(new ReportUsageRequest
            {
                LicenceId = run.Get(licence),
                Use = Parse.Enum<UsageKind>(run.Get(use)!, "--use"),
                CountryCode = run.Get(country)!.ToUpperInvariant(),
                UseTime = Parse.Time(run.Get(time)!, "--time"),
                Channel = run.Get(channel) ?? string.Empty,
                AudienceEstimate = run.Get(audience),
            }, cancellationToken: run.CancellationToken)).Report;
            return run.Show(r, ("id", r.Id), ("licence", r.LicenceId), ("offer", r.OfferId), ("use", Parse.Name(r.Use)), ("country", r.CountryCode),
                ("when", Parse.When(r.UseTime)), ("channel", r.Channel), ("audience", r.AudienceEstimate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
        });

        var byLicence = Cmd.Opt<string>("--licence", "Reports of this licence");
        var byOffer = Cmd.Opt<string>("--offer", "Reports of this offer's licences");
        var list = Cmd.New("list", "Usage reports of a licence or an offer", byLicence, byOffer, Cmd.Limit()).Does(context, async run =>
        {
            var items = await run.Client.Usage.ListAllAsync(new ListUsageReportsRequest { LicenceId = run.Get(byLicence) ?? string.Empty, OfferId = run.Get(byOffer) ?? string.Empty },
                run.CancellationToken).ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "licence", "offer", "licensee", "use", "country", "when", "channel", "audience"], r =>
                [r.Id, r.LicenceId, r.OfferId, r.LicenseeId, Parse.Name(r.Use), r.CountryCode, Parse.When(r.UseTime), r.Channel,
                 r.AudienceEstimate.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        });
        return Cmd.New("usage", "Usage reports", report, list);
    }
}
