using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>
/// The initiative service calling a real organization service over a real HTTP/2 loopback connection,
/// with the production client registration (deadline, retry on UNAVAILABLE, token and trace
/// forwarding) unchanged, including the organization service going down or hanging.
/// </summary>
public sealed class CrossServiceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    /// <summary>Slack for retries' backoff and a slow test machine; far below any "hang".</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Checks_work_over_the_network_and_when_the_organization_service_is_down_writes_fail_fast_and_reads_go_on()
    {
        using var organizations = OrganizationServiceHost.StartOnLoopback();
        using var initiatives = new InitiativeServiceHost(organizations.Address, organizationDeadline: Deadline);
        var proposer = await organizations.CreateActiveAsync();
        var signer = await organizations.CreateActiveAsync("IN");
        var lateSigner = await organizations.CreateActiveAsync("EG");
        var suspended = await organizations.CreateSuspendedAsync();
        var client = initiatives.ClientAs(proposer);

        var draft = (await client.CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(proposer) })).Initiative;
        var open = (await client.OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id })).Initiative;
        var signature = (await initiatives.ClientAs(signer).SignInitiativeAsync(new V1.SignInitiativeRequest { InitiativeId = open.Id, SignerName = "S" })).Signature;
        Assert.Equal(CommonV1.Region.AsiaPacific, signature.Region);
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => initiatives.ClientAs(suspended).SignInitiativeAsync(
            new V1.SignInitiativeRequest { InitiativeId = open.Id, SignerName = "S" }));
        var auditBefore = await AuditCountAsync(initiatives, open.Id);

        organizations.Dispose();

        var clock = Stopwatch.StartNew();
        await GrpcAssert.Refused(StatusCode.Unavailable, () => client.CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(proposer) }));
        Assert.True(clock.Elapsed < Deadline + Slack, $"create took {clock.Elapsed}");
        clock.Restart();
        await GrpcAssert.Refused(StatusCode.Unavailable, () => initiatives.ClientAs(lateSigner).SignInitiativeAsync(
            new V1.SignInitiativeRequest { InitiativeId = open.Id, SignerName = "L" }));
        Assert.True(clock.Elapsed < Deadline + Slack, $"sign took {clock.Elapsed}");

        var listed = await client.ListInitiativesAsync(new V1.ListInitiativesRequest { ProposerId = proposer });
        Assert.Equal([open.Id], listed.Initiatives.Select(i => i.Id));
        Assert.Equal(1, listed.Initiatives[0].SignatoryCount);
        var signatures = await client.ListSignaturesAsync(new V1.ListSignaturesRequest { InitiativeId = open.Id, ShowWithdrawn = true });
        Assert.Equal([signer], signatures.Signatures.Select(s => s.OrganizationId));
        Assert.Equal(auditBefore, await AuditCountAsync(initiatives, open.Id));
        Assert.Equal(1, (await client.CountSignaturesByRegionAsync(new V1.CountSignaturesByRegionRequest { InitiativeId = open.Id })).Total);

        // Writes that do not need the organization service go on, and signing again is answered locally.
        var again = (await initiatives.ClientAs(signer).SignInitiativeAsync(new V1.SignInitiativeRequest { InitiativeId = open.Id, SignerName = "S" })).Signature;
        Assert.Equal(signature, again);
        var active = (await client.ActivateInitiativeAsync(new V1.ActivateInitiativeRequest { Id = open.Id })).Initiative;
        Assert.Equal(V1.InitiativeState.Active, active.State);
    }

    [Fact]
    public async Task An_organization_service_that_accepts_but_never_answers_costs_one_deadline_not_a_hang()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                held.Add(await silent.AcceptTcpClientAsync(stop.Token));
            }
        });
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        using var initiatives = new InitiativeServiceHost(address, organizationDeadline: Deadline);
        var client = initiatives.ClientAs("org_anyone");

        var clock = Stopwatch.StartNew();
        await GrpcAssert.Refused(StatusCode.Unavailable, () => client.CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative("org_anyone") }));
        clock.Stop();

        Assert.True(clock.Elapsed >= Deadline - TimeSpan.FromMilliseconds(200), $"gave up after {clock.Elapsed}, before the deadline");
        Assert.True(clock.Elapsed < Deadline + Slack, $"took {clock.Elapsed}");
        Assert.Empty((await client.ListInitiativesAsync(new V1.ListInitiativesRequest { ProposerId = "org_anyone" })).Initiatives);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);
        held.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task The_callers_trace_context_reaches_the_organization_service()
    {
        using var organizations = OrganizationServiceHost.StartOnLoopback();
        using var initiatives = new InitiativeServiceHost(organizations.Address, organizationDeadline: Deadline);
        var proposer = await organizations.CreateActiveAsync();
        // The member's call arrives with a W3C traceparent (as the gateway forwards it). The test runs in
        // the same process as both services, so it also makes that trace the ambient one: in-process
        // client instrumentation then continues it instead of starting another.
        using var caller = new Activity("member-call").SetIdFormat(ActivityIdFormat.W3C).Start();
        var traceId = caller.TraceId.ToHexString();
        var headers = new Metadata { { "traceparent", caller.Id! } };

        await initiatives.ClientAs(proposer).CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = InitiativeSystem.NewInitiative(proposer) }, headers);

        var received = Assert.Single(organizations.ReceivedTraceparents);
        Assert.Equal(traceId, received.Split('-')[1]);
    }

    private static async Task<int> AuditCountAsync(InitiativeServiceHost host, string initiativeId) =>
        (await host.Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { InitiativeId = initiativeId, PageSize = 200 })).Entries.Count;
}
