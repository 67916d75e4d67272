using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using MediaMesh.Client;
using Spectre.Console;

namespace MediaMesh.Cli;

/// <summary>One run of one command: its parsed values, its client, and how it writes results.</summary>
public sealed class Invocation : IDisposable
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private MediaMeshClient? _client;

    public Invocation(ParseResult parsed, CliContext context, CancellationToken cancellationToken)
    {
        Parsed = parsed;
        Context = context;
        CancellationToken = cancellationToken;
        Json = parsed.GetValue(CliApp.Json);
        Console = context.ConsoleFor(context.Out);
        ErrorConsole = context.ConsoleFor(context.Error);
    }

    public ParseResult Parsed { get; }

    public CliContext Context { get; }

    public CancellationToken CancellationToken { get; }

    public bool Json { get; }

    public IAnsiConsole Console { get; }

    public IAnsiConsole ErrorConsole { get; }

    public string? ProfileName => Parsed.GetValue(CliApp.Profile);

    /// <summary>The client of the selected profile (or the environment), created on first use.</summary>
    public MediaMeshClient Client => _client ??= MediaMeshClient.Create(
        MediaMeshClientOptions.Resolve(ProfileName, Context.ResolvedConfigPath, Context.Environment));

    public T? Get<T>(Option<T> option) => Parsed.GetValue(option);

    public T Get<T>(Argument<T> argument) => Parsed.GetValue(argument)!;

    /// <summary>Writes one message: JSON with --json, else a two-column table of the given rows.</summary>
    public int Show(IMessage message, params (string Field, string? Value)[] rows)
    {
        if (Json)
        {
            WriteJson(JsonNode.Parse(Formatter.Format(message)));
            return ExitCodes.Ok;
        }

        var grid = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("field").AddColumn("value");
        foreach (var (field, value) in rows)
        {
            grid.AddRow(new Text(field, new Style(decoration: Decoration.Bold)), new Text(value ?? string.Empty));
        }

        Console.Write(grid);
        return ExitCodes.Ok;
    }

    /// <summary>Writes a list: a JSON array with --json, else a table with the given columns.</summary>
    public int List<T>(IReadOnlyList<T> items, string[] columns, Func<T, string?[]> row, string? caption = null)
        where T : IMessage
    {
        if (Json)
        {
            WriteJson(new JsonArray(items.Select(i => JsonNode.Parse(Formatter.Format(i))).ToArray()));
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        }

        foreach (var item in items)
        {
            table.AddRow(row(item).Select(v => (Spectre.Console.Rendering.IRenderable)new Text(v ?? string.Empty)).ToArray());
        }

        table.Caption(caption ?? $"{items.Count} shown");
        Console.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>A confirmation line for people; nothing with --json (the JSON is the result).</summary>
    public void Say(string text)
    {
        if (!Json)
        {
            Console.WriteLine(text);
        }
    }

    public void WriteJson(JsonNode? node) =>
        Context.Out.WriteLine(node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null");

    public static string Format(IMessage message) => Formatter.Format(message);

    public void Dispose() => _client?.Dispose();
}

/// <summary>Builds commands tersely: options, arguments, and an action that runs in an <see cref="Invocation"/>.</summary>
public static class Cmd
{
    public static Command New(string name, string description, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option o: command.Add(o); break;
                case Argument a: command.Add(a); break;
                case Command c: command.Add(c); break;
            }
        }

        return command;
    }

    public static Command Does(this Command command, CliContext context, Func<Invocation, Task<int>> action)
    {
        command.SetAction(async (parsed, ct) =>
        {
            using var invocation = new Invocation(parsed, context, ct);
            return await action(invocation);
        });
        return command;
    }

    public static Option<T> Opt<T>(string name, string description, bool required = false) =>
        new(name) { Description = description, Required = required };

    public static Option<string[]> Many(string name, string description) =>
        new(name) { Description = description + " (repeat, or separate with commas)", AllowMultipleArgumentsPerToken = false };

    public static Option<int> Limit(int fallback = 50) =>
        new("--limit") { Description = $"Most items to show (default {fallback}; pages are fetched as needed)", DefaultValueFactory = _ => fallback };

    public static Argument<string> Id(string name, string description) => new(name) { Description = description };
}
