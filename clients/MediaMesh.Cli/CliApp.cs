using System.CommandLine;
using MediaMesh.Cli.Commands;
using MediaMesh.Client;

namespace MediaMesh.Cli;

/// <summary>The command tree and the one place where failures become messages and exit codes.</summary>
public static class CliApp
{
    public static readonly Option<string?> Profile = new("--profile")
    {
        Description = "Stored identity to use (see `mediamesh login`); default: $MEDIAMESH_PROFILE or 'default'",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write JSON (stable proto3 field names) instead of tables",
        Recursive = true,
    };

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("mediamesh: the MediaMesh command line for member broadcasters")
        {
            Profile,
            Json,
        };
        foreach (var command in new[]
        {
            LoginCommands.Login(context), LoginCommands.Logout(context), LoginCommands.Profiles(context),
            OrganizationCommands.Orgs(context), OrganizationCommands.Keys(context), OrganizationCommands.Memberships(context),
            InitiativeCommands.Initiatives(context),
            OfferCommands.Offers(context), MediaCommands.Media(context), CatalogueCommands.Catalog(context),
            LicensingCommands.Requests(context), LicensingCommands.Licences(context),
            FeedCommands.Feed(context), UsageCommands.Usage(context), StatsCommands.Stats(context), AuditCommands.Audit(context),
            DemoCommands.Demo(context),
        })
        {
            root.Add(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = Build(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await context.Error.WriteLineAsync("usage error: " + error.Message);
            }

            await context.Error.WriteLineAsync("Run `mediamesh --help` (or `mediamesh <command> --help`) for the commands and options.");
            return ExitCodes.Usage;
        }

        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler? onCancel = null;
        if (ReferenceEquals(context.Out, Console.Out))
        {
            onCancel = (_, e) =>
            {
                e.Cancel = true;
                interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
            }, interrupt.Token);
        }
        catch (Exception e)
        {
            return await ReportAsync(e, parsed.GetValue(Json), context, interrupt.IsCancellationRequested);
        }
        finally
        {
            if (onCancel is not null)
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
    }

    /// <summary>Writes a failure to stderr (a message with the details, or JSON) and returns its exit code.</summary>
    internal static async Task<int> ReportAsync(Exception e, bool json, CliContext context, bool interrupted)
    {
        switch (e)
        {
            case UsageException usage:
                await context.Error.WriteLineAsync("usage error: " + usage.Message);
                return ExitCodes.Usage;
            case MediaMeshConfigurationException configuration:
                await Write(json, context, "UNAUTHENTICATED", ExitCodes.Unauthenticated, configuration.Message, null);
                return ExitCodes.Unauthenticated;
            case OperationCanceledException when interrupted:
            case Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Cancelled } when interrupted:
                await context.Error.WriteLineAsync("interrupted");
                return ExitCodes.Interrupted;
            case Grpc.Core.RpcException rpc:
                var error = MediaMeshException.From(rpc);
                var exit = ExitCodes.For(error.StatusCode);
                await Write(json, context, StatusName(error.StatusCode), exit, error.Detail, error);
                return exit;
            case IOException io:
                await Write(json, context, "LOCAL_IO", ExitCodes.Failure, io.Message, null);
                return ExitCodes.Failure;
            case UnauthorizedAccessException access:
                await Write(json, context, "LOCAL_IO", ExitCodes.Failure, access.Message, null);
                return ExitCodes.Failure;
            default:
                throw e;
        }
    }

    /// <summary>The canonical name of a status code, e.g. NOT_FOUND.</summary>
    public static string StatusName(Grpc.Core.StatusCode code) =>
        string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    private static async Task Write(bool json, CliContext context, string code, int exit, string message, MediaMeshException? error)
    {
        var fields = error?.FieldViolations ?? [];
        var preconditions = error?.PreconditionViolations ?? [];
        if (json)
        {
            var body = new System.Text.Json.Nodes.JsonObject
            {
                ["code"] = code,
                ["exitCode"] = exit,
                ["message"] = message,
                ["fieldViolations"] = new System.Text.Json.Nodes.JsonArray(fields
                    .Select(f => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["field"] = f.Field, ["description"] = f.Description }).ToArray()),
                ["preconditionViolations"] = new System.Text.Json.Nodes.JsonArray(preconditions
                    .Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["type"] = p.Type, ["subject"] = p.Subject, ["description"] = p.Description }).ToArray()),
            };
            if (error?.RetryDelay is { } delay)
            {
                body["retryDelaySeconds"] = delay.TotalSeconds;
            }

            if (error?.ErrorInfo?.Metadata.TryGetValue("trace_id", out var trace) == true)
            {
                body["traceId"] = trace;
            }

            await context.Error.WriteLineAsync(new System.Text.Json.Nodes.JsonObject { ["error"] = body }.ToJsonString());
            return;
        }

        await context.Error.WriteLineAsync($"error ({code}): {message}");
        foreach (var f in fields)
        {
            await context.Error.WriteLineAsync($"  {f.Field}: {f.Description}");
        }

        foreach (var p in preconditions)
        {
            await context.Error.WriteLineAsync($"  {p.Type} {p.Subject}: {p.Description}".TrimEnd(':', ' '));
        }

        if (error?.RetryDelay is { } wait)
        {
            await context.Error.WriteLineAsync($"  try again in {wait.TotalSeconds:0.#} s");
        }

        if (error?.ErrorInfo is { } info)
        {
            foreach (var (key, value) in info.Metadata)
            {
                await context.Error.WriteLineAsync($"  {key}: {value}");
            }
        }
    }
}
