using System.CommandLine;
using MediaMesh.Cli.Demo;
using MediaMesh.Client;
using MediaMesh.Contracts.Organization.V1;
using Spectre.Console;

namespace MediaMesh.Cli.Commands;

/// <summary>demo seed: the founding forum's demo data, through the public API.</summary>
public static class DemoCommands
{
    public static Command Demo(CliContext context)
    {
        var stateFile = Cmd.Opt<string>("--state-file", "Where the seeder keeps the demo members' API keys (default: next to your config file)");
        var keyFile = Cmd.Opt<string>("--coordinator-key-file", "Read the coordinator's key from this file instead of the profile");
        var gateway = Cmd.Opt<string>("--gateway", "Gateway address when --coordinator-key-file is used (default: the profile's, else http://localhost:5100)");
        var wait = new Option<int>("--wait-seconds") { Description = "Wait this long for the gateway to answer first", DefaultValueFactory = _ => 0 };
        var seed = Cmd.New("seed", "Create the founding forum's demo data (idempotent: a second run adds nothing); needs a coordinator key",
            stateFile, keyFile, gateway, wait).Does(context, async run =>
        {
            MediaMeshClientOptions options;
            if (run.Get(keyFile) is { Length: > 0 } path)
            {
                var key = (await File.ReadAllTextAsync(path, run.CancellationToken)).Trim();
                var address = run.Get(gateway) is { Length: > 0 } g ? MediaMeshClientOptions.ParseAddress(g) : new Uri("http://localhost:5100");
                options = new MediaMeshClientOptions { GatewayAddress = address, ApiKey = key };
            }
            else
            {
                options = MediaMeshClientOptions.Resolve(run.ProfileName, context.ResolvedConfigPath, context.Environment);
            }

            using var coordinator = MediaMeshClient.Create(options);
            await WaitForGatewayAsync(coordinator, TimeSpan.FromSeconds(run.Get(wait)), run.CancellationToken);
            var state = run.Get(stateFile) is { Length: > 0 } s ? s
                : Path.Combine(Path.GetDirectoryName(context.ResolvedConfigPath)!, "demo-seed-state.json");
            var seeder = new DemoSeeder(coordinator, state, line =>
            {
                if (!run.Json)
                {
                    context.Error.WriteLine("demo: " + line);
                }
            });
            var summary = await seeder.RunAsync(run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(new System.Text.Json.Nodes.JsonObject
                {
                    ["organizations"] = summary.Organizations,
                    ["signatures"] = summary.Signatures,
                    ["offers"] = summary.Offers,
                    ["requests"] = summary.Requests,
                    ["licences"] = summary.Licences,
                    ["usageReports"] = summary.UsageReports,
                    ["created"] = summary.Created,
                });
            }
            else
            {
                run.Console.WriteLine($"Demo data ready: {summary.Organizations} organisations, {summary.Signatures} signatures, {summary.Offers} offers, " +
                    $"{summary.Requests} requests, {summary.Licences} licences, {summary.UsageReports} usage reports ({summary.Created} created by this run).");
            }

            return ExitCodes.Ok;
        });
        return Cmd.New("demo", "Demo data of the founding forum", seed);
    }

    private static async Task WaitForGatewayAsync(MediaMeshClient client, TimeSpan patience, CancellationToken ct)
    {
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                await client.Organizations.ListOrganizationsAsync(new ListOrganizationsRequest { PageSize = 1 }, cancellationToken: ct);
                return;
            }
            catch (MediaMeshException e) when (e.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.DeadlineExceeded && DateTime.UtcNow < until)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }
}
