using System.CommandLine;
using MediaMesh.Client;
using MediaMesh.Contracts.Organization.V1;
using Spectre.Console;

namespace MediaMesh.Cli.Commands;

/// <summary>login / logout / profiles: the identities kept in the per-user config file.</summary>
public static class LoginCommands
{
    public static Command Login(CliContext context)
    {
        var gateway = Cmd.Opt<string>("--gateway", "The gateway's gRPC address (default http://localhost:5100)");
        var keyStdin = Cmd.Opt<bool>("--key-stdin", "Read the API key from standard input instead of prompting");
        return Cmd.New("login", "Store the gateway address and your API key (checked first) in your config file, readable only by you",
            gateway, keyStdin).Does(context, async run =>
        {
            var address = MediaMeshClientOptions.ParseAddress(run.Get(gateway) ?? "http://localhost:5100");
            string? key;
            if (run.Get(keyStdin) || !context.Interactive)
            {
                key = (await context.In.ReadLineAsync(run.CancellationToken))?.Trim();
            }
            else
            {
                key = await run.ErrorConsole.PromptAsync(new TextPrompt<string>("API key (mmk_…):").Secret(), run.CancellationToken);
            }

            if (string.IsNullOrWhiteSpace(key))
            {
                throw new UsageException("no API key given");
            }

            // Check the key before keeping it: any authenticated read will do.
            using (var probe = MediaMeshClient.Create(new MediaMeshClientOptions { GatewayAddress = address, ApiKey = key }))
            {
                await probe.Organizations.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = 1 }, cancellationToken: run.CancellationToken);
            }

            var profile = run.ProfileName ?? ClientConfigFile.DefaultProfile;
            var path = context.ResolvedConfigPath;
            var file = ClientConfigFile.Load(path);
            file.Profiles[profile] = new ClientProfile(address.ToString().TrimEnd('/'), key);
            file.Save(path);
            if (run.Json)
            {
                run.WriteJson(new System.Text.Json.Nodes.JsonObject { ["profile"] = profile, ["gateway"] = address.ToString().TrimEnd('/'), ["configFile"] = path });
            }
            else
            {
                run.Console.MarkupLineInterpolated($"Logged in: profile [bold]{profile}[/] → {address} (key stored in {path}, readable only by you).");
            }

            return ExitCodes.Ok;
        });
    }

    public static Command Logout(CliContext context) =>
        Cmd.New("logout", "Forget a profile's gateway and key").Does(context, run =>
        {
            var profile = run.ProfileName ?? ClientConfigFile.DefaultProfile;
            var path = context.ResolvedConfigPath;
            var file = ClientConfigFile.Load(path);
            if (!file.Profiles.Remove(profile))
            {
                throw new MediaMeshException(Grpc.Core.StatusCode.NotFound, $"No profile '{profile}' in {path}.");
            }

            file.Save(path);
            run.Say($"Profile {profile} removed.");
            return Task.FromResult(ExitCodes.Ok);
        });

    public static Command Profiles(CliContext context) =>
        Cmd.New("profiles", "List the stored profiles (never their keys)").Does(context, run =>
        {
            var file = ClientConfigFile.Load(context.ResolvedConfigPath);
            if (run.Json)
            {
                run.WriteJson(new System.Text.Json.Nodes.JsonArray(file.Profiles.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["profile"] = p.Key, ["gateway"] = p.Value.Gateway }).ToArray()));
                return Task.FromResult(ExitCodes.Ok);
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("profile").AddColumn("gateway");
            foreach (var (name, profile) in file.Profiles.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                table.AddRow(name, profile.Gateway);
            }

            run.Console.Write(table);
            return Task.FromResult(ExitCodes.Ok);
        });
}
