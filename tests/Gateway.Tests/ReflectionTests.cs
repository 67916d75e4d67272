using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;

namespace MediaMesh.Gateway.Tests;

/// <summary>
/// The gateway's reflection describes the public API only: no answer of it may carry a descriptor
/// of the internal CredentialService or of its messages, however it is asked.
/// </summary>
[Collection(nameof(MeshCollection))]
public sealed class ReflectionTests(Mesh mesh)
{
    private const string Credential = "mediamesh.organization.v1.CredentialService";

    [Fact]
    public async Task List_services_does_not_name_the_credential_service()
    {
        var responses = await AskAsync(new ServerReflectionRequest { ListServices = string.Empty });

        var listed = responses.Single().ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("mediamesh.organization.v1.OrganizationService", listed);
        Assert.DoesNotContain(Credential, listed);
    }

    [Theory]
    [InlineData(Credential)]
    [InlineData(Credential + ".ResolveApiKey")]
    [InlineData("mediamesh.organization.v1.ResolveApiKeyRequest")]
    [InlineData("mediamesh.organization.v1.ResolveApiKeyResponse")]
    public async Task File_containing_symbol_of_the_credential_service_is_not_found(string symbol)
    {
        var response = (await AskAsync(new ServerReflectionRequest { FileContainingSymbol = symbol })).Single();

        Assert.Equal((int)StatusCode.NotFound, response.ErrorResponse?.ErrorCode);
        Assert.Null(response.FileDescriptorResponse);
    }

    [Theory]
    [InlineData("mediamesh/organization/v1/credential_service.proto")]
    [InlineData("mediamesh/organization/v1/organization_service.proto")]
    [InlineData("mediamesh/organization/v1/organization.proto")]
    public async Task No_file_the_gateway_serves_by_name_declares_the_credential_service(string file)
    {
        var response = (await AskAsync(new ServerReflectionRequest { FileByFilename = file })).Single();

        AssertNoCredentialService(response);
    }

    [Fact]
    public async Task The_public_services_and_all_their_dependencies_leave_the_credential_service_out()
    {
        var symbols = new[]
        {
            "mediamesh.organization.v1.OrganizationService", "mediamesh.initiative.v1.InitiativeService",
            "mediamesh.exchange.v1.OfferService", "mediamesh.exchange.v1.CatalogueService",
        };
        var responses = await AskAsync(symbols.Select(s => new ServerReflectionRequest { FileContainingSymbol = s }).ToArray());

        Assert.All(responses, r => Assert.NotEmpty(r.FileDescriptorResponse.FileDescriptorProto));
        Assert.All(responses, AssertNoCredentialService);
    }

    private static void AssertNoCredentialService(ServerReflectionResponse response)
    {
        foreach (var bytes in response.FileDescriptorResponse?.FileDescriptorProto ?? [])
        {
            var file = FileDescriptorProto.Parser.ParseFrom(bytes);
            Assert.DoesNotContain(file.Service, s => s.Name == "CredentialService");
            Assert.DoesNotContain(file.MessageType, m => m.Name.StartsWith("ResolveApiKey", StringComparison.Ordinal));
        }
    }

    private async Task<List<ServerReflectionResponse>> AskAsync(params ServerReflectionRequest[] requests)
    {
        var reflection = new ServerReflection.ServerReflectionClient(mesh.Gateway.Grpc(null));
        using var call = reflection.ServerReflectionInfo();
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var responses = new List<ServerReflectionResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            responses.Add(response);
        }

        Assert.Equal(requests.Length, responses.Count);
        return responses;
    }
}
