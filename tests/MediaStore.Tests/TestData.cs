using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace MediaMesh.MediaStore.Tests;

/// <summary>Small in-memory payloads and chunk streams for the unit tests.</summary>
public static class TestData
{
    public static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// <paramref name="data"/> in chunks; after <paramref name="failAfterChunks"/> chunks the stream
    /// throws <paramref name="failure"/>, as a dropped client connection does.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(
        ReadOnlyMemory<byte> data, int chunkSize, int? failAfterChunks = null, Exception? failure = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sent = 0;
        for (var start = 0; start < data.Length; start += chunkSize)
        {
            await Task.Yield();
            if (sent == failAfterChunks)
            {
                throw failure ?? new IOException("The client connection was reset.");
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return data.Slice(start, Math.Min(chunkSize, data.Length - start));
            sent++;
        }
    }

    public static async Task<byte[]> ReadAllAsync(IMediaStore store, string key, long offset = 0)
    {
        await using var stream = await store.OpenReadAsync(key, offset, TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, TestContext.Current.CancellationToken);
        return copy.ToArray();
    }
}
