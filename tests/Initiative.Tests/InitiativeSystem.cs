using Google.Protobuf.WellKnownTypes;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Initiative.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

[assembly: AssemblyFixture(typeof(MediaMesh.Initiative.Tests.InitiativeSystem))]

namespace MediaMesh.Initiative.Tests;

/// <summary>
/// The initiative service wired to a real organization service, both in-process and shared by the
/// tests of this assembly. Each test creates its own organisations and initiatives, so tests do not
/// see each other's data through the filters they use.
/// </summary>
public sealed class InitiativeSystem : IDisposable
{
    public InitiativeSystem()
    {
        Organizations = new OrganizationServiceHost();
        Initiatives = new InitiativeServiceHost(Organizations.Address, () => Organizations.Server.CreateHandler());
    }

    public OrganizationServiceHost Organizations { get; }

    public InitiativeServiceHost Initiatives { get; }

    public V1.InitiativeService.InitiativeServiceClient As(string organizationId) => Initiatives.ClientAs(organizationId);

    public V1.InitiativeService.InitiativeServiceClient Coordinator => Initiatives.Coordinator;

    public Task<string> ActiveOrgAsync(string country = "KE") => Organizations.CreateActiveAsync(country);

    public static V1.Initiative NewInitiative(params string[] proposerIds) => new()
    {
        Kind = V1.InitiativeKind.JointInitiative,
        Titles =
        {
            new CommonV1.LocalizedText { Language = "en", Text = "Voices of the South", Original = true },
            new CommonV1.LocalizedText { Language = "fr", Text = "Voix du Sud" },
        },
        Charter = { new CommonV1.LocalizedText { Language = "en", Text = "Members exchange one story a week on climate adaptation.", Original = true } },
        Objectives = { new V1.Objective { Text = { new CommonV1.LocalizedText { Language = "en", Text = "Exchange 500 stories", Original = true } } } },
        ProposerIds = { proposerIds },
        TargetRegions = { CommonV1.Region.Africa, CommonV1.Region.AsiaPacific },
        StartTime = Timestamp.FromDateTime(new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        EndTime = Timestamp.FromDateTime(new DateTime(2027, 12, 31, 0, 0, 0, DateTimeKind.Utc)),
    };

    public async Task<V1.Initiative> CreateDraftAsync(string proposerId, Action<V1.Initiative>? adjust = null)
    {
        var initiative = NewInitiative(proposerId);
        adjust?.Invoke(initiative);
        return (await As(proposerId).CreateInitiativeAsync(new V1.CreateInitiativeRequest { Initiative = initiative })).Initiative;
    }

    public async Task<V1.Initiative> CreateOpenAsync(string proposerId, Action<V1.Initiative>? adjust = null)
    {
        var draft = await CreateDraftAsync(proposerId, adjust);
        return (await As(proposerId).OpenInitiativeAsync(new V1.OpenInitiativeRequest { Id = draft.Id })).Initiative;
    }

    public async Task<V1.Initiative> CreateActiveAsync(string proposerId, Action<V1.Initiative>? adjust = null)
    {
        var open = await CreateOpenAsync(proposerId, adjust);
        return (await As(proposerId).ActivateInitiativeAsync(new V1.ActivateInitiativeRequest { Id = open.Id })).Initiative;
    }

    public async Task<V1.Signature> SignAsync(string initiativeId, string organizationId) =>
        (await As(organizationId).SignInitiativeAsync(new V1.SignInitiativeRequest { InitiativeId = initiativeId, SignerName = "A. Director", SignerTitle = "Director-General" })).Signature;

    public async Task<IReadOnlyList<V1.AuditEntry>> AuditAsync(string initiativeId) =>
        (await Coordinator.ListAuditEntriesAsync(new V1.ListAuditEntriesRequest { InitiativeId = initiativeId, PageSize = 200 })).Entries;

    public void Dispose()
    {
        Initiatives.Dispose();
        Organizations.Dispose();
    }
}
