using Spectre.Console;

namespace MediaMesh.Cli;

/// <summary>Where a CLI run reads and writes: the real console, or writers a test captures.</summary>
public sealed class CliContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required TextReader In { get; init; }

    /// <summary>True when a person is at the terminal (prompts and live progress allowed).</summary>
    public bool Interactive { get; init; }

    /// <summary>Environment lookup (tests pass their own).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The config file; null means the default location.</summary>
    public string? ConfigPath { get; init; }

    public string ResolvedConfigPath => ConfigPath ?? MediaMesh.Client.ClientConfigFile.DefaultPath(Environment);

    public static CliContext FromConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        Interactive = !Console.IsOutputRedirected && !Console.IsInputRedirected,
    };

    /// <summary>A Spectre console over <paramref name="writer"/>, with colours only on a real terminal.</summary>
    public IAnsiConsole ConsoleFor(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
    });
}

/// <summary>A mistake on the command line (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
