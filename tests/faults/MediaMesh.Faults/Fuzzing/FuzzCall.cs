using System.Globalization;

namespace MediaMesh.Faults.Fuzzing;

public enum FuzzTransport
{
    Grpc,
    GrpcWeb,
    Rest,
}

/// <summary>One fuzzed request and how it was answered.</summary>
public sealed record FuzzCall(FuzzTransport Transport, string Method, string Mutation)
{
    public int? HttpStatus { get; init; }

    /// <summary>grpc-status of a gRPC or gRPC-Web answer; the "code" of a REST error body.</summary>
    public int? GrpcStatus { get; init; }

    /// <summary>What was sent, in short (size and first bytes), to tell a defect's request apart in the report.</summary>
    public string? Request { get; init; }

    /// <summary>What came back, in short (body size, header and trailer names), for the report's defects.</summary>
    public string? Answer { get; init; }

    /// <summary>The transport failure, if the answer never came whole.</summary>
    public string? Error { get; init; }

    /// <summary>The fuzzer stopped waiting for a stream that was still open (a feed keeps streaming).</summary>
    public bool CutByFuzzer { get; init; }

    public bool Succeeded => GrpcStatus == 0 || (Transport == FuzzTransport.Rest && HttpStatus is >= 200 and < 300);

    /// <summary>Why this answer breaks the rules (null when it keeps them): the outcome text of a defect.</summary>
    public string? Defect
    {
        get
        {
            if (CutByFuzzer)
            {
                return null;
            }

            if (Error is not null)
            {
                return "transport failure: " + Error;
            }

            if (GrpcStatus is 2 or 13)
            {
                return GrpcStatus == 2 ? "UNKNOWN" : "INTERNAL";
            }

            return Transport switch
            {
                FuzzTransport.Rest when HttpStatus is >= 500 and not (501 or 503 or 504) => $"HTTP {HttpStatus}",
                FuzzTransport.Rest when HttpStatus is >= 400 && GrpcStatus is null => $"HTTP {HttpStatus} without a google.rpc.Status body",
                FuzzTransport.Rest => null,
                // Not a gRPC call any more: any refusal as plain HTTP (415, or the REST surface's 403/404 with a status body) will do.
                _ when HttpStatus is >= 400 and < 500 && Mutation.Contains("content-type", StringComparison.Ordinal) => null,
                _ when HttpStatus != 200 => $"HTTP {HttpStatus} to a gRPC call",
                _ when GrpcStatus is null => "no grpc-status",
                _ => null,
            };
        }
    }

    /// <summary>The answer in a word, for tallies: "OK", "InvalidArgument", "HTTP 404", "transport failure".</summary>
    public string Outcome => Error is not null ? "transport failure"
        : CutByFuzzer ? "stream cut by the fuzzer"
        : GrpcStatus is { } code ? ((Grpc.Core.StatusCode)code).ToString()
        : "HTTP " + HttpStatus?.ToString(CultureInfo.InvariantCulture);
}
