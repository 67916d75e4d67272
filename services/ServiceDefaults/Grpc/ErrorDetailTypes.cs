using Google.Protobuf.Reflection;
using Google.Rpc;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// The google.rpc detail messages (BadRequest, PreconditionFailure, RetryInfo, ResourceInfo, ErrorInfo, …) a
/// refusal carries. JSON needs them by name to write a detail's "@type" and fields: without them a REST
/// refusal that has details could not be written at all.
/// </summary>
public static class ErrorDetailTypes
{
    public static TypeRegistry Registry { get; } = TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor);
}
