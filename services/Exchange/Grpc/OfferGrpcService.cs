using Grpc.Core;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Paging;
using MediaMesh.Common.Validation;
using MediaMesh.Exchange.Application;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Grpc;

/// <summary>mediamesh.exchange.v1.OfferService: validation and mapping around <see cref="OfferWorkflow"/>.</summary>
public sealed class OfferGrpcService(OfferWorkflow workflow) : V1.OfferService.OfferServiceBase
{
    public override async Task<V1.CreateOfferResponse> CreateOffer(V1.CreateOfferRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        if (request.Offer is null)
        {
            throw ValidationFailedException.For("offer", "is required");
        }

        var v = new RequestValidator();
        var content = ExchangeRequestParser.ParseContent(request.Offer, "offer", v);
        v.ThrowIfInvalid();
        var created = await workflow.CreateAsync(caller, content, context.CancellationToken);
        return new V1.CreateOfferResponse { Offer = created.ToContract() };
    }

    public override async Task<V1.GetOfferResponse> GetOffer(V1.GetOfferRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").Check(request.Version >= 0, "version", "must not be negative").ThrowIfInvalid();
        var view = await workflow.GetAsync(caller, request.Id, request.Version, context.CancellationToken);
        return new V1.GetOfferResponse { Offer = view.ToContract() };
    }

    public override async Task<V1.ListOffersResponse> ListOffers(V1.ListOffersRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Check(Enum.IsDefined(request.State), "state", "is not a known state").ThrowIfInvalid();
        var owner = string.IsNullOrEmpty(request.OwnerId) ? caller.OrganizationId : request.OwnerId;
        var fingerprint = $"{owner}|{request.State}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await workflow.ListAsync(caller, owner, ExchangeRequestParser.ParseOfferState(request.State), page, fingerprint, context.CancellationToken);
        var response = new V1.ListOffersResponse { NextPageToken = result.NextPageToken };
        response.Offers.AddRange(result.Items.Select(o => o.ToContract()));
        return response;
    }

    public override async Task<V1.UpdateOfferResponse> UpdateOffer(V1.UpdateOfferRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var mask = ValidateMask(request.Offer, request.UpdateMask);
        var view = await workflow.UpdateAsync(caller, request.Offer.Id, request.Offer.Etag, current => ParseMasked(request.Offer, current, mask), context.CancellationToken);
        return new V1.UpdateOfferResponse { Offer = view.ToContract() };
    }

    public override async Task<V1.PublishOfferResponse> PublishOffer(V1.PublishOfferRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var view = await workflow.PublishAsync(caller, request.Id, request.Etag, context.CancellationToken);
        return new V1.PublishOfferResponse { Offer = view.ToContract() };
    }

    public override async Task<V1.CorrectOfferResponse> CorrectOffer(V1.CorrectOfferRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var mask = ValidateMask(request.Offer, request.UpdateMask, v =>
            v.Required(request.CorrectionNote, "correction_note").MaxLength(request.CorrectionNote, 2000, "correction_note"));
        var view = await workflow.CorrectAsync(caller, request.Offer.Id, request.Offer.Etag, request.CorrectionNote.Trim(),
            current => ParseMasked(request.Offer, current, mask), context.CancellationToken);
        return new V1.CorrectOfferResponse { Offer = view.ToContract() };
    }

    public override async Task<V1.WithdrawOfferResponse> WithdrawOffer(V1.WithdrawOfferRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").MaxLength(request.Reason, 2000, "reason").ThrowIfInvalid();
        var view = await workflow.WithdrawAsync(caller, request.Id, request.Etag, request.Reason.Trim(), context.CancellationToken);
        return new V1.WithdrawOfferResponse { Offer = view.ToContract() };
    }

    public override async Task<V1.KillOfferResponse> KillOffer(V1.KillOfferRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").Required(request.Reason, "reason").MaxLength(request.Reason, 2000, "reason").ThrowIfInvalid();
        var view = await workflow.KillAsync(caller, request.Id, request.Etag, request.Reason.Trim(), context.CancellationToken);
        return new V1.KillOfferResponse { Offer = view.ToContract() };
    }

    public override async Task<V1.ListOfferVersionsResponse> ListOfferVersions(V1.ListOfferVersionsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var fingerprint = request.Id;
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await workflow.ListVersionsAsync(caller, request.Id, page, fingerprint, context.CancellationToken);
        var response = new V1.ListOfferVersionsResponse { NextPageToken = result.NextPageToken };
        response.Versions.AddRange(result.Items.Select(s => s.ToContract()));
        return response;
    }

    private static HashSet<string> ValidateMask(V1.Offer? offer, Google.Protobuf.WellKnownTypes.FieldMask? updateMask, Action<RequestValidator>? more = null)
    {
        var v = new RequestValidator();
        v.Check(offer is not null, "offer", "is required");
        v.Check(!string.IsNullOrEmpty(offer?.Id), "offer.id", "is required");
        v.Check(updateMask is { Paths.Count: > 0 }, "update_mask", "name at least one field to change");
        v.MaxCount(updateMask?.Paths.Count ?? 0, RepeatedFieldLimits.MaskPaths, "update_mask.paths");
        foreach (var path in (updateMask?.Paths ?? []).Take(RepeatedFieldLimits.MaskPaths))
        {
            v.Check(ExchangeRequestParser.WritableFields.Contains(path), "update_mask",
                $"'{path}' cannot be changed; writable: {string.Join(", ", ExchangeRequestParser.WritableFields)}");
        }

        more?.Invoke(v);
        v.ThrowIfInvalid();
        return updateMask!.Paths.ToHashSet(StringComparer.Ordinal);
    }

    private static Domain.OfferContent ParseMasked(V1.Offer offer, Domain.OfferContent current, IReadOnlySet<string> mask)
    {
        var v = new RequestValidator();
        var content = ExchangeRequestParser.ParseContent(offer, "offer", v, current, mask);
        v.ThrowIfInvalid();
        return content;
    }
}
