using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Organization.V1;
using CommonV1 = MediaMesh.Contracts.Common.V1;

namespace MediaMesh.Organization.Tests;

/// <summary>A refused call stores nothing: what was there before is still there, etag included.</summary>
public sealed class RefusalKeepsDataTests(OrganizationHost host) : IClassFixture<OrganizationHost>
{
    [Fact]
    public async Task An_update_with_one_bad_field_changes_none_of_the_good_ones()
    {
        var before = await host.CreateActiveAsync(OrganizationHost.Unique("Unchanged"));
        await GrpcAssert.Invalid(() => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization
            {
                Id = before.Id,
                Etag = before.Etag,
                ShortName = "NEW",
                Names = { new CommonV1.LocalizedText { Language = "en", Text = "Renamed", Original = true } },
                CountryCode = "ZZ",
            },
            UpdateMask = new FieldMask { Paths = { "short_name", "names", "country_code" } },
        }), "organization.country_code");

        var after = await host.GetAsync(before.Id);
        Assert.Equal(before, after);
        Assert.Equal(before.Etag, after.Etag);

        // The same etag still works: the refusal did not bump the version.
        var updated = (await host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = before.Id, Etag = before.Etag, ShortName = "NEW" },
            UpdateMask = new FieldMask { Paths = { "short_name" } },
        })).Organization;
        Assert.Equal("NEW", updated.ShortName);
    }

    [Fact]
    public async Task A_stale_update_does_not_overwrite_the_newer_change()
    {
        var original = await host.CreateActiveAsync(OrganizationHost.Unique("Race"));
        var first = (await host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = original.Id, Etag = original.Etag, Website = "https://first.example" },
            UpdateMask = new FieldMask { Paths = { "website" } },
        })).Organization;

        await GrpcAssert.Refused(StatusCode.Aborted, () => host.Coordinator.UpdateOrganizationAsync(new V1.UpdateOrganizationRequest
        {
            Organization = new V1.Organization { Id = original.Id, Etag = original.Etag, Website = "https://second.example" },
            UpdateMask = new FieldMask { Paths = { "website" } },
        }));

        Assert.Equal(first, await host.GetAsync(original.Id));
    }

    [Fact]
    public async Task A_refused_state_change_keeps_status_and_etag()
    {
        var pending = await host.CreatePendingAsync(OrganizationHost.Unique("Still Pending"));
        await GrpcAssert.Refused(StatusCode.FailedPrecondition, () => host.Coordinator.SuspendOrganizationAsync(new V1.SuspendOrganizationRequest { Id = pending.Id }));
        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(pending.Id).ActivateOrganizationAsync(new V1.ActivateOrganizationRequest { Id = pending.Id }));
        Assert.Equal(pending, await host.GetAsync(pending.Id));
    }

    [Fact]
    public async Task A_refused_key_revocation_keeps_the_key_working()
    {
        var owner = await host.CreateActiveAsync(OrganizationHost.Unique("Key Keeper"));
        var intruder = await host.CreateActiveAsync(OrganizationHost.Unique("Intruder"));
        var key = await host.ClientAs(owner.Id).CreateApiKeyAsync(new V1.CreateApiKeyRequest { OrganizationId = owner.Id, DisplayName = "k" });

        await GrpcAssert.Refused(StatusCode.PermissionDenied, () => host.ClientAs(intruder.Id).RevokeApiKeyAsync(new V1.RevokeApiKeyRequest { OrganizationId = owner.Id, Id = key.ApiKey.Id }));

        var resolved = await host.Gateway.ResolveApiKeyAsync(new V1.ResolveApiKeyRequest { Secret = key.Secret });
        Assert.Equal(owner.Id, resolved.OrganizationId);
    }
}
