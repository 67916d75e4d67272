using System.CommandLine;

namespace MediaMesh.Cli.Commands;

/// <summary>demo seed: the founding forum's demo data, through the public API.</summary>
public static class DemoCommands
{
    public static Command Demo(CliContext context) => Cmd.New("demo", "Demo data of the founding forum");
}
