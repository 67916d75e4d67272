using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using MediaMesh.TestSupport;
using ExV1 = MediaMesh.Contracts.Exchange.V1;
using InitV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// The identity columns of the authorisation matrix for EVERY public RPC of every service (unary and
/// streaming): no key and a revoked key are refused at the gateway, and a direct call that bypasses
/// the gateway is refused by the service. Authentication comes before validation, so an empty
/// request is enough. (Owner, other member and coordinator are each service's own tests.)
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class EveryRpcAuthenticationTests(Mesh mesh)
{
    private static readonly IReadOnlyList<(string Backend, ServiceDescriptor Service)> PublicServices =
    [
        ("organization", OrgV1.OrganizationServiceReflection.Descriptor.FindTypeByName<ServiceDescriptor>("OrganizationService")),
        ("initiative", InitV1.InitiativeServiceReflection.Descriptor.FindTypeByName<ServiceDescriptor>("InitiativeService")),
        .. ExV1.ExchangeServiceReflection.Descriptor.Services.Select(s => ("exchange", s)),
    ];

    public static TheoryData<string, string, string> EveryMethod()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (backend, service) in PublicServices)
        {
            foreach (var method in service.Methods)
            {
                data.Add(backend, service.FullName, method.Name);
            }
        }

        return data;
    }

    [Fact]
    public void Every_public_service_is_in_the_matrix()
    {
        Assert.Equal(7, PublicServices.Count);
        Assert.True(EveryMethod().Count > 60, $"only {EveryMethod().Count} methods");
    }

    [Theory]
    [MemberData(nameof(EveryMethod))]
    public async Task No_key_a_revoked_key_and_bypassing_the_gateway_are_all_unauthenticated(string backend, string service, string method)
    {
        var descriptor = PublicServices.Single(s => s.Service.FullName == service).Service.FindMethodByName(method);
        var revoked = await RevokedKeyAsync();

        await AssertUnauthenticated(mesh.Gateway.Grpc(null), descriptor);
        await AssertUnauthenticated(mesh.Gateway.Grpc(revoked), descriptor);
        using var direct = GrpcChannel.ForAddress(backend switch
        {
            "organization" => mesh.Organization.Address,
            "initiative" => mesh.Initiative.Address,
            _ => mesh.Exchange.Address,
        });
        await AssertUnauthenticated(direct.CreateCallInvoker(), descriptor);
    }

    private static Task<RpcException> AssertUnauthenticated(CallInvoker invoker, MethodDescriptor descriptor) =>
        GrpcAssert.Refused(StatusCode.Unauthenticated, () => InvokeEmptyAsync(invoker, descriptor));

    /// <summary>Calls the method with an empty request message (and, for client streams, no messages).</summary>
    private static async Task InvokeEmptyAsync(CallInvoker invoker, MethodDescriptor descriptor)
    {
        var type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var raw = new Method<byte[], byte[]>(type, descriptor.Service.FullName, descriptor.Name, RawBytes, RawBytes);
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20));
        switch (type)
        {
            case MethodType.Unary:
                await invoker.AsyncUnaryCall(raw, null, options, []);
                break;
            case MethodType.ServerStreaming:
                using (var call = invoker.AsyncServerStreamingCall(raw, null, options, []))
                {
                    while (await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                    }
                }

                break;
            default:
                using (var call = invoker.AsyncClientStreamingCall(raw, null, options))
                {
                    try
                    {
                        await call.RequestStream.CompleteAsync();
                    }
                    catch (RpcException)
                    {
                        // Already refused; the status is in the response.
                    }

                    await call.ResponseAsync;
                }

                break;
        }
    }

    private static readonly Marshaller<byte[]> RawBytes = new(b => b, b => b);

    /// <summary>A key that was valid and is revoked before its first use (so no cache can still hold it).</summary>
    private async Task<string> RevokedKeyAsync()
    {
        var member = await mesh.CreateMemberAsync("Radio Revoked Matrix", "KE");
        await mesh.CoordinatorClient.RevokeApiKeyAsync(new OrgV1.RevokeApiKeyRequest { OrganizationId = member.OrganizationId, Id = member.ApiKeyId });
        return member.ApiKey;
    }
}
