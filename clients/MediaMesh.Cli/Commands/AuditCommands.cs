using System.CommandLine;
using MediaMesh.Client;
using MediaMesh.Contracts.Common.V1;
using ExchangeV1 = MediaMesh.Contracts.Exchange.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Cli.Commands;

/// <summary>audit list: the audit trail of the directory (organization service) or of the exchange.</summary>
public static class AuditCommands
{
    public static Command Audit(CliContext context)
    {
        var service = new Option<string>("--service") { Description = "Whose trail: organization or exchange", DefaultValueFactory = _ => "exchange" };
        var subject = Cmd.Opt<string>("--subject", "Only entries about this id (organisation, key, membership, offer, rendition, request, licence)");
        var actor = Cmd.Opt<string>("--actor", "Only entries made by this organisation");
        var action = Cmd.Opt<string>("--action", "Only this action, e.g. offer.killed or rendition.downloaded");
        var from = Cmd.Opt<string>("--from", "From this time (inclusive)");
        var to = Cmd.Opt<string>("--to", "Until this time (exclusive)");
        var limit = Cmd.Limit();
        var list = Cmd.New("list", "Audit entries you may see, oldest first (a coordinator sees all)", service, subject, actor, action, from, to, limit).Does(context, async run =>
        {
            var filter = new AuditFilter
            {
                SubjectId = run.Get(subject) ?? string.Empty,
                ActorOrganizationId = run.Get(actor) ?? string.Empty,
                Action = run.Get(action) ?? string.Empty,
                TimeInterval = Parse.Interval(run.Get(from), run.Get(to), "--from", "--to"),
            };
            var pageSize = Math.Clamp(run.Get(limit), 1, 200);
            var entries = run.Get(service)?.ToLowerInvariant() switch
            {
                "organization" or "organisation" or "directory" => run.Client.Organizations.ListAllAsync(
                    new OrgV1.ListAuditEntriesRequest { Filter = filter, PageSize = pageSize }, run.CancellationToken),
                "exchange" => run.Client.ExchangeAudit.ListAllAsync(
                    new ExchangeV1.ListAuditEntriesRequest { Filter = filter, PageSize = pageSize }, run.CancellationToken),
                _ => throw new UsageException("--service must be organization or exchange"),
            };
            var items = await entries.Take(run.Get(limit)).ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "when", "actor", "key", "action", "subjects", "details"], e =>
                [e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Parse.When(e.Time), e.ActorOrganizationId, e.ActorApiKeyId, e.Action,
                 string.Join(", ", e.Subjects.Select(s => $"{Parse.Name(s.Type)}:{s.Id}")), e.Details]);
        });
        return Cmd.New("audit", "Audit trails", list);
    }
}
