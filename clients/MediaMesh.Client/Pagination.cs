using System.Runtime.CompilerServices;
using Grpc.Core;
using MediaMesh.Contracts.Exchange.V1;
using MediaMesh.Contracts.Initiative.V1;
using MediaMesh.Contracts.Organization.V1;

namespace MediaMesh.Client;

/// <summary>Any paginated MediaMesh list as an <see cref="IAsyncEnumerable{T}"/>: pages are fetched as the caller reads.</summary>
public static class Pagination
{
    /// <summary>
    /// Reads every page: <paramref name="fetch"/> gets the page token ("" first) and returns one page;
    /// <paramref name="items"/> and <paramref name="nextToken"/> read it.
    /// </summary>
    public static async IAsyncEnumerable<TItem> ReadAllAsync<TResponse, TItem>(
        Func<string, CancellationToken, Task<TResponse>> fetch,
        Func<TResponse, IEnumerable<TItem>> items,
        Func<TResponse, string> nextToken,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var token = string.Empty;
        do
        {
            var page = await fetch(token, cancellationToken).ConfigureAwait(false);
            foreach (var item in items(page))
            {
                yield return item;
            }

            token = nextToken(page);
        }
        while (!string.IsNullOrEmpty(token));
    }

    private static IAsyncEnumerable<TItem> All<TRequest, TResponse, TItem>(TRequest request, Action<TRequest, string> setToken,
        Func<TRequest, CancellationToken, AsyncUnaryCall<TResponse>> call, Func<TResponse, IEnumerable<TItem>> items,
        Func<TResponse, string> next, CancellationToken ct)
        where TRequest : Google.Protobuf.IMessage<TRequest> =>
        ReadAllAsync(async (token, c) =>
        {
            var page = request.Clone();
            setToken(page, token);
            return await call(page, c).ResponseAsync.ConfigureAwait(false);
        }, items, next, ct);

    public static IAsyncEnumerable<Organization> ListAllAsync(this OrganizationService.OrganizationServiceClient client, ListOrganizationsRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListOrganizationsAsync(r, cancellationToken: c), p => p.Organizations, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<UnionMembership> ListAllAsync(this OrganizationService.OrganizationServiceClient client, ListUnionMembershipsRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListUnionMembershipsAsync(r, cancellationToken: c), p => p.Memberships, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<ApiKey> ListAllAsync(this OrganizationService.OrganizationServiceClient client, ListApiKeysRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListApiKeysAsync(r, cancellationToken: c), p => p.ApiKeys, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Initiative> ListAllAsync(this InitiativeService.InitiativeServiceClient client, ListInitiativesRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListInitiativesAsync(r, cancellationToken: c), p => p.Initiatives, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Signature> ListAllAsync(this InitiativeService.InitiativeServiceClient client, ListSignaturesRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListSignaturesAsync(r, cancellationToken: c), p => p.Signatures, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Activity> ListAllAsync(this InitiativeService.InitiativeServiceClient client, ListActivitiesRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListActivitiesAsync(r, cancellationToken: c), p => p.Activities, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<AuditEntry> ListAllAsync(this InitiativeService.InitiativeServiceClient client, Contracts.Initiative.V1.ListAuditEntriesRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListAuditEntriesAsync(r, cancellationToken: c), p => p.Entries, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Contracts.Common.V1.AuditEntry> ListAllAsync(this OrganizationService.OrganizationServiceClient client, Contracts.Organization.V1.ListAuditEntriesRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListAuditEntriesAsync(r, cancellationToken: c), p => p.Entries, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Contracts.Common.V1.AuditEntry> ListAllAsync(this AuditService.AuditServiceClient client, Contracts.Exchange.V1.ListAuditEntriesRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListAuditEntriesAsync(r, cancellationToken: c), p => p.Entries, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Offer> ListAllAsync(this OfferService.OfferServiceClient client, ListOffersRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListOffersAsync(r, cancellationToken: c), p => p.Offers, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Offer> ListAllAsync(this OfferService.OfferServiceClient client, ListOfferVersionsRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListOfferVersionsAsync(r, cancellationToken: c), p => p.Versions, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<ContentRequest> ListAllAsync(this LicensingService.LicensingServiceClient client, ListContentRequestsRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListContentRequestsAsync(r, cancellationToken: c), p => p.Requests, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Licence> ListAllAsync(this LicensingService.LicensingServiceClient client, ListLicencesRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListLicencesAsync(r, cancellationToken: c), p => p.Licences, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<Offer> SearchAllAsync(this CatalogueService.CatalogueServiceClient client, SearchOffersRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.SearchOffersAsync(r, cancellationToken: c), p => p.Offers, p => p.NextPageToken, ct);

    public static IAsyncEnumerable<UsageReport> ListAllAsync(this UsageService.UsageServiceClient client, ListUsageReportsRequest request, CancellationToken ct = default) =>
        All(request, (r, t) => r.PageToken = t, (r, c) => client.ListUsageReportsAsync(r, cancellationToken: c), p => p.Reports, p => p.NextPageToken, ct);
}
