using Grpc.Core;
using MediaMesh.Common.Paging;
using MediaMesh.Common.Validation;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Grpc;

/// <summary>mediamesh.exchange.v1.UsageService: usage reports and the exchange balance.</summary>
public sealed class UsageGrpcService(UsageLedger ledger) : V1.UsageService.UsageServiceBase
{
    public override async Task<V1.ReportUsageResponse> ReportUsage(V1.ReportUsageRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator().Required(request.LicenceId, "licence_id").MaxLength(request.Channel, 200, "channel")
            .Check(request.Use != V1.UsageKind.Unspecified && Enum.IsDefined(request.Use), "use", "is required")
            .Check(request.UseTime is not null, "use_time", "is required")
            .Check(request.AudienceEstimate >= 0, "audience_estimate", "must not be negative")
            .MaxLength(request.RequestId, 100, "request_id");
        var country = ExchangeRequestParser.ParseCountry(request.CountryCode, "country_code", v);
        var useTime = ExchangeRequestParser.ParseTime(request.UseTime, "use_time", v);
        v.ThrowIfInvalid();
        var report = await ledger.ReportAsync(caller, request.LicenceId, request.RequestId.Trim(), (UsageKind)request.Use, country, useTime!.Value,
            request.Channel.Trim(), request.AudienceEstimate, context.CancellationToken);
        return new V1.ReportUsageResponse { Report = report.ToContract() };
    }

    public override async Task<V1.ListUsageReportsResponse> ListUsageReports(V1.ListUsageReportsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator()
            .Check(string.IsNullOrEmpty(request.LicenceId) != string.IsNullOrEmpty(request.OfferId), "licence_id", "set exactly one of licence_id and offer_id")
            .ThrowIfInvalid();
        var fingerprint = $"{caller.OrganizationId}|{request.LicenceId}|{request.OfferId}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, fingerprint);
        var result = await ledger.ListAsync(caller, NullIfEmpty(request.LicenceId), NullIfEmpty(request.OfferId), page, fingerprint, context.CancellationToken);
        var response = new V1.ListUsageReportsResponse { NextPageToken = result.NextPageToken };
        response.Reports.AddRange(result.Items.Select(r => r.ToContract()));
        return response;
    }

    public override async Task<V1.GetExchangeStatisticsResponse> GetExchangeStatistics(V1.GetExchangeStatisticsRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        var grouping = ExchangeRequestParser.ParseGrouping(request.Grouping);
        v.Check(grouping is not null, "grouping", "is required");
        var period = ExchangeRequestParser.ParsePeriod(request.Period, "period", v);
        v.ThrowIfInvalid();
        var rows = await ledger.StatisticsAsync(caller, grouping!.Value, period, context.CancellationToken);
        var response = new V1.GetExchangeStatisticsResponse();
        response.Rows.AddRange(rows.Select(r => new V1.ExchangeStatisticsRow
        {
            Key = r.Key, Offered = r.Offered, Requested = r.Requested, LicensedIn = r.LicensedIn, LicensedOut = r.LicensedOut, Used = r.Used,
        }));
        return response;
    }

    public override async Task<V1.GetFlowMatrixResponse> GetFlowMatrix(V1.GetFlowMatrixRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        var grouping = ExchangeRequestParser.ParseGrouping(request.Grouping);
        v.Check(grouping is StatisticsGrouping.Region or StatisticsGrouping.Union, "grouping", "must be REGION or UNION");
        var period = ExchangeRequestParser.ParsePeriod(request.Period, "period", v);
        v.ThrowIfInvalid();
        var cells = await ledger.FlowMatrixAsync(caller, grouping!.Value, period, context.CancellationToken);
        var response = new V1.GetFlowMatrixResponse();
        response.Cells.AddRange(cells.Select(c => new V1.FlowCell { From = c.From, To = c.To, Licences = c.Licences, Uses = c.Uses }));
        return response;
    }

    public override async Task<V1.GetReciprocityResponse> GetReciprocity(V1.GetReciprocityRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var v = new RequestValidator();
        var period = ExchangeRequestParser.ParsePeriod(request.Period, "period", v);
        v.ThrowIfInvalid();
        var rows = await ledger.ReciprocityAsync(caller, NullIfEmpty(request.OrganizationId), period, context.CancellationToken);
        var response = new V1.GetReciprocityResponse();
        response.Rows.AddRange(rows.Select(r => new V1.ReciprocityRow
        {
            OrganizationId = r.OrganizationId, Given = r.Given, Taken = r.Taken, Ratio = r.Ratio, PartnersReached = r.PartnersReached,
        }));
        return response;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
