using Grpc.Core;

namespace MediaMesh.Cli;

/// <summary>The exit codes scripts can rely on (documented in the README).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Refused = 4;
    public const int InvalidArgument = 5;
    public const int Unauthenticated = 6;
    public const int Unavailable = 7;
    public const int Conflict = 8;
    public const int DataLoss = 9;
    public const int Interrupted = 130;

    /// <summary>The exit code of a call that ended with <paramref name="code"/>.</summary>
    public static int For(StatusCode code) => code switch
    {
        StatusCode.OK => Ok,
        StatusCode.NotFound => NotFound,
        StatusCode.PermissionDenied or StatusCode.FailedPrecondition => Refused,
        StatusCode.InvalidArgument or StatusCode.OutOfRange => InvalidArgument,
        StatusCode.Unauthenticated => Unauthenticated,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted => Unavailable,
        StatusCode.AlreadyExists or StatusCode.Aborted => Conflict,
        StatusCode.DataLoss => DataLoss,
        StatusCode.Cancelled => Interrupted,
        _ => Failure,
    };
}
