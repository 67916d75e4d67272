using MediaMesh.Common.Errors;

namespace MediaMesh.Exchange.Domain;

public enum RenditionKind
{
    BroadcastMaster = 1,
    Proxy = 2,
    Subtitles = 3,
    Audio = 4,
    Thumbnail = 5,
}

public enum RenditionState
{
    Uploading = 1,
    Complete = 2,
    Failed = 3,
}

/// <summary>Technical description of a rendition, optional fields empty or zero.</summary>
public sealed record RenditionDescription(
    RenditionKind Kind, string FileName, string MimeType, long SizeBytes, string Sha256,
    string VideoCodec, double FrameRate, long Bitrate, int Width, int Height, string Language);

/// <summary>
/// One file of an offer. Declared with its size and SHA-256, then filled by resumable uploads:
/// <see cref="ReceivedBytes"/> is the offset the next chunk must start at. Verified when the last
/// byte arrives: complete, or failed (and then uploaded again from zero).
/// </summary>
public sealed class Rendition
{
    private Rendition()
    {
    }

    public string Id { get; private set; } = string.Empty;
    public string OfferId { get; private set; } = string.Empty;
    public RenditionKind Kind { get; private set; }
    public string FileName { get; private set; } = string.Empty;
    public string MimeType { get; private set; } = string.Empty;
    public long SizeBytes { get; private set; }
    public string Sha256 { get; private set; } = string.Empty;
    public RenditionState State { get; private set; }
    public long ReceivedBytes { get; private set; }
    public string VideoCodec { get; private set; } = string.Empty;
    public double FrameRate { get; private set; }
    public long Bitrate { get; private set; }
    public int Width { get; private set; }
    public int Height { get; private set; }
    public string Language { get; private set; } = string.Empty;
    public DateTime CreateTime { get; private set; }
    public DateTime? CompleteTime { get; private set; }
    public long Version { get; private set; }

    /// <summary>The upload that holds the rendition now (one at a time), until <see cref="UploadLeaseExpireTime"/>; null when none does.</summary>
    public string? UploadLeaseToken { get; private set; }

    public DateTime? UploadLeaseExpireTime { get; private set; }

    public static Rendition Declare(string id, string offerId, RenditionDescription d, DateTime now) => new()
    {
        Id = id,
        OfferId = offerId,
        Kind = d.Kind,
        FileName = d.FileName,
        MimeType = d.MimeType,
        SizeBytes = d.SizeBytes,
        Sha256 = d.Sha256,
        VideoCodec = d.VideoCodec,
        FrameRate = d.FrameRate,
        Bitrate = d.Bitrate,
        Width = d.Width,
        Height = d.Height,
        Language = d.Language,
        State = RenditionState.Uploading,
        CreateTime = now,
        Version = 1,
    };

    /// <summary>Checks that an upload may start at <paramref name="offset"/>; a failed rendition restarts at zero.</summary>
    public void BeginUpload(long offset)
    {
        if (State == RenditionState.Complete)
        {
            throw new PreconditionFailedException($"Rendition '{Id}' is already complete.", "STATE", Id);
        }

        if (State == RenditionState.Failed)
        {
            if (offset != 0)
            {
                throw new PreconditionFailedException($"Rendition '{Id}' failed verification; upload it again from offset 0.", "OFFSET", Id);
            }

            State = RenditionState.Uploading;
            ReceivedBytes = 0;
            Version++;
            return;
        }

        if (offset != ReceivedBytes)
        {
            throw new PreconditionFailedException(
                $"The upload must continue at offset {ReceivedBytes} (the bytes held), not {offset}.", "OFFSET", Id);
        }
    }

    /// <summary>Records bytes durably written by the store.</summary>
    public void Received(long heldBytes)
    {
        ReceivedBytes = heldBytes;
        Version++;
    }

    public void Verified(bool matches, DateTime now)
    {
        State = matches ? RenditionState.Complete : RenditionState.Failed;
        CompleteTime = matches ? now : null;
        Version++;
    }
}
