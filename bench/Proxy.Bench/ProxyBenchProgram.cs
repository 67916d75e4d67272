using System.Diagnostics;
using System.Globalization;
using MediaMesh.Bench.Support;
using MediaMesh.Proxy.Bench;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Options;
using ExchangeV1 = MediaMesh.Contracts.Exchange.V1;
using InitiativeV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

var options = ProxyBenchOptions.Parse(args);
const int BasePort = 6100;
const string ProxyCores = "1";
const int BaselinePort = BasePort + 50;
const int HaproxyPort = BasePort + 10, NginxPort = BasePort + 11, PlainYarpPort = BasePort + 12, TrivialPort = BasePort + 13, UntracedGatewayPort = BasePort + 20;
var command = "dotnet run -c Release --project bench/Proxy.Bench" + (args.Length > 0 ? " -- " + string.Join(' ', args) : string.Empty);
var outDirectory = options.OutDirectory ?? Path.Combine(BenchStack.RepositoryRoot(), "bench", "results");
var setupFacts = new List<string> { $"Load average (1/5/15 min) when the stack started: {Machine.LoadAverage()}" };

// The load generator on core 0; every process it measures (taskset) on core 1.
if (!OperatingSystem.IsLinux())
{
    throw new PlatformNotSupportedException("Proxy.Bench reads /proc and pins with taskset: Linux only");
}

Process.GetCurrentProcess().ProcessorAffinity = 1;
var duration = TimeSpan.FromSeconds(options.Seconds);
var warmUp = TimeSpan.FromSeconds(Math.Min(1, options.Seconds / 5));

// The limiters run on every call as in production; the token bucket (refilled every 10 ms to its largest setting)
// and the in-flight limits are big enough that the benchmark's one member, 256 calls in flight, is never refused
// (the shipped 50 calls/s and 32 in flight would refuse it at once).
var gatewayLimits = new Dictionary<string, IReadOnlyDictionary<string, string>>
{
    ["gateway"] = new Dictionary<string, string>
    {
        ["MediaMesh__Gateway__RateLimit__BurstLimit"] = "1000000",
        ["MediaMesh__Gateway__RateLimit__TokensPerPeriod"] = "1000000",
        ["MediaMesh__Gateway__RateLimit__ReplenishmentPeriod"] = "00:00:00.010",
        ["MediaMesh__Gateway__InFlight__PerOrganization"] = "10000",
        ["MediaMesh__Gateway__InFlight__Total"] = "10000",
    },
};
Console.WriteLine("starting the stack (organization, initiative, exchange, gateway) on core 1...");
await using var stack = await BenchStack.StartAsync(new BenchStackOptions { BasePort = BasePort, Cores = ProxyCores, ProcessEnvironment = gatewayLimits });
var member = await MemberFixture.CreateAsync(stack);
Console.WriteLine($"member {member.OrganizationId}, offer {member.OfferId}, initiative {member.InitiativeId}");

// With --baseline, the same hosts of an earlier commit beside them (ports from BaselinePort), for the hot-path calls.
await using var baselineStack = options.Baseline is null ? null : await BenchStack.StartAsync(new BenchStackOptions
{
    BasePort = BaselinePort, Cores = ProxyCores, ProcessEnvironment = gatewayLimits, PublishedDirectory = options.Baseline,
});
var baselineMember = baselineStack is null ? null : await MemberFixture.CreateAsync(baselineStack);

// What the gateway forwards for this member (fresh for each run: a token lives 60 s).
var memberToken = MemberTokens(stack, member);
var baselineToken = baselineStack is null ? null : MemberTokens(baselineStack, baselineMember!);

var folder = Directory.CreateTempSubdirectory("mediamesh-proxy-bench-").FullName;
var backends = new Backends(stack.PortOf("organization"), stack.PortOf("initiative"), stack.PortOf("exchange"));
var organization = stack.Processes["organization"];
var started = new List<PinnedProcess>();
try
{
    var getOrganization = GrpcCall.Of("GetOrganization", "/mediamesh.organization.v1.OrganizationService/GetOrganization",
        new OrgV1.GetOrganizationRequest { Id = member.OrganizationId });

    // What the generator can do on its own, against a server that does nothing.
    var trivial = await Forwarders.StartTrivialAsync(ProxyCores, TrivialPort);
    started.Add(trivial);
    var (generatorFacts, trivialMicrosPerCall) = await MeasureGeneratorAsync(trivial);
    setupFacts.AddRange(generatorFacts);

    var targets = new List<Target>();
    foreach (var name in options.SelectedTargets)
    {
        var target = name switch
        {
            "direct" => new Target(name, "direct to the organization service", BasePort + 1, null, UsesApiKey: false),
            "haproxy" => new Target(name, "haproxy 2.6 (`proto h2`)", HaproxyPort, await Start(Forwarders.StartHaproxyAsync(folder, ProxyCores, HaproxyPort, backends)), false),
            "nginx" => new Target(name, "nginx 1.22 `grpc_pass`", NginxPort, await Start(Forwarders.StartNginxAsync(folder, ProxyCores, NginxPort, backends)), false),
            "plain-yarp" => new Target(name, "plain YARP 2.3, no middleware", PlainYarpPort, await Start(Forwarders.StartPlainYarpAsync(ProxyCores, PlainYarpPort, backends)), false),
            "gateway" => new Target(name, "MediaMesh gateway (auth, rate limit, tracing)", stack.GatewayPort, stack.Processes["gateway"], UsesApiKey: true),
            _ => new Target(name, "diagnostic: the gateway with OpenTelemetry off (`OTEL_SDK_DISABLED`)", UntracedGatewayPort, await Start(StartUntracedGatewayAsync()), UsesApiKey: true),
        };
        targets.Add(target);
    }

    var hotCalls = options.RunsHotPath ? HotCalls(member) : [];
    var baselineCalls = baselineMember is null ? [] : HotCalls(baselineMember);

    // Connections are opened once and kept through the rounds, as a client keeps its channel.
    using var generators = new GeneratorPool(options.Connections);
    var loads = targets.ToDictionary(t => t.Name, _ => new List<Measurement>());
    var serials = targets.ToDictionary(t => t.Name, _ => new List<Measurement>());
    var hot = hotCalls.ToDictionary(c => c.Call.Name, _ => new List<Measurement>());
    var hotBaseline = baselineCalls.ToDictionary(c => c.Call.Name, _ => new List<Measurement>());

    // First pass untimed: JIT, tiering, connection pools and the gateway's key cache warm up.
    Console.WriteLine("warm-up...");
    foreach (var target in targets)
    {
        await RunTargetAsync(target, options.Connections, options.Streams, TimeSpan.FromSeconds(Math.Max(2, options.Seconds / 2)));
        await RunTargetAsync(target, 1, 1, TimeSpan.FromSeconds(1));
    }

    foreach (var call in hotCalls)
    {
        await RunHotAsync(stack, memberToken, call, TimeSpan.FromSeconds(Math.Max(2, options.Seconds / 2)));
    }

    foreach (var call in baselineCalls)
    {
        await RunHotAsync(baselineStack!, baselineToken!, call, TimeSpan.FromSeconds(Math.Max(2, options.Seconds / 2)));
    }

    for (var round = 1; round <= options.Rounds; round++)
    {
        Console.WriteLine($"round {round}/{options.Rounds} (load average {Machine.LoadAverage()})");
        foreach (var target in targets)
        {
            await RunTargetAsync(target, options.Connections, options.Streams, warmUp);
            var load = await RunTargetAsync(target, options.Connections, options.Streams, duration);
            loads[target.Name].Add(load);
            var serial = await RunTargetAsync(target, 1, 1, duration);
            serials[target.Name].Add(serial);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {target.Name,-11} {load.Load.CallsPerSecond,8:F0} calls/s  proxy {(target.Proxy is null ? double.NaN : load.ProxyMicrosPerCall),6:F1} µs/call  service {load.ServiceMicrosPerCall,6:F1} µs/call  serial p50 {serial.Load.Percentile(0.5):F3} ms  failures {load.Load.Failures + serial.Load.Failures}"));
        }

        for (var i = 0; i < hotCalls.Count; i++)
        {
            await MeasureHotAsync(stack, memberToken, hotCalls[i], hot, string.Empty);
            if (baselineStack is not null)
            {
                await MeasureHotAsync(baselineStack, baselineToken!, baselineCalls[i], hotBaseline, " (baseline)");
            }
        }
    }

    setupFacts.Add($"Rounds: {options.Rounds}, {options.Seconds.ToString(CultureInfo.InvariantCulture)} s per timed run; at load {options.Connections} connections × {options.Streams} streams, serial 1 × 1");
    if (options.RunsProxies)
    {
        ProxyReports.GatewayOverhead(command, setupFacts, targets, loads, serials).Save(Path.Combine(outDirectory, "gateway-overhead.md"));
    }

    if (options.RunsHotPath)
    {
        ProxyReports.ServiceHotPath(command, setupFacts, hotCalls, hot, trivialMicrosPerCall, baselineStack is null ? null : hotBaseline)
            .Save(Path.Combine(outDirectory, "service-hot-path.md"));
    }

    async Task<Measurement> RunTargetAsync(Target target, int connections, int streams, TimeSpan time)
    {
        var authorization = target.UsesApiKey ? "Bearer " + member.ApiKey : memberToken();
        var generator = generators.For(target.Port, connections);
        return await Measurement.TakeAsync(generator, getOrganization, authorization, streams, time, target.Proxy, organization);
    }

    async Task<Measurement> RunHotAsync(BenchStack on, Func<string> token, HotCall call, TimeSpan time)
    {
        var generator = generators.For(on.PortOf(call.Service), options.Connections);
        return await Measurement.TakeAsync(generator, call.Call, call.Anonymous ? null : token(), options.Streams, time, null, on.Processes[call.Service]);
    }

    async Task MeasureHotAsync(BenchStack on, Func<string> token, HotCall call, Dictionary<string, List<Measurement>> into, string label)
    {
        await RunHotAsync(on, token, call, warmUp);
        var measured = await RunHotAsync(on, token, call, duration);
        into[call.Call.Name].Add(measured);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {call.Call.Name + label,-51} {measured.Load.CallsPerSecond,8:F0} calls/s  service {measured.ServiceMicrosPerCall,6:F1} µs/call  failures {measured.Load.Failures}"));
    }

    async Task<(IReadOnlyList<string> Facts, double ServerMicrosPerCall)> MeasureGeneratorAsync(PinnedProcess server)
    {
        using var many = new LoadGenerator(new Uri($"http://127.0.0.1:{TrivialPort}"), options.Connections);
        using var one = new LoadGenerator(new Uri($"http://127.0.0.1:{TrivialPort}"), 1);
        var call = new GrpcCall("Trivial", "/trivial.Trivial/Call", GrpcCall.FrameOf([]));
        await many.RunAsync(call, null, options.Streams, TimeSpan.FromSeconds(2));
        await one.RunAsync(call, null, 1, TimeSpan.FromSeconds(1));
        var load = await Measurement.TakeAsync(many, call, null, options.Streams, TimeSpan.FromSeconds(Math.Min(5, options.Seconds)), server, server);
        var serial = await Measurement.TakeAsync(one, call, null, 1, TimeSpan.FromSeconds(Math.Min(5, options.Seconds)), server, server);
        return (
        [
            string.Create(CultureInfo.InvariantCulture,
                $"Load generator (C#, SocketsHttpHandler h2c, checks grpc-status of every call) against a trivial gRPC server on core 1: {load.Load.CallsPerSecond:F0} calls/s at {options.Connections}×{options.Streams} using {load.GeneratorMicrosPerCall:F1} µs of generator CPU per call ({load.GeneratorBusy:P0} of core 0; the server used {load.ServiceMicrosPerCall:F1} µs/call); serial p50 {serial.Load.Percentile(0.5):F3} ms, p99 {serial.Load.Percentile(0.99):F3} ms; failures {load.Load.Failures + serial.Load.Failures}"),
        ], load.ServiceMicrosPerCall);
    }
}
finally
{
    foreach (var process in started)
    {
        await process.DisposeAsync();
    }

    try
    {
        Directory.Delete(folder, recursive: true);
    }
    catch (IOException)
    {
        // nginx may still hold its log for a moment; the temp folder is cleaned later.
    }
}

// The calls on a service's hot path, against its CPU target, with the ids of a member's rows.
static List<HotCall> HotCalls(MemberFixture member)
{
    List<HotCall> calls =
    [
        new(GrpcCall.Of("GetOrganization", "/mediamesh.organization.v1.OrganizationService/GetOrganization", new OrgV1.GetOrganizationRequest { Id = member.OrganizationId }), "organization", 50),
        new(GrpcCall.Of("GetOffer", "/mediamesh.exchange.v1.OfferService/GetOffer", new ExchangeV1.GetOfferRequest { Id = member.OfferId }), "exchange", 50),
        new(GrpcCall.Of("GetInitiative", "/mediamesh.initiative.v1.InitiativeService/GetInitiative", new InitiativeV1.GetInitiativeRequest { Id = member.InitiativeId }), "initiative", 50),
        new(GrpcCall.Of("GetOrganization (unknown id, NOT_FOUND)", "/mediamesh.organization.v1.OrganizationService/GetOrganization",
            new OrgV1.GetOrganizationRequest { Id = member.UnknownOrganizationId() }, GrpcCall.NotFound), "organization", 50),
    ];
    foreach (var service in new[] { "organization", "initiative", "exchange" })
    {
        calls.Add(new HotCall(new GrpcCall($"Health/Check ({service})", "/grpc.health.v1.Health/Check", GrpcCall.FrameOf([])), service, 20, Anonymous: true));
    }

    return calls;
}

// The internal token the gateway of a stack forwards for its member, signed anew for each run (a token lives 60 s).
static Func<string> MemberTokens(BenchStack stack, MemberFixture member)
{
    var issuer = new InternalTokenIssuer(
        Options.Create(new InternalTokenOptions { PrivateKey = stack.PrivateKeyOf(InternalTokenNames.Gateway) }),
        new InternalTokenIdentity(InternalTokenNames.Gateway), TimeProvider.System);
    return () => "Bearer " + issuer.Issue(member.OrganizationId, CallerRoles.Member, member.ApiKeyId);
}

// A second gateway on the same services, OpenTelemetry's SDK disabled: how much of the gateway's
// cost is tracing and metrics (not a target; the gateway must meet its targets with them on).
async Task<PinnedProcess> StartUntracedGatewayAsync()
{
    var environment = new Dictionary<string, string>(stack.EnvironmentOf("gateway"))
    {
        ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{UntracedGatewayPort}",
        ["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{UntracedGatewayPort + 1}",
        ["OTEL_SDK_DISABLED"] = "true",
    };
    var assembly = BenchStack.AssemblyOf("gateway");
    var process = PinnedProcess.Start(ProxyCores, "dotnet", [assembly], environment, Path.GetDirectoryName(assembly));
    await process.WaitForPortAsync(UntracedGatewayPort, TimeSpan.FromSeconds(60));
    return process;
}

async Task<PinnedProcess> Start(Task<PinnedProcess> starting)
{
    var process = await starting;
    started.Add(process);
    return process;
}

namespace MediaMesh.Proxy.Bench
{
    /// <summary>A path to the organization service: its port, the proxy process in between (none for direct) and what it authenticates with.</summary>
    public sealed record Target(string Name, string Label, int Port, PinnedProcess? Proxy, bool UsesApiKey);

    /// <summary>A call on a service's hot path, timed direct at load against the service's CPU target (µs per call).</summary>
    public sealed record HotCall(GrpcCall Call, string Service, double TargetMicros, bool Anonymous = false);

    /// <summary>One generator (with its open connections) per port and connection count.</summary>
    public sealed class GeneratorPool(int defaultConnections) : IDisposable
    {
        private readonly Dictionary<(int Port, int Connections), LoadGenerator> _generators = [];

        public int DefaultConnections { get; } = defaultConnections;

        public LoadGenerator For(int port, int connections)
        {
            if (!_generators.TryGetValue((port, connections), out var generator))
            {
                generator = new LoadGenerator(new Uri($"http://127.0.0.1:{port}"), connections);
                _generators[(port, connections)] = generator;
            }

            return generator;
        }

        public void Dispose()
        {
            foreach (var generator in _generators.Values)
            {
                generator.Dispose();
            }
        }
    }
}
