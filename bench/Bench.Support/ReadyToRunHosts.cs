using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MediaMesh.Bench.Support;

/// <summary>
/// The hosts as the container images run them: published for this machine's runtime identifier
/// (<c>dotnet publish -c Release -r {rid} --self-contained false</c>), which MediaMesh.Host.props makes ReadyToRun
/// (precompiled), into <c>bench/.publish/ready-to-run/{AssemblyName}</c> (git-ignored). Pass the folder as
/// <see cref="BenchStackOptions.PublishedDirectory"/>. A process started from it serves without compiling its whole
/// request path first, as a restarted container does.
/// </summary>
public static class ReadyToRunHosts
{
    public static readonly IReadOnlyList<string> All = ["organization", "initiative", "exchange", "gateway"];

    public static string Directory => Path.Combine(BenchStack.RepositoryRoot(), "bench", ".publish", "ready-to-run");

    /// <summary>Publishes the hosts (incrementally: an unchanged host is quick) and returns <see cref="Directory"/>.</summary>
    public static string Publish(IEnumerable<string> hosts, Action<string> log)
    {
        foreach (var host in hosts)
        {
            var project = BenchStack.ProjectOf(host);
            var name = Path.GetFileNameWithoutExtension(project);
            log($"publishing {name} ReadyToRun for {RuntimeInformation.RuntimeIdentifier}");
            var info = new ProcessStartInfo("dotnet")
            {
                ArgumentList =
                {
                    "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false",
                    "-nologo", "-v", "q", "-o", Path.Combine(Directory, name),
                },
            };
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet publish");
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish {name} failed with exit code {process.ExitCode}");
            }
        }

        return Directory;
    }
}
