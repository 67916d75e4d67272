using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MediaMesh.TestSupport;

/// <summary>
/// A large pseudo-random "file" that is never held in memory: byte i is a pure function of the seed
/// and i (SplitMix64 per 8-byte word), so any range can be regenerated from any offset.
/// </summary>
public sealed class DeterministicContent(long length, ulong seed)
{
    public long Length { get; } = length;

    public void Fill(long offset, Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        var i = 0;
        if ((offset & 7) == 0 && BitConverter.IsLittleEndian)
        {
            // Fast path: whole words straight into the destination.
            var words = MemoryMarshal.Cast<byte, ulong>(destination);
            var first = offset >> 3;
            for (var w = 0; w < words.Length; w++)
            {
                words[w] = Word(first + w);
            }

            i = words.Length * 8;
        }

        while (i < destination.Length)
        {
            var position = offset + i;
            BinaryPrimitives.WriteUInt64LittleEndian(word, Word(position >> 3));
            var within = (int)(position & 7);
            var count = Math.Min(8 - within, destination.Length - i);
            word.Slice(within, count).CopyTo(destination[i..]);
            i += count;
        }
    }

    /// <summary>
    /// The content from <paramref name="offset"/> in chunks through one reused buffer. After
    /// <paramref name="failAfterBytes"/> bytes the stream throws an <see cref="IOException"/>.
    /// <paramref name="onChunk"/> runs before each chunk (used to sample memory).
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(
        long offset, int chunkSize, long? failAfterBytes = null, Action? onChunk = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new byte[chunkSize];
        long sent = 0;
        for (var position = offset; position < Length; position += chunkSize)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (sent >= failAfterBytes)
            {
                throw new IOException("The client connection was reset mid-upload.");
            }

            onChunk?.Invoke();
            var count = (int)Math.Min(chunkSize, Length - position);
            Fill(position, buffer.AsSpan(0, count));
            yield return buffer.AsMemory(0, count);
            sent += count;
        }
    }

    /// <summary>SHA-256 (lower-case hex) of the content from <paramref name="offset"/> to the end, streamed.</summary>
    public string Sha256Hex(long offset = 0)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[(1024 * 1024)];
        for (var position = offset; position < Length; position += buffer.Length)
        {
            var count = (int)Math.Min(buffer.Length, Length - position);
            Fill(position, buffer.AsSpan(0, count));
            sha256.AppendData(buffer, 0, count);
        }

        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }

    private ulong Word(long index)
    {
        var z = seed + ((ulong)index * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
