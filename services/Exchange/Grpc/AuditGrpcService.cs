using Grpc.Core;
using MediaMesh.Exchange.Persistence;
using MediaMesh.ServiceDefaults.Audit;
using MediaMesh.ServiceDefaults.Grpc;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Grpc;

/// <summary>mediamesh.exchange.v1.AuditService: the exchange's audit trail, filtered and paged as every service's.</summary>
public sealed class AuditGrpcService(ExchangeDbContext db) : V1.AuditService.AuditServiceBase
{
    public override async Task<V1.ListAuditEntriesResponse> ListAuditEntries(V1.ListAuditEntriesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var (query, page) = AuditContracts.ParseListRequest(request.Filter, request.PageSize, request.PageToken);
        var result = await db.ListAuditEntriesAsync(caller, query, page, context.CancellationToken);
        var response = new V1.ListAuditEntriesResponse { NextPageToken = result.NextPageToken };
        response.Entries.AddRange(result.Items.Select(e => e.ToContract()));
        return response;
    }
}
