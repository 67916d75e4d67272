using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using MediaMesh.Bench.Support;
using MediaMesh.ServiceDefaults.Identity;
using MediaMesh.Startup.Bench;
using Microsoft.Extensions.Options;
using ExchangeV1 = MediaMesh.Contracts.Exchange.V1;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;
using OrganizationV1 = MediaMesh.Contracts.Organization.V1;

// Start-up and footprint (issue 11 target 6): every service and the gateway SERVING within 3 s of
// process start, idle RSS under 120 MB. See bench/README.md.
const double StartTargetSeconds = 3.0;
const double RssTargetMb = 120.0;

var root = BenchStack.RepositoryRoot();
var options = StartupOptions.Parse(args, root);
if (options.Build)
{
    Run("dotnet", ["build", "-c", "Release", "-v", "q", Path.Combine(root, "MediaMesh.sln")]);
}

// In dependency order, as the AppHost and docker-compose start them; each timed alone.
string[] hosts = ["organization", "initiative", "exchange", "gateway"];
try
{
    foreach (var host in hosts)
    {
        BenchStack.AssemblyOf(host);
    }
}
catch (FileNotFoundException missing)
{
    Console.Error.WriteLine($"{missing.Message} (or pass --build)");
    return 2;
}

// The build output (JIT-compiled at run time) and, side by side, what the container images run: the hosts published
// for this machine's runtime identifier, which MediaMesh.Host.props makes ReadyToRun (precompiled).
List<Variant> variants = [new("build output (JIT)", null)];
if (options.ReadyToRun)
{
    variants.Add(new("published ReadyToRun", ReadyToRunHosts.Publish(hosts, Console.WriteLine)));
}

var startSeconds = new Dictionary<(Variant, string), List<double>>();
var servingRss = new Dictionary<(Variant, string), List<double>>();
var idleRss = new Dictionary<(Variant, string), List<double>>();
foreach (var key in variants.SelectMany(v => hosts.Select(h => (v, h))))
{
    startSeconds[key] = [];
    servingRss[key] = [];
    idleRss[key] = [];
}

var machine = Machine.Describe();
for (var run = 1; run <= options.Runs; run++)
{
    // Interleaved, each variant first in turn, so that a slow spell of the machine costs both alike.
    foreach (var variant in run % 2 == 1 ? variants : Enumerable.Reverse(variants))
    {
        // A fresh data folder and fresh keys per run, as on a first start of a deployment.
        await using var stack = BenchStack.Create(new BenchStackOptions { BasePort = 6210, Cores = options.Cores, PublishedDirectory = variant.Published });
        foreach (var host in hosts)
        {
            var clock = Stopwatch.StartNew();
            var process = stack.Launch(host);
            await WaitForServingAsync(process, stack.PortOf(host), TimeSpan.FromSeconds(60));
            var seconds = clock.Elapsed.TotalSeconds;
            startSeconds[(variant, host)].Add(seconds);
            servingRss[(variant, host)].Add(Megabytes(ProcessMeter.Memory(process.Id).Rss));
            Console.WriteLine($"run {run}, {variant.Name}: {host} SERVING after {seconds:F2} s");
        }

        foreach (var host in hosts)
        {
            await WarmUpAsync(host, stack);
        }

        await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
        foreach (var host in hosts)
        {
            var rss = Megabytes(ProcessMeter.Memory(stack.Processes[host].Id).Rss);
            idleRss[(variant, host)].Add(rss);
            Console.WriteLine($"run {run}, {variant.Name}: {host} idle RSS {rss:F0} MB");
        }
    }
}

var report = new MarkdownReport(
    "Start-up and footprint",
    "bench/Startup.Bench",
    $"dotnet run -c Release --project bench/Startup.Bench{(args.Length > 0 ? " -- " + string.Join(' ', args) : string.Empty)}",
    machine.Concat(
    [
        $"Runs: {options.Runs} per process and variant, the variants interleaved (each first in turn); each run a fresh data folder (SQLite, migrations applied at start) and fresh ECDSA P-256 keys",
        $"Processes: `dotnet <host>.dll`, ASPNETCORE_ENVIRONMENT=Production, no OTLP exporter, pinned with `taskset -c {options.Cores}`; started one after another in dependency order (organization, initiative, exchange, gateway)",
        "Variants: the Release build output (`dotnet build -c Release`, compiled by the JIT as it runs)"
            + (options.ReadyToRun ? $", and the hosts published for {RuntimeInformation.RuntimeIdentifier} (`dotnet publish -c Release -r {RuntimeInformation.RuntimeIdentifier} --self-contained false`), which MediaMesh.Host.props makes ReadyToRun, as deploy/Dockerfile ships them" : string.Empty),
        "Start-up: from process start to the first grpc.health.v1 Check answering SERVING (polled every 20 ms)",
        $"Idle RSS: VmRSS after 50 health checks and 50 authenticated calls per process (through the gateway: unauthenticated ones), then {options.IdleSeconds} s idle",
    ]));
report.Heading("Results");
report.Table(
    ["process", "variant", "start to SERVING, s: median (min–max)", $"≤ {StartTargetSeconds:F0} s", "start vs build output (medians)", "RSS at SERVING, MB", "idle RSS, MB: median (min–max)", $"< {RssTargetMb:F0} MB"],
    hosts.SelectMany(h => variants.Select(v =>
    {
        var start = Summary.Of(startSeconds[(v, h)]);
        var idle = Summary.Of(idleRss[(v, h)]);
        var baseline = Summary.Of(startSeconds[(variants[0], h)]);
        return (IReadOnlyList<string>)
        [
            h,
            v.Name,
            start.MedianRange("F2"),
            start.Max <= StartTargetSeconds ? "met" : $"missed by {(start.Max - StartTargetSeconds).ToString("F2", CultureInfo.InvariantCulture)} s (slowest run)",
            (start.Median / baseline.Median).ToString("F2", CultureInfo.InvariantCulture) + "×",
            Summary.Of(servingRss[(v, h)]).MedianRange("F0"),
            idle.MedianRange("F0"),
            idle.Max < RssTargetMb ? "met" : $"missed by {(idle.Max - RssTargetMb).ToString("F0", CultureInfo.InvariantCulture)} MB (largest run)",
        ];
    })),
    [false, false, true, false, true, true, true, false]);
report.Line("A target counts as met only if every run met it (the slowest start, the largest idle RSS).");
report.Save(options.Output);
Console.WriteLine($"wrote {options.Output}");
return 0;

static double Megabytes(long bytes) => bytes / (1024.0 * 1024.0);

static async Task WaitForServingAsync(PinnedProcess process, int port, TimeSpan timeout)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < timeout)
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"a host exited before SERVING on {port}:\n{process.Output}");
        }

        // A new channel per attempt: a channel whose connection was refused waits out a reconnect
        // back-off (a second and more) before it tries again, which would be counted as start-up.
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(1));
            if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }
        }
        catch (RpcException)
        {
            // Not listening yet, or not ready.
        }

        await Task.Delay(20);
    }

    throw new TimeoutException($"not SERVING on {port} within {timeout}:\n{process.Output}");
}

static async Task WarmUpAsync(string host, BenchStack stack)
{
    using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{stack.PortOf(host)}");
    var health = new Health.HealthClient(channel);
    var gateway = new InternalTokenIssuer(Options.Create(new InternalTokenOptions { PrivateKey = stack.PrivateKeyOf("gateway") }), new InternalTokenIdentity("gateway"), TimeProvider.System);
    var headers = host == "gateway" ? new Metadata() : new Metadata { { "authorization", $"Bearer {gateway.Issue("org_startup_bench", CallerRoles.Coordinator)}" } };
    for (var i = 0; i < 50; i++)
    {
        await health.CheckAsync(new HealthCheckRequest());
        // Reads of ids that do not exist: authentication, the interceptors, a database query, NOT_FOUND.
        // Through the gateway, without an API key: UNAUTHENTICATED at the gateway (soon RESOURCE_EXHAUSTED, its refusal limit).
        var call = host switch
        {
            "initiative" => new InitiativeV1.InitiativeService.InitiativeServiceClient(channel)
                .GetInitiativeAsync(new InitiativeV1.GetInitiativeRequest { Id = "ini_00000000000000000000000000000000" }, headers).ResponseAsync,
            "exchange" => (Task)new ExchangeV1.OfferService.OfferServiceClient(channel)
                .GetOfferAsync(new ExchangeV1.GetOfferRequest { Id = "off_00000000000000000000000000000000" }, headers).ResponseAsync,
            _ => new OrganizationV1.OrganizationService.OrganizationServiceClient(channel)
                .GetOrganizationAsync(new OrganizationV1.GetOrganizationRequest { Id = "org_00000000000000000000000000000000" }, headers).ResponseAsync,
        };
        try
        {
            await call;
        }
        catch (RpcException refused) when (refused.StatusCode is StatusCode.NotFound or StatusCode.Unauthenticated or StatusCode.InvalidArgument or StatusCode.ResourceExhausted)
        {
            // Expected: the point is the work the call costs, not its answer.
        }
    }
}

static void Run(string file, IReadOnlyList<string> arguments)
{
    var info = new ProcessStartInfo(file);
    foreach (var argument in arguments)
    {
        info.ArgumentList.Add(argument);
    }

    using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with {process.ExitCode}");
    }
}

/// <summary>One way of running the hosts: their build output, or what <c>dotnet publish</c> put in <see cref="Published"/>.</summary>
internal sealed record Variant(string Name, string? Published);
