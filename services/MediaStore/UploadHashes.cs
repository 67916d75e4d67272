using System.Security.Cryptography;

namespace MediaMesh.MediaStore;

/// <summary>
/// The running SHA-256 of uploads that stopped short of their last byte, by object key and the bytes
/// it covers, so a resume in this process continues the hash instead of reading the prefix again.
/// Bounded: past <see cref="Capacity"/> entries the oldest are dropped (a resume then re-reads its prefix once).
/// </summary>
internal sealed class UploadHashes
{
    public const int Capacity = 256;

    private readonly Dictionary<string, (long Held, IncrementalHash Hash, long Order)> kept = new(StringComparer.Ordinal);
    private long order;

    /// <summary>The hash of exactly <paramref name="held"/> bytes of the object, or null; the caller owns it from here.</summary>
    public IncrementalHash? Take(string objectKey, long held)
    {
        lock (kept)
        {
            if (!kept.Remove(objectKey, out var entry))
            {
                return null;
            }

            if (entry.Held == held)
            {
                return entry.Hash;
            }

            entry.Hash.Dispose();
            return null;
        }
    }

    public void Keep(string objectKey, long held, IncrementalHash hash)
    {
        lock (kept)
        {
            if (kept.Remove(objectKey, out var previous))
            {
                previous.Hash.Dispose();
            }

            if (kept.Count >= Capacity)
            {
                var oldest = kept.MinBy(e => e.Value.Order);
                kept.Remove(oldest.Key);
                oldest.Value.Hash.Dispose();
            }

            kept[objectKey] = (held, hash, ++order);
        }
    }
}
