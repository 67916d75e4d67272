using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.TestSupport;

/// <summary>Waits for the exchange to finish with a broken upload before a test resumes it.</summary>
public static class RenditionProgress
{
    /// <summary>The bytes held once two reads 300 ms apart agree (at most 30 s).</summary>
    public static async Task<long> SettledHeldBytesAsync(MediaService.MediaServiceClient media, string renditionId)
    {
        long previous = -1;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var held = (await media.GetRenditionAsync(new GetRenditionRequest { Id = renditionId })).Rendition.ReceivedBytes;
            if (held == previous)
            {
                return held;
            }

            previous = held;
            await Task.Delay(300);
        }

        throw new TimeoutException($"Rendition {renditionId} kept changing for 30 s after the upload broke.");
    }
}
