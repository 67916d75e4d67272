using System.CommandLine;
using MediaMesh.Client;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Cli.Commands;

/// <summary>orgs, keys, memberships: the directory, and the coordinator's onboarding commands.</summary>
public static class OrganizationCommands
{
    public static Command Orgs(CliContext context)
    {
        var region = Cmd.Opt<string>("--region", "Region, e.g. africa, arab-states, asia-pacific, latin-america-caribbean");
        var country = Cmd.Opt<string>("--country", "ISO 3166-1 alpha-2 country code");
        var union = Cmd.Opt<string>("--union", "Only members of this union (id)");
        var kind = Cmd.Opt<string>("--kind", "broadcaster, news-agency, broadcasting-union, publisher, digital-outlet");
        var status = Cmd.Opt<string>("--status", "pending, active, suspended");
        var text = Cmd.Opt<string>("--text", "Words of the name");
        var limit = Cmd.Limit();
        var list = Cmd.New("list", "The directory of organisations, by name", region, country, union, kind, status, text, limit).Does(context, async run =>
        {
            var request = new ListOrganizationsRequest
            {
                Region = Parse.OptionalEnum<Region>(run.Get(region), "--region") ?? Region.Unspecified,
                CountryCode = run.Get(country) ?? string.Empty,
                UnionId = run.Get(union) ?? string.Empty,
                Kind = Parse.OptionalEnum<OrganizationKind>(run.Get(kind), "--kind") ?? OrganizationKind.Unspecified,
                Status = Parse.OptionalEnum<OrganizationStatus>(run.Get(status), "--status") ?? OrganizationStatus.Unspecified,
                Text = run.Get(text) ?? string.Empty,
                PageSize = Math.Clamp(run.Get(limit), 1, 200),
            };
            var items = await run.Client.Organizations.ListAllAsync(request, run.CancellationToken).Take(run.Get(limit)).ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "name", "kind", "country", "region", "status", "role"], o =>
                [o.Id, Parse.Text(o.Names), Parse.Name(o.Kind), o.CountryCode, Parse.RegionTitle(o.Region), Parse.Name(o.Status), Parse.Name(o.Role)]);
        });

        var id = Cmd.Id("id", "The organisation's id (org_…)");
        var show = Cmd.New("show", "One organisation", id).Does(context, async run =>
        {
            var o = (await run.Client.Organizations.GetOrganizationAsync(new GetOrganizationRequest { Id = run.Get(id) }, cancellationToken: run.CancellationToken)).Organization;
            return Show(run, o);
        });

        var name = Cmd.Opt<string>("--name", "Name (in --language)", required: true);
        var createCountry = Cmd.Opt<string>("--country", "ISO 3166-1 alpha-2 country code", required: true);
        var createKind = new Option<string>("--kind") { Description = "broadcaster, news-agency, broadcasting-union, publisher, digital-outlet", DefaultValueFactory = _ => "broadcaster" };
        var language = new Option<string>("--language") { Description = "Language of the name (BCP 47)", DefaultValueFactory = _ => "en" };
        var languages = Cmd.Many("--working-language", "Working languages (BCP 47); default: --language");
        var shortName = Cmd.Opt<string>("--short-name", "Short name or acronym");
        var website = Cmd.Opt<string>("--website", "Web site");
        var email = Cmd.Opt<string>("--contact-email", "Contact e-mail");
        var activate = Cmd.Opt<bool>("--activate", "Activate it at once");
        var create = Cmd.New("create", "Register an organisation (coordinators)", name, createCountry, createKind, language, languages, shortName, website, email, activate)
            .Does(context, async run =>
            {
                var working = Parse.List(run.Get(languages));
                var o = (await run.Client.Organizations.CreateOrganizationAsync(new CreateOrganizationRequest
                {
                    Organization = new Organization
                    {
                        Kind = Parse.Enum<OrganizationKind>(run.Get(createKind)!, "--kind"),
                        Names = { new LocalizedText { Language = run.Get(language)!, Text = run.Get(name)!, Original = true } },
                        CountryCode = run.Get(createCountry)!,
                        WorkingLanguages = { working.Length > 0 ? working : [run.Get(language)!] },
                        ShortName = run.Get(shortName) ?? string.Empty,
                        Website = run.Get(website) ?? string.Empty,
                        ContactEmail = run.Get(email) ?? string.Empty,
                    },
                }, cancellationToken: run.CancellationToken)).Organization;
                if (run.Get(activate))
                {
                    o = (await run.Client.Organizations.ActivateOrganizationAsync(new ActivateOrganizationRequest { Id = o.Id, Etag = o.Etag }, cancellationToken: run.CancellationToken)).Organization;
                }

                return Show(run, o);
            });

        var activateCommand = Cmd.New("activate", "Activate a pending or suspended organisation (coordinators)", id).Does(context, async run =>
            Show(run, (await run.Client.Organizations.ActivateOrganizationAsync(new ActivateOrganizationRequest { Id = run.Get(id) }, cancellationToken: run.CancellationToken)).Organization));

        var reason = Cmd.Opt<string>("--reason", "Why", required: true);
        var suspend = Cmd.New("suspend", "Suspend an active organisation (coordinators)", id, reason).Does(context, async run =>
            Show(run, (await run.Client.Organizations.SuspendOrganizationAsync(new SuspendOrganizationRequest { Id = run.Get(id), Reason = run.Get(reason)! }, cancellationToken: run.CancellationToken)).Organization));

        var role = new Argument<string>("role") { Description = "member or coordinator" };
        var setRole = Cmd.New("set-role", "Make an organisation a member or a coordinator (coordinators)", id, role).Does(context, async run =>
            Show(run, (await run.Client.Organizations.SetOrganizationRoleAsync(new SetOrganizationRoleRequest
            {
                Id = run.Get(id),
                Role = Parse.Enum<OrganizationRole>(run.Get(role), "role"),
            }, cancellationToken: run.CancellationToken)).Organization));

        return Cmd.New("orgs", "Organisations: the directory; onboarding for coordinators", list, show, create, activateCommand, suspend, setRole);
    }

    public static Command Keys(CliContext context)
    {
        var org = Cmd.Id("organization", "The organisation's id (org_…)");
        var displayName = new Option<string>("--name") { Description = "What the key is for", DefaultValueFactory = _ => "cli" };
        var expires = Cmd.Opt<string>("--expires", "When the key stops working (e.g. now+90d)");
        var create = Cmd.New("create", "Create an API key; the secret is shown this once", org, displayName, expires).Does(context, async run =>
        {
            var request = new CreateApiKeyRequest { OrganizationId = run.Get(org), DisplayName = run.Get(displayName)! };
            if (Parse.OptionalTime(run.Get(expires), "--expires") is { } expiry)
            {
                request.ExpireTime = expiry;
            }

            var created = await run.Client.Organizations.CreateApiKeyAsync(request, cancellationToken: run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(System.Text.Json.Nodes.JsonNode.Parse(Invocation.Format(created)));
                return ExitCodes.Ok;
            }

            run.Show(created.ApiKey, ("id", created.ApiKey.Id), ("organisation", created.ApiKey.OrganizationId), ("name", created.ApiKey.DisplayName),
                ("secret", created.Secret), ("expires", Parse.When(created.ApiKey.ExpireTime)));
            run.Say("Keep the secret safe: it is shown only this once (log in with `mediamesh login --profile NAME`).");
            return ExitCodes.Ok;
        });

        var showRevoked = Cmd.Opt<bool>("--show-revoked", "Include revoked keys");
        var list = Cmd.New("list", "An organisation's keys (never their secrets)", org, showRevoked).Does(context, async run =>
        {
            var items = await run.Client.Organizations.ListAllAsync(new ListApiKeysRequest { OrganizationId = run.Get(org), ShowRevoked = run.Get(showRevoked) }, run.CancellationToken)
                .ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "name", "prefix", "created", "last used", "revoked", "expires"], k =>
                [k.Id, k.DisplayName, k.Prefix, Parse.When(k.CreateTime), Parse.When(k.LastUseTime), Parse.When(k.RevokeTime), Parse.When(k.ExpireTime)]);
        });

        var keyId = Cmd.Id("key", "The key's id");
        var revoke = Cmd.New("revoke", "Revoke a key (it stops working within the gateway's key cache time)", org, keyId).Does(context, async run =>
        {
            var k = (await run.Client.Organizations.RevokeApiKeyAsync(new RevokeApiKeyRequest { OrganizationId = run.Get(org), Id = run.Get(keyId) }, cancellationToken: run.CancellationToken)).ApiKey;
            return run.Show(k, ("id", k.Id), ("revoked", Parse.When(k.RevokeTime)));
        });
        return Cmd.New("keys", "API keys of an organisation (the organisation itself or a coordinator)", create, list, revoke);
    }

    public static Command Memberships(CliContext context)
    {
        var union = Cmd.Opt<string>("--union", "The union's id", required: true);
        var member = Cmd.Opt<string>("--member", "The member's id", required: true);
        var message = Cmd.Opt<string>("--message", "A note to the union");
        var request = Cmd.New("request", "Ask to join a union (the member or a coordinator)", union, member, message).Does(context, async run =>
            ShowMembership(run, (await run.Client.Organizations.RequestUnionMembershipAsync(new RequestUnionMembershipRequest
            {
                UnionId = run.Get(union)!, MemberId = run.Get(member)!, Message = run.Get(message) ?? string.Empty,
            }, cancellationToken: run.CancellationToken)).Membership));

        var id = Cmd.Id("id", "The membership's id");
        var approve = Cmd.New("approve", "Approve a membership (the union or a coordinator)", id).Does(context, async run =>
            ShowMembership(run, (await run.Client.Organizations.ApproveUnionMembershipAsync(new ApproveUnionMembershipRequest { Id = run.Get(id) }, cancellationToken: run.CancellationToken)).Membership));
        var reason = Cmd.Opt<string>("--reason", "Why", required: true);
        var decline = Cmd.New("decline", "Decline a membership (the union or a coordinator)", id, reason).Does(context, async run =>
            ShowMembership(run, (await run.Client.Organizations.DeclineUnionMembershipAsync(new DeclineUnionMembershipRequest { Id = run.Get(id), Reason = run.Get(reason)! }, cancellationToken: run.CancellationToken)).Membership));

        var byUnion = Cmd.Opt<string>("--union", "Memberships of this union");
        var byMember = Cmd.Opt<string>("--member", "Memberships of this member");
        var state = Cmd.Opt<string>("--state", "requested, approved, declined, ended");
        var list = Cmd.New("list", "Memberships of a union or of a member", byUnion, byMember, state).Does(context, async run =>
        {
            var items = await run.Client.Organizations.ListAllAsync(new ListUnionMembershipsRequest
            {
                UnionId = run.Get(byUnion) ?? string.Empty,
                MemberId = run.Get(byMember) ?? string.Empty,
                State = Parse.OptionalEnum<UnionMembershipState>(run.Get(state), "--state") ?? UnionMembershipState.Unspecified,
            }, run.CancellationToken).ToListAsync(run.CancellationToken);
            return run.List(items, ["id", "union", "member", "state", "requested", "decided"], m =>
                [m.Id, m.UnionId, m.MemberId, Parse.Name(m.State), Parse.When(m.RequestTime), Parse.When(m.DecisionTime)]);
        });
        return Cmd.New("memberships", "Union memberships", request, approve, decline, list);
    }

    private static int Show(Invocation run, Organization o) => run.Show(o,
        ("id", o.Id), ("name", Parse.Text(o.Names)), ("short name", o.ShortName), ("kind", Parse.Name(o.Kind)), ("country", o.CountryCode),
        ("region", Parse.RegionTitle(o.Region)), ("languages", string.Join(", ", o.WorkingLanguages)), ("status", Parse.Name(o.Status)),
        ("role", Parse.Name(o.Role)), ("unions", string.Join(", ", o.UnionIds)), ("website", o.Website), ("etag", o.Etag));

    private static int ShowMembership(Invocation run, UnionMembership m) => run.Show(m,
        ("id", m.Id), ("union", m.UnionId), ("member", m.MemberId), ("state", Parse.Name(m.State)), ("requested", Parse.When(m.RequestTime)),
        ("decided", Parse.When(m.DecisionTime)), ("reason", m.DecisionReason));
}
