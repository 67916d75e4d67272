using V1 = MediaMesh.Contracts.Initiative.V1;

namespace MediaMesh.Initiative.Tests;

public sealed class SmokeTests(InitiativeSystem system)
{
    [Fact]
    public async Task A_member_creates_a_draft_checked_against_the_organization_service()
    {
        var org = await system.ActiveOrgAsync();
        var draft = await system.CreateDraftAsync(org);
        Assert.Equal(V1.InitiativeState.Draft, draft.State);
    }
}
