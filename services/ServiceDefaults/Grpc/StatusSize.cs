namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// Bounds on what a status carries. A status travels in HTTP/2 trailers, and a caller (or the gateway's
/// HttpClient) refuses a header block over its limit by failing the whole connection, with every other call
/// on it: a hostile request that earns 10,000 field violations or echoes a 100 kB id must still get a small
/// answer. Kept well under gRPC C-core's 8 KB default metadata limit, percent- and base64-encoding included.
/// </summary>
public static class StatusSize
{
    /// <summary>Field violations listed in a BadRequest; the message says how many there were in all.</summary>
    public const int MaxFieldViolations = 10;

    /// <summary>The serialized BadRequest stops growing here, whatever its violations hold.</summary>
    public const int MaxFieldViolationBytes = 2048;

    public const int MaxMessageLength = 320;
    public const int MaxFieldLength = 128;

    /// <summary>Descriptions, resource names, subjects: anything else taken from the request or the domain.</summary>
    public const int MaxTextLength = 160;

    /// <summary>The text itself when short enough, otherwise its start and "…", never splitting a surrogate pair.</summary>
    public static string Clip(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var keep = maxLength - 1;
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
