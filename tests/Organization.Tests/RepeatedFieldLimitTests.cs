using Google.Protobuf.WellKnownTypes;
using MediaMesh.Common.Validation;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>Every repeated field of an organization-service request has a bound; one entry over it is INVALID_ARGUMENT naming the field.</summary>
public sealed class RepeatedFieldLimitTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    private static IEnumerable<T> Many<T>(int count, Func<int, T> entry) => Enumerable.Range(0, count).Select(entry);

    [Theory]
    [InlineData("organization.names")]
    [InlineData("organization.working_languages")]
    public async Task An_organisation_list_over_its_bound_is_invalid(string field)
    {
        var organization = OrganizationHost.NewOrganization();
        if (field == "organization.names")
        {
            organization.Names.AddRange(Many(RepeatedFieldLimits.Texts, i => new CommonV1.LocalizedText { Language = $"en-x-{i}", Text = $"n{i}" }));
        }
        else
        {
            organization.WorkingLanguages.AddRange(Many(RepeatedFieldLimits.Languages, i => $"en-x-{i}"));
        }

        await GrpcAssert.Invalid(() => host.Coordinator.CreateOrganizationAsync(new V1.CreateOrganizationRequest { Organization = organization }), field);
    }

    [Fact]
    public async Task An_update_mask_and_a_batch_over_their_bounds_are_invalid()
    {
        var mask = new FieldMask();
        mask.Paths.AddRange(Many(RepeatedFieldLimits.MaskPaths + 1, _ => "website"));
        await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(
            new V1.UpdateOrganizationRequest { Organization = new V1.Organization { Id = "org_x" }, UpdateMask = mask }), "update_mask.paths");

        var batch = new V1.BatchGetOrganizationsRequest();
        batch.Ids.AddRange(Many(RepeatedFieldLimits.BatchIds + 1, i => $"org_{i}"));
        await GrpcAssert.Invalid(() => host.Coordinator.BatchGetOrganizationsAsync(batch), "ids");
    }
}
