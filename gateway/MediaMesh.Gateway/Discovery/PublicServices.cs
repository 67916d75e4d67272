using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Exchange = MediaMesh.Contracts.Exchange.V1;
using Initiative = MediaMesh.Contracts.Initiative.V1;
using Organization = MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Gateway.Discovery;

/// <summary>
/// The services members may call through the gateway and the cluster that serves each. Reflection
/// lists exactly these, and grpc.health.v1 answers for each from its cluster's health. Internal
/// services (CredentialService) are deliberately absent and have no route.
/// </summary>
public static class PublicServices
{
    public const string OrganizationCluster = "organization";
    public const string InitiativeCluster = "initiative";
    public const string ExchangeCluster = "exchange";

    public static IReadOnlyList<string> Clusters { get; } = [OrganizationCluster, InitiativeCluster, ExchangeCluster];

    public static IReadOnlyList<(ServiceDescriptor Descriptor, string Cluster)> All { get; } =
    [
        (Organization.OrganizationService.Descriptor, OrganizationCluster),
        (Initiative.InitiativeService.Descriptor, InitiativeCluster),
        (Exchange.OfferService.Descriptor, ExchangeCluster),
        (Exchange.MediaService.Descriptor, ExchangeCluster),
        (Exchange.LicensingService.Descriptor, ExchangeCluster),
        (Exchange.CatalogueService.Descriptor, ExchangeCluster),
        (Exchange.UsageService.Descriptor, ExchangeCluster),
        (Exchange.AuditService.Descriptor, ExchangeCluster),
    ];
}
