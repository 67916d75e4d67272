using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using MediaMesh.Common.Validation;
using MediaMesh.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Status = Grpc.Core.Status;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Initiative.Tests;

/// <summary>
/// The initiative service calling an organization service (a real gRPC server on loopback) that answers
/// with a chosen status: the member never sees the organization service's own codes.
/// </summary>
public sealed class DependencyFailureTests
{
    private static V1.CreateInitiativeRequest Create() => new() { Initiative = InitiativeSystem.NewInitiative("org_proposer") };

    [Theory]
    [InlineData(StatusCode.Unimplemented)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.FailedPrecondition)]
    public async Task A_status_not_about_the_members_call_is_internal_with_a_trace_id(StatusCode answer)
    {
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(answer, "organization-side detail"));
        using var initiatives = new InitiativeServiceHost(organizations.Address);

        var refused = await GrpcAssert.Refused(StatusCode.Internal, () => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()));

        Assert.DoesNotContain("organization-side detail", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Trace id", refused.Status.Detail, StringComparison.Ordinal);
        var info = refused.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.True(info.Metadata.ContainsKey("trace_id"));
    }

    [Fact]
    public async Task The_organization_services_argument_error_about_the_members_ids_is_the_members_invalid_argument()
    {
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.InvalidArgument, "ids: bad"));
        using var initiatives = new InitiativeServiceHost(organizations.Address);

        await GrpcAssert.Invalid(() => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()), "initiative.proposer_ids");
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    public async Task An_organization_service_that_cannot_answer_now_is_unavailable(StatusCode answer)
    {
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(answer, "busy"));
        using var initiatives = new InitiativeServiceHost(organizations.Address);

        var refused = await GrpcAssert.Refused(StatusCode.Unavailable, () => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()));
        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<RetryInfo>());
    }

    [Fact]
    public async Task With_two_organization_replicas_of_which_one_is_down_every_call_reaches_the_other()
    {
        // The live replica answers FAILED_PRECONDITION (INTERNAL to the member); the one that is down would be UNAVAILABLE.
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.FailedPrecondition, "answered"));
        using var initiatives = new InitiativeServiceHost(organizations.Address);
        initiatives.WithSetting("MediaMesh:Services:organization:Addresses:0", "http://127.0.0.1:9")
            .WithSetting("MediaMesh:Services:organization:Addresses:1", organizations.Address.ToString());

        for (var call = 0; call < 10; call++)
        {
            await GrpcAssert.Refused(StatusCode.Internal, () => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()));
        }
    }

    [Fact]
    public async Task With_two_organization_replicas_of_which_one_accepts_connections_but_never_answers_reads_are_hedged_to_the_other()
    {
        // A replica that is there but silent (just restarted and still compiling, or stuck): without hedging,
        // every call the balancer gives it would wait out the 5 s deadline and the member's write be UNAVAILABLE.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                held.Add(await silent.AcceptSocketAsync(stop.Token));
            }
        });
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.FailedPrecondition, "answered"));
        using var initiatives = new InitiativeServiceHost(organizations.Address);
        initiatives.WithSetting("MediaMesh:Services:organization:Addresses:0", $"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}")
            .WithSetting("MediaMesh:Services:organization:Addresses:1", organizations.Address.ToString());

        for (var call = 0; call < 6; call++)
        {
            await GrpcAssert.Refused(StatusCode.Internal, () => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()));
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accepting);
        held.ForEach(socket => socket.Dispose());
    }

    [Fact]
    public async Task With_two_organization_replicas_one_that_answers_slowly_gets_few_calls_while_it_holds_others()
    {
        // "slow" answers after 5 s (a replica just restarted and still compiling its code and queries): round-robin
        // gave it every other call, each waiting for the 1 s hedge. Calls go to the least loaded replica (calls in flight
        // times answer time): it gets a first few and a try now and then, and the hedges of those go to the other replica.
        await using var fast = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.FailedPrecondition, "fast"));
        await using var slow = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.FailedPrecondition, "slow"));
        slow.AnswerAfter(TimeSpan.FromSeconds(5));
        using var initiatives = new InitiativeServiceHost(fast.Address);
        initiatives.WithSetting("MediaMesh:Services:organization:Addresses:0", fast.Address.ToString())
            .WithSetting("MediaMesh:Services:organization:Addresses:1", slow.Address.ToString());

        const int Workers = 4, CallsEach = 10;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            for (var call = 0; call < CallsEach; call++)
            {
                await GrpcAssert.Refused(StatusCode.Internal, () => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()));
            }
        }));

        Assert.True(fast.Calls >= Workers * CallsEach, $"every call was answered by the fast replica ({fast.Calls})");
        Assert.True(slow.Calls < Workers * CallsEach / 4, $"the slow replica got {slow.Calls} of {Workers * CallsEach} calls (round-robin: about half)");
    }

    [Fact]
    public async Task Only_organization_replicas_that_answer_ready_get_calls_and_one_joins_or_leaves_as_its_readiness_changes()
    {
        // Which replica answered shows in the member's status: "first" is FAILED_PRECONDITION (INTERNAL to the
        // member), "second" an argument error about the member's ids (INVALID_ARGUMENT).
        await using var first = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.FailedPrecondition, "first"));
        await using var second = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.InvalidArgument, "second"));
        second.SetReady(false);
        using var initiatives = new InitiativeServiceHost(first.Address);
        initiatives.WithSetting("MediaMesh:Services:organization:Addresses:0", first.Address.ToString())
            .WithSetting("MediaMesh:Services:organization:Addresses:1", second.Address.ToString())
            .WithSetting("MediaMesh:Services:organization:ReadinessProbeInterval", "00:00:00.200");

        // Listening but not ready (starting, or draining before it stops): no call reaches it once its probe has
        // answered. The channel's first call starts the probes and waits at most 300 ms for their answers, which a
        // loaded machine may need longer for: that call may go anywhere.
        await AnsweredAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        for (var call = 0; call < 10; call++)
        {
            Assert.Equal(StatusCode.Internal, await AnsweredAsync());
        }

        second.SetReady(true);
        Assert.True(await EventuallyAsync(StatusCode.InvalidArgument), "the replica that became ready got no calls");

        first.SetReady(false);
        Assert.True(await EventuallyAsync(StatusCode.InvalidArgument, inARow: 10), "the replica that stopped being ready still got calls");

        async Task<StatusCode> AnsweredAsync()
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()).ResponseAsync);
            return refused.StatusCode;
        }

        async Task<bool> EventuallyAsync(StatusCode expected, int inARow = 1)
        {
            var seen = 0;
            for (var call = 0; call < 200; call++)
            {
                seen = await AnsweredAsync() == expected ? seen + 1 : 0;
                if (seen == inARow)
                {
                    return true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }

            return false;
        }
    }

    [Fact]
    public async Task With_no_organization_replica_ready_calls_still_go_to_the_replicas_rather_than_nowhere()
    {
        await using var first = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.FailedPrecondition, "first"));
        await using var second = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.InvalidArgument, "second"));
        first.SetReady(false);
        second.SetReady(false);
        using var initiatives = new InitiativeServiceHost(first.Address);
        initiatives.WithSetting("MediaMesh:Services:organization:Addresses:0", first.Address.ToString())
            .WithSetting("MediaMesh:Services:organization:Addresses:1", second.Address.ToString())
            .WithSetting("MediaMesh:Services:organization:ReadinessProbeInterval", "00:00:00.200");

        // Each replica answered (its own status), none was left out: the calls fail or succeed as without the probe.
        // The balancer prefers the replica that answered faster and tries the other once its estimate has faded
        // (LeastLoadedBalancerFactory.Decay), so both answer within seconds, not necessarily in the first calls.
        var seen = new HashSet<StatusCode>();
        for (var call = 0; call < 300 && seen.Count < 2; call++)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()).ResponseAsync);
            seen.Add(refused.StatusCode);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal([StatusCode.InvalidArgument, StatusCode.Internal], seen.Order());
    }

    [Fact]
    public async Task A_replica_whose_first_calls_all_arrive_at_once_answers_every_one_of_them()
    {
        // grpc-dotnet's client factory made the outbound channel on first use, and first uses at once could race
        // in its load-balancing set-up: a call failed INTERNAL ("Channel is configured with an HTTP transport
        // doesn't support client-side load balancing"), seen in the fault suite's rolling restart the moment a
        // restarted replica was ready. The channel is now made once, as the host starts (OutboundChannelsStartup):
        // its handler is built before the first call and never again.
        await using var first = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.InvalidArgument, "first"));
        await using var second = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.InvalidArgument, "second"));
        for (var replica = 0; replica < 4; replica++)
        {
            var channels = new ChannelHandlerCount(nameof(OrgV1.OrganizationService.OrganizationServiceClient));
            using var initiatives = new InitiativeServiceHost(first.Address)
                .WithTestServices(services => services.AddSingleton<IHttpMessageHandlerBuilderFilter>(channels));
            initiatives.WithSetting("MediaMesh:Services:organization:Addresses:0", first.Address.ToString())
                .WithSetting("MediaMesh:Services:organization:Addresses:1", second.Address.ToString());
            _ = initiatives.Services;
            Assert.Equal(1, channels.Built);
            var client = initiatives.ClientAs("org_proposer");
            using var go = new ManualResetEventSlim();
            var calls = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
            {
                go.Wait();
                var refused = await Assert.ThrowsAsync<RpcException>(() => client.CreateInitiativeAsync(Create()).ResponseAsync);
                return refused.StatusCode;
            })).ToList();
            go.Set();

            Assert.All(await Task.WhenAll(calls), status => Assert.Equal(StatusCode.InvalidArgument, status));
            Assert.Equal(1, channels.Built);
        }
    }

    /// <summary>Counts the HTTP handlers built for one named client: one per channel the gRPC client factory makes.</summary>
    private sealed class ChannelHandlerCount(string clientName) : IHttpMessageHandlerBuilderFilter
    {
        private int _built;

        public int Built => Volatile.Read(ref _built);

        public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
        {
            if (builder.Name == clientName)
            {
                Interlocked.Increment(ref _built);
            }

            next(builder);
        };
    }

    [Fact]
    public async Task An_unreachable_organization_service_is_unavailable()
    {
        using var initiatives = new InitiativeServiceHost(new Uri("http://127.0.0.1:9"));

        await GrpcAssert.Refused(StatusCode.Unavailable, () => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(Create()));
    }

    private static IEnumerable<T> Many<T>(int count, Func<int, T> entry) => Enumerable.Range(0, count).Select(entry);

    private static CommonV1.LocalizedText Text(int i) => new() { Language = $"en-x-{i}", Text = $"t{i}" };

    public static TheoryData<string> InitiativeFields => new()
    {
        "initiative.titles", "initiative.charter", "initiative.objectives", "initiative.objectives[0].text", "initiative.proposer_ids", "initiative.target_regions",
    };

    [Theory]
    [MemberData(nameof(InitiativeFields))]
    public async Task An_initiative_field_over_its_bound_is_invalid(string field)
    {
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.Unavailable, "not needed"));
        using var initiatives = new InitiativeServiceHost(organizations.Address);
        var initiative = InitiativeSystem.NewInitiative("org_proposer");
        switch (field)
        {
            case "initiative.titles": initiative.Titles.AddRange(Many(RepeatedFieldLimits.Texts, Text)); break;
            case "initiative.charter": initiative.Charter.AddRange(Many(RepeatedFieldLimits.Texts, Text)); break;
            case "initiative.objectives": initiative.Objectives.AddRange(Many(RepeatedFieldLimits.Objectives, i => new V1.Objective { Text = { Text(i) } })); break;
            case "initiative.objectives[0].text": initiative.Objectives[0].Text.AddRange(Many(RepeatedFieldLimits.Texts, Text)); break;
            case "initiative.proposer_ids": initiative.ProposerIds.AddRange(Many(RepeatedFieldLimits.Ids, i => $"org_{i}")); break;
            default: initiative.TargetRegions.AddRange(Many(RepeatedFieldLimits.EnumValues, _ => CommonV1.Region.Europe)); break;
        }

        await GrpcAssert.Invalid(() => initiatives.ClientAs("org_proposer").CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = initiative }), field);
    }

    [Fact]
    public async Task Activity_lists_and_update_masks_over_their_bounds_are_invalid()
    {
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(StatusCode.Unavailable, "not needed"));
        using var initiatives = new InitiativeServiceHost(organizations.Address);
        var client = initiatives.ClientAs("org_proposer");
        var activity = new V1.Activity
        {
            InitiativeId = "ini_x",
            Kind = V1.ActivityKind.Screening,
            Titles = { Many(RepeatedFieldLimits.Texts + 1, Text) },
            Place = new CommonV1.Place { CountryCode = "cl", City = "Santiago" },
            StartTime = Timestamp.FromDateTime(new DateTime(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc)),
            EndTime = Timestamp.FromDateTime(new DateTime(2027, 3, 1, 3, 0, 0, DateTimeKind.Utc)),
            PartnerIds = { Many(RepeatedFieldLimits.Ids + 1, i => $"org_{i}") },
        };
        await GrpcAssert.Invalid(() => client.CreateActivityAsync(new V1.CreateActivityRequest { Activity = activity }), "activity.titles", "activity.partner_ids");

        var mask = new FieldMask();
        mask.Paths.AddRange(Many(RepeatedFieldLimits.MaskPaths + 1, _ => "titles"));
        await GrpcAssert.Invalid(() => client.UpdateInitiativeAsync(new V1.UpdateInitiativeRequest { Initiative = new V1.Initiative { Id = "ini_x" }, UpdateMask = mask }),
            "update_mask.paths");
        await GrpcAssert.Invalid(() => client.UpdateActivityAsync(new V1.UpdateActivityRequest { Activity = new V1.Activity { Id = "act_x" }, UpdateMask = mask }),
            "update_mask.paths");
    }
}
