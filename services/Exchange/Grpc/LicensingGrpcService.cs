using Grpc.Core;
using MediaMesh.Common.Paging;
using MediaMesh.Common.Validation;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Grpc;

/// <summary>mediamesh.exchange.v1.LicensingService: validation and mapping around <see cref="Licensing"/>.</summary>
public sealed class LicensingGrpcService(Licensing licensing) : V1.LicensingService.LicensingServiceBase
{
    public override async Task<V1.RequestLicenceResponse> RequestLicence(V1.RequestLicenceRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator().Required(request.OfferId, "offer_id").MaxLength(request.Message, 2000, "message");
        var uses = ExchangeRequestParser.ParseUses(request.Uses, "uses", v);
        var territories = ExchangeRequestParser.ParseCountries(request.Territories, "territories", v, required: true);
        var (start, end) = ExchangeRequestParser.ParseInterval(request.Period, "period", v);
        v.Check(start is not null, "period.start_time", "is required");
        v.ThrowIfInvalid();
        var ask = new LicenceAsk(uses, territories, start!.Value, end);
        var (made, licence) = await licensing.RequestAsync(caller, request.OfferId, ask, request.Message.Trim(), context.CancellationToken);
        return new V1.RequestLicenceResponse { Request = made.ToContract(), Licence = licence?.ToContract() };
    }

    public override async Task<V1.GetContentRequestResponse> GetContentRequest(V1.GetContentRequestRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var found = await licensing.GetRequestAsync(caller, request.Id, context.CancellationToken);
        return new V1.GetContentRequestResponse { Request = found.ToContract() };
    }

    public override async Task<V1.ListContentRequestsResponse> ListContentRequests(V1.ListContentRequestsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var direction = ExchangeRequestParser.ParseDirection(request.Direction);
        new RequestValidator().Check(direction is not null, "direction", "is required (INCOMING or OUTGOING)")
            .Check(Enum.IsDefined(request.State), "state", "is not a known state").ThrowIfInvalid();
        var fingerprint = $"{caller.OrganizationId}|{request.Direction}|{request.State}|{request.OfferId}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await licensing.ListRequestsAsync(caller, direction!.Value, ExchangeRequestParser.ParseRequestState(request.State),
            request.OfferId, page, fingerprint, context.CancellationToken);
        var response = new V1.ListContentRequestsResponse { NextPageToken = result.NextPageToken };
        response.Requests.AddRange(result.Items.Select(r => r.ToContract()));
        return response;
    }

    public override async Task<V1.ApproveContentRequestResponse> ApproveContentRequest(V1.ApproveContentRequestRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var (approved, licence) = await licensing.ApproveAsync(caller, request.Id, request.Etag, context.CancellationToken);
        return new V1.ApproveContentRequestResponse { Request = approved.ToContract(), Licence = licence.ToContract() };
    }

    public override async Task<V1.DeclineContentRequestResponse> DeclineContentRequest(V1.DeclineContentRequestRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").Required(request.Reason, "reason").MaxLength(request.Reason, 2000, "reason").ThrowIfInvalid();
        var declined = await licensing.DeclineAsync(caller, request.Id, request.Etag, request.Reason.Trim(), context.CancellationToken);
        return new V1.DeclineContentRequestResponse { Request = declined.ToContract() };
    }

    public override async Task<V1.CancelContentRequestResponse> CancelContentRequest(V1.CancelContentRequestRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var cancelled = await licensing.CancelAsync(caller, request.Id, request.Etag, context.CancellationToken);
        return new V1.CancelContentRequestResponse { Request = cancelled.ToContract() };
    }

    public override async Task<V1.GetLicenceResponse> GetLicence(V1.GetLicenceRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var licence = await licensing.GetLicenceAsync(caller, request.Id, context.CancellationToken);
        return new V1.GetLicenceResponse { Licence = licence.ToContract() };
    }

    public override async Task<V1.ListLicencesResponse> ListLicences(V1.ListLicencesRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var direction = ExchangeRequestParser.ParseDirection(request.Direction);
        new RequestValidator().Check(direction is not null, "direction", "is required (INCOMING or OUTGOING)")
            .Check(Enum.IsDefined(request.State), "state", "is not a known state").ThrowIfInvalid();
        var fingerprint = $"{caller.OrganizationId}|{request.Direction}|{request.State}|{request.OfferId}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await licensing.ListLicencesAsync(caller, direction!.Value, request.OfferId,
            ExchangeRequestParser.ParseLicenceState(request.State), page, fingerprint, context.CancellationToken);
        var response = new V1.ListLicencesResponse { NextPageToken = result.NextPageToken };
        response.Licences.AddRange(result.Items.Select(l => l.ToContract()));
        return response;
    }
}
