using Grpc.Core;
using MediaMesh.Bench.Support;
using MediaMesh.Client;
using CommonV1 = MediaMesh.Contracts.Common.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Faults.Kills;

/// <summary>One member broadcaster of the round: its organisation, country and SDK client through the gateway.</summary>
public sealed record KillMember(int Index, string Id, string Country, MediaMeshClient Client);

/// <summary>
/// The members the writers act as, each with its own API key (the gateway's rate limits are per
/// organisation), registered by the stack's coordinator through the gateway.
/// </summary>
public sealed class KillWorld : IDisposable
{
    private static readonly string[] Countries = ["KE", "GH", "BR", "IN", "EG", "ID"];

    private KillWorld(MediaMeshClient coordinator, IReadOnlyList<KillMember> members)
    {
        Coordinator = coordinator;
        Members = members;
    }

    public MediaMeshClient Coordinator { get; }

    public IReadOnlyList<KillMember> Members { get; }

    /// <summary>
    /// A client of the gateway with <paramref name="apiKey"/>; unary calls get <paramref name="deadline"/>.
    /// <paramref name="maxAttempts"/> 1 turns the SDK's retries off (the caller sees every raw status).
    /// </summary>
    public static MediaMeshClient ClientOf(BenchStack stack, string apiKey, TimeSpan deadline, int maxAttempts = 5) => MediaMeshClient.Create(new MediaMeshClientOptions
    {
        GatewayAddress = new Uri($"http://127.0.0.1:{stack.GatewayPort}"),
        ApiKey = apiKey,
        CallDeadline = deadline,
        MaxAttempts = maxAttempts,
        // The SDK's one retry layer stays as members get it; a shorter back-off only keeps the round brisk.
        MaxBackoff = TimeSpan.FromSeconds(2),
    });

    public static Task<KillWorld> SeedAsync(BenchStack stack, int members, CancellationToken ct) => SeedAsync(stack, members, memberAttempts: 5, ct);

    /// <summary>Registers the members; their clients make <paramref name="memberAttempts"/> attempts of a call (1: no retries).</summary>
    public static async Task<KillWorld> SeedAsync(BenchStack stack, int members, int memberAttempts, CancellationToken ct)
    {
        var coordinator = ClientOf(stack, stack.CoordinatorApiKey, TimeSpan.FromSeconds(15));
        var list = new List<KillMember>();
        for (var i = 0; i < members; i++)
        {
            var country = Countries[i % Countries.Length];
            var index = i;
            var organization = await Retried(() => coordinator.Organizations.CreateOrganizationAsync(new OrgV1.CreateOrganizationRequest
            {
                Organization = new OrgV1.Organization
                {
                    Kind = OrgV1.OrganizationKind.Broadcaster,
                    Names = { new CommonV1.LocalizedText { Language = "en", Text = $"Kill Writer {index}", Original = true } },
                    CountryCode = country,
                    WorkingLanguages = { "en" },
                },
            }, cancellationToken: ct).ResponseAsync, ct);
            var id = organization.Organization.Id;
            await Retried(() => coordinator.Organizations.ActivateOrganizationAsync(new OrgV1.ActivateOrganizationRequest { Id = id }, cancellationToken: ct).ResponseAsync, ct);
            var key = await Retried(() => coordinator.Organizations.CreateApiKeyAsync(
                new OrgV1.CreateApiKeyRequest { OrganizationId = id, DisplayName = "kill writer" }, cancellationToken: ct).ResponseAsync, ct);
            list.Add(new KillMember(i, id, country, ClientOf(stack, key.Secret, TimeSpan.FromSeconds(10), memberAttempts)));
        }

        return new KillWorld(coordinator, list);
    }

    /// <summary>Set-up calls on a cold stack: UNAVAILABLE (a first key resolution, a backend not yet healthy) is tried again.</summary>
    public static async Task<T> Retried<T>(Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    public void Dispose()
    {
        Coordinator.Dispose();
        foreach (var member in Members)
        {
            member.Client.Dispose();
        }
    }
}
