using System.Globalization;
using Google.Rpc;

namespace MediaMesh.Client;

/// <summary>
/// Lets the channel's retry policy wait as long as the server asked. MediaMesh refuses with a
/// trailers-only response carrying google.rpc.RetryInfo (and, from the gateway, <c>retry-after</c>);
/// gRPC's retry machinery reads <c>grpc-retry-pushback-ms</c>. This handler copies the one into the other.
/// </summary>
public sealed class RetryPushbackHandler : DelegatingHandler
{
    private const string PushbackHeader = "grpc-retry-pushback-ms";

    /// <summary>Longest wait taken from a server; beyond it the call fails and the caller decides.</summary>
    public static readonly TimeSpan MaxPushback = TimeSpan.FromSeconds(30);

    public RetryPushbackHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Headers.Contains(PushbackHeader) || !response.Headers.TryGetValues("grpc-status", out var statuses))
        {
            return response;
        }

        var status = statuses.FirstOrDefault() switch
        {
            "8" => Grpc.Core.StatusCode.ResourceExhausted,
            "14" => Grpc.Core.StatusCode.Unavailable,
            _ => (Grpc.Core.StatusCode?)null,
        };

        // gRPC retries any call that carries a pushback, whatever its code: only hint calls the policy may repeat.
        if (status is not { } code || !RetryPolicy.MayRetry(request.RequestUri?.AbsolutePath ?? string.Empty, code))
        {
            return response;
        }

        if (ServerDelay(response) is { } delay)
        {
            var clamped = delay > MaxPushback ? MaxPushback : delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
            response.Headers.TryAddWithoutValidation(PushbackHeader, ((long)clamped.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    /// <summary>The RetryInfo delay from grpc-status-details-bin, else retry-after (seconds).</summary>
    internal static TimeSpan? ServerDelay(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("grpc-status-details-bin", out var encoded) && encoded.FirstOrDefault() is { Length: > 0 } text)
        {
            try
            {
                var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
                var status = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(padded));
                if (status.GetDetail<RetryInfo>()?.RetryDelay is { } retryDelay)
                {
                    return retryDelay.ToTimeSpan();
                }
            }
            catch (FormatException)
            {
                // Not decodable: fall back to retry-after.
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                // Not decodable: fall back to retry-after.
            }
        }

        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta;
            }

            if (retryAfter.Date is { } date)
            {
                return date - DateTimeOffset.UtcNow;
            }
        }

        return null;
    }
}
