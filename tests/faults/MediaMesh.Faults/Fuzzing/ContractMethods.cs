using System.Reflection;
using Google.Api;
using Google.Protobuf.Reflection;

namespace MediaMesh.Faults.Fuzzing;

/// <summary>Every RPC of every MediaMesh contract (the internal CredentialService too: the gateway must refuse it), with its REST binding if it has one.</summary>
public sealed record ContractMethod(MethodDescriptor Descriptor, HttpRule? Rest)
{
    public string Path => $"/{Descriptor.Service.FullName}/{Descriptor.Name}";

    public string FullName => $"{Descriptor.Service.FullName}/{Descriptor.Name}";

    public static IReadOnlyList<ContractMethod> All()
    {
        var assembly = typeof(Contracts.Exchange.V1.OfferService).Assembly;
        var files = assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .Select(p => (FileDescriptor)p!.GetValue(null)!)
            .Where(f => f.Package.StartsWith("mediamesh.", StringComparison.Ordinal));
        return [.. files.SelectMany(f => f.Services).SelectMany(s => s.Methods)
            .Select(m => new ContractMethod(m, m.GetOptions()?.GetExtension(AnnotationsExtensions.Http)))
            .OrderBy(m => m.FullName, StringComparer.Ordinal)];
    }
}
