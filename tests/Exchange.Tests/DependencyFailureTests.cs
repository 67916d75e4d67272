using Google.Rpc;
using Status = Grpc.Core.Status;
using Grpc.Core;
using MediaMesh.TestSupport;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Tests;

/// <summary>
/// The exchange calling an organization service (a real gRPC server on loopback) that refuses in a way
/// that is not about the member's call: the member is told INTERNAL with a trace id, not "retry".
/// </summary>
public sealed class DependencyFailureTests
{
    [Theory]
    [InlineData(StatusCode.Unimplemented)]
    [InlineData(StatusCode.Internal)]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.InvalidArgument)]
    public async Task A_refusal_of_the_exchanges_own_request_is_internal_with_a_trace_id(StatusCode answer)
    {
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(answer, "organization-side detail"));
        await using var exchange = new ExchangeHost(null);
        exchange.WithSetting("MediaMesh:Services:organization:Address", organizations.Address.ToString());

        var refused = await GrpcAssert.Refused(StatusCode.Internal,
            () => exchange.Offers("org_member").CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() }));

        Assert.DoesNotContain("organization-side detail", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Trace id", refused.Status.Detail, StringComparison.Ordinal);
        var info = refused.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.True(info.Metadata.ContainsKey("trace_id"));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    public async Task An_organization_service_that_cannot_answer_now_is_unavailable(StatusCode answer)
    {
        await using var organizations = await AnsweringOrganizationService.StartAsync(new Status(answer, "busy"));
        await using var exchange = new ExchangeHost(null);
        exchange.WithSetting("MediaMesh:Services:organization:Address", organizations.Address.ToString());

        var refused = await GrpcAssert.Refused(StatusCode.Unavailable,
            () => exchange.Offers("org_member").CreateOfferAsync(new V1.CreateOfferRequest { Offer = ExchangeFixture.NewOffer() }));
        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<RetryInfo>());
    }
}
