using Google.Protobuf.WellKnownTypes;
using MediaMesh.Common.Validation;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// Checks well-known protobuf values before converting them: Timestamp.ToDateTime and
/// Duration.ToTimeSpan throw on values outside their ranges, which would otherwise surface as INTERNAL.
/// </summary>
public static class ProtoValueValidation
{
    private const long MinTimestampSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
    private const long MaxTimestampSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
    private const int NanosPerSecond = 1_000_000_000;

    /// <summary>
    /// The UTC time to the microsecond (the finest time PostgreSQL keeps, so a time stored and a time
    /// compared with it are the same on every provider), or null if unset or invalid (then a violation of
    /// <paramref name="field"/> is added).
    /// </summary>
    public static DateTime? Timestamp(this RequestValidator v, Timestamp? time, string field)
    {
        if (time is null)
        {
            return null;
        }

        var valid = time.Seconds is >= MinTimestampSeconds and <= MaxTimestampSeconds && time.Nanos is >= 0 and < NanosPerSecond;
        v.Check(valid, field, "must be a valid timestamp between 0001-01-01 and 9999-12-31");
        return valid ? ToMicroseconds(time.ToDateTime()) : null;
    }

    /// <summary>The length, or null if unset or invalid (not normalised or beyond ±10000 years).</summary>
    public static TimeSpan? Duration(this RequestValidator v, Duration? duration, string field)
    {
        if (duration is null)
        {
            return null;
        }

        var valid = duration.Seconds is >= -Google.Protobuf.WellKnownTypes.Duration.MaxSeconds and <= Google.Protobuf.WellKnownTypes.Duration.MaxSeconds
            && duration.Nanos is > -NanosPerSecond and < NanosPerSecond
            && (duration.Seconds == 0 || duration.Nanos == 0 || (duration.Seconds < 0) == (duration.Nanos < 0));
        v.Check(valid, field, "must be a valid duration (seconds and nanos of the same sign, at most 10000 years)");
        return valid ? duration.ToTimeSpan() : null;
    }

    private static DateTime ToMicroseconds(DateTime time) => time.AddTicks(-(time.Ticks % TicksPerMicrosecond));

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;
}
