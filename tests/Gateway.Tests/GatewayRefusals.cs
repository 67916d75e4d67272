using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Xunit;
using InitV1 = MediaMesh.Contracts.Initiative.V1;
using OrgV1 = MediaMesh.Contracts.Organization.V1;
using RpcStatus = Google.Rpc.Status;

namespace MediaMesh.Gateway.Tests;

/// <summary>The three ways a member can call the gateway.</summary>
public enum Protocol
{
    Grpc,
    GrpcWeb,
    Rest,
}

/// <summary>
/// A refusal as the caller saw it, whatever the protocol: the gRPC code (for REST, the code in the
/// google.rpc.Status body), the HTTP status (REST only), the retry-after header and the details.
/// </summary>
public sealed record ObservedRefusal(StatusCode Code, HttpStatusCode? HttpStatus, string? RetryAfter, RpcStatus? Status)
{
    public T? Detail<T>()
        where T : class, IMessage<T>, new() => Status?.GetDetail<T>();
}

/// <summary>Makes one call through the gateway on a given protocol and reads the refusal the way that protocol's client does.</summary>
public static class GatewayRefusals
{
    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default.WithTypeRegistry(TypeRegistry.FromMessages(
        RetryInfo.Descriptor, BadRequest.Descriptor, ResourceInfo.Descriptor, ErrorInfo.Descriptor, PreconditionFailure.Descriptor)));

    /// <summary>GetOrganization on gRPC and gRPC-Web; GET /v1/organizations/{id} on REST.</summary>
    public static Task<ObservedRefusal> GetOrganization(GatewayHost gateway, Protocol protocol, string? key, string organizationId) =>
        Observe(gateway, protocol, key, $"/v1/organizations/{organizationId}",
            invoker => new OrgV1.OrganizationService.OrganizationServiceClient(invoker)
                .GetOrganizationAsync(new OrgV1.GetOrganizationRequest { Id = organizationId }).ResponseAsync);

    /// <summary>GetInitiative on gRPC and gRPC-Web; GET /v1/initiatives/{id} on REST.</summary>
    public static Task<ObservedRefusal> GetInitiative(GatewayHost gateway, Protocol protocol, string? key, string initiativeId) =>
        Observe(gateway, protocol, key, $"/v1/initiatives/{initiativeId}",
            invoker => new InitV1.InitiativeService.InitiativeServiceClient(invoker)
                .GetInitiativeAsync(new InitV1.GetInitiativeRequest { Id = initiativeId }).ResponseAsync);

    public static async Task<ObservedRefusal> Observe(GatewayHost gateway, Protocol protocol, string? key, string restPath, Func<CallInvoker, Task> grpcCall)
    {
        if (protocol == Protocol.Rest)
        {
            using var http = gateway.Rest(key);
            using var response = await http.GetAsync(restPath);
            return await ReadRestAsync(response);
        }

        var invoker = protocol == Protocol.Grpc ? gateway.Grpc(key) : gateway.GrpcWeb(key);
        var ex = await Assert.ThrowsAsync<RpcException>(() => grpcCall(invoker));
        AssertNoInternals(ex.Status.Detail);
        return new ObservedRefusal(ex.StatusCode, null, ex.Trailers.GetValue("retry-after"), ex.GetRpcStatus());
    }

    /// <summary>
    /// A REST refusal: a google.rpc.Status JSON body whose details carry "@type" (so any JSON client can
    /// unpack them), and the Retry-After header among the response headers (not lost after the body).
    /// </summary>
    public static async Task<ObservedRefusal> ReadRestAsync(HttpResponseMessage response)
    {
        Assert.False(response.IsSuccessStatusCode, $"expected a refusal, got {(int)response.StatusCode}");
        Assert.True(response.Content.Headers.ContentType is not null, $"HTTP {(int)response.StatusCode} without a body type");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadAsStringAsync();
        AssertNoInternals(json);
        using (var document = JsonDocument.Parse(json))
        {
            if (document.RootElement.TryGetProperty("details", out var details))
            {
                foreach (var detail in details.EnumerateArray())
                {
                    Assert.StartsWith("type.googleapis.com/google.rpc.", detail.GetProperty("@type").GetString(), StringComparison.Ordinal);
                }
            }
        }

        var status = StatusParser.Parse<RpcStatus>(json);
        var retryAfter = response.Headers.RetryAfter?.Delta is { } delta
            ? ((int)delta.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : null;
        return new ObservedRefusal((StatusCode)status.Code, response.StatusCode, retryAfter, status);
    }

    private static void AssertNoInternals(string text)
    {
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }
}
