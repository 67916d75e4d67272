using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

[Collection(nameof(MeshCollection))]
public sealed class TraceTests(Mesh mesh)
{
    [Fact]
    public async Task One_member_call_is_one_trace_from_the_gateway_into_the_service()
    {
        var member = await mesh.CreateMemberAsync("Radio Traced", "IN");
        var client = new OrgV1.OrganizationService.OrganizationServiceClient(mesh.Gateway.Grpc(member.ApiKey));
        var spanList = await CaptureAsync(async () => await client.GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = member.OrganizationId }));
        var gatewaySpan = Assert.Single(spanList, s => s.Kind == ActivityKind.Server && Port(s) == mesh.Gateway.GrpcPort
            && Path(s) == "/mediamesh.organization.v1.OrganizationService/GetOrganization");
        var trace = spanList.Where(s => s.TraceId == gatewaySpan.TraceId).ToList();
        var serviceSpan = Assert.Single(trace, s => s.Kind == ActivityKind.Server && Port(s) == mesh.Organization.Port
            && Path(s) == "/mediamesh.organization.v1.OrganizationService/GetOrganization");

        AssertDescendsFrom(serviceSpan, gatewaySpan, trace);
        // Every server span of the trace is the gateway's or below it: nothing started a trace of its own.
        Assert.All(trace.Where(s => s.Kind == ActivityKind.Server && s != gatewaySpan), s => AssertDescendsFrom(s, gatewaySpan, trace));
        // The new member's key is not cached yet: resolving it is one call, in the same trace.
        var credential = Assert.Single(trace, s => s.Kind == ActivityKind.Server && Path(s)?.Contains("CredentialService", StringComparison.Ordinal) == true);
        AssertDescendsFrom(credential, gatewaySpan, trace);
    }

    internal static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
        {
            return [.. spans];
        }
    }

    internal static int? Port(Activity span) => span.GetTagItem("server.port") is int port ? port : null;

    internal static string? Path(Activity span) => span.GetTagItem("url.path") as string;

    internal static void AssertDescendsFrom(Activity child, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        var current = child;
        var hops = 0;
        while (current.ParentSpanId != ancestor.SpanId)
        {
            Assert.True(byId.TryGetValue(current.ParentSpanId, out var parent), $"span {current.DisplayName} has a parent outside the trace");
            current = parent;
            Assert.True(++hops < 10, "parent chain too long");
        }
    }

    /// <summary>Runs <paramref name="call"/> with an in-memory exporter listening and returns every span recorded.</summary>
    internal static async Task<IReadOnlyList<Activity>> CaptureAsync(Func<Task> call)
    {
        var spans = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder()
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddGrpcClientInstrumentation()
            .AddInMemoryExporter(spans)
            .Build())
        {
            await call();
            await Task.Delay(500);
            tracing.ForceFlush();
        }

        return Snapshot(spans);
    }
}
