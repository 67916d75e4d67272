using System.Security.Claims;
using System.Threading.RateLimiting;
using Grpc.Core;
using MediaMesh.Gateway.Errors;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MediaMesh.Gateway.RateLimiting;

/// <summary>
/// ASP.NET Core's rate limiter with one token bucket per organisation, applied to the proxied routes
/// by the policy name in their configuration. A call takes one token when it starts, so a stream
/// counts once however many messages it carries. Refusals are RESOURCE_EXHAUSTED with RetryInfo.
/// </summary>
public static class OrganizationRateLimiting
{
    public const string PolicyName = "per-organization";

    public static IServiceCollection AddOrganizationRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PolicyName, context =>
            {
                var organizationId = context.User.FindFirstValue(MediaMeshClaims.OrganizationId);
                if (string.IsNullOrEmpty(organizationId))
                {
                    // Unauthenticated calls never reach the proxy; nothing to count.
                    return RateLimitPartition.GetNoLimiter(string.Empty);
                }

                var settings = context.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.RateLimit;
                return RateLimitPartition.GetTokenBucketLimiter(organizationId, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.BurstLimit,
                    TokensPerPeriod = settings.TokensPerPeriod,
                    ReplenishmentPeriod = settings.ReplenishmentPeriod,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = (rejected, _) =>
            {
                var period = rejected.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.RateLimit.ReplenishmentPeriod;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : period;
                return new ValueTask(GrpcErrorResponse.WriteRetryLaterAsync(rejected.HttpContext, StatusCode.ResourceExhausted,
                    "Rate limit of your organisation exceeded; retry after the delay in RetryInfo.", retryAfter));
            };
        });
        return services;
    }
}
