using System.Security.Cryptography;
using MediaMesh.TestSupport;

namespace MediaMesh.MediaStore.Tests;

[CollectionDefinition(nameof(LargeFileCollection), DisableParallelization = true)]
public sealed class LargeFileCollection;

/// <summary>
/// A 200 MiB rendition end to end: interrupted upload, resume, verification, downloads from 0 and from
/// an offset, with memory sampled throughout. Runs alone so other tests do not blur the measurements.
/// </summary>
[Collection(nameof(LargeFileCollection))]
public sealed class LargeFileTests(ITestOutputHelper output) : IDisposable
{
    private const string Key = "offers/o1/renditions/r-large";
    private const long Size = (200L * MediaStoreOptions.MiB) + 123_457;
    private const long InterruptAfter = 80L * MediaStoreOptions.MiB; // 40 %
    private const long DownloadOffset = 123_456_789;
    private const long HeapGrowthLimit = 64L * MediaStoreOptions.MiB;
    private const long WorkingSetGrowthLimit = 150L * MediaStoreOptions.MiB;
    private const long AllocationLimit = 32L * MediaStoreOptions.MiB;

    private readonly TempMediaRoot root = new();
    private readonly DeterministicContent content = new(Size, seed: 0x5EED_CAFE);
    private readonly CancellationToken ct = TestContext.Current.CancellationToken;
    private long baselineHeap;
    private long baselineWorkingSet;
    private long peakHeap;
    private long peakWorkingSet;

    public void Dispose() => root.Dispose();

    [Fact]
    public async Task A_200_MiB_rendition_survives_an_interrupted_upload_and_streams_back_with_flat_memory()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var declaredSha = content.Sha256Hex();
        baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
        baselineWorkingSet = Environment.WorkingSet;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        // The connection drops at 40 %: every chunk acknowledged before it stays.
        await Assert.ThrowsAsync<IOException>(() => root.Upload.WriteAsync(
            Key, Size, declaredSha, 0, content.Chunks(0, MediaStoreOptions.MiB, failAfterBytes: InterruptAfter, onChunk: Sample), ct));
        output.WriteLine($"generated and hashed, uploaded 40 %: {clock.ElapsedMilliseconds} ms");
        var held = await root.Store.GetHeldBytesAsync(Key, ct);
        Assert.Equal(InterruptAfter, held);

        var resumed = await root.Upload.WriteAsync(
            Key, Size, declaredSha, held, content.Chunks(held, MediaStoreOptions.MiB, onChunk: Sample), ct);
        Assert.Equal(UploadOutcome.Complete, resumed.Outcome);
        Assert.Equal(Size, resumed.HeldBytes);
        Assert.Equal(declaredSha, resumed.Verification!.ActualSha256Hex);

        output.WriteLine($"resumed and verified: {clock.ElapsedMilliseconds} ms");
        Assert.Equal(declaredSha, await DownloadSha256Async(0, MediaStoreOptions.MiB));
        output.WriteLine($"downloaded from 0: {clock.ElapsedMilliseconds} ms");
        Assert.Equal(content.Sha256Hex(DownloadOffset), await DownloadSha256Async(DownloadOffset, 0));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"heap growth peak {(peakHeap - baselineHeap) / 1024} KiB, working set growth peak {(peakWorkingSet - baselineWorkingSet) / 1024} KiB, allocated {allocated / 1024} KiB while moving {3 * Size / MediaStoreOptions.MiB} MiB");
        Assert.InRange(peakHeap - baselineHeap, long.MinValue, HeapGrowthLimit);
        Assert.InRange(peakWorkingSet - baselineWorkingSet, long.MinValue, WorkingSetGrowthLimit);
        // Far less than the bytes moved: chunks are not copied on their way to and from the disk.
        Assert.InRange(allocated, 0, AllocationLimit);
    }

    private async Task<string> DownloadSha256Async(long offset, int chunkSize)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var expectedOffset = offset;
        var chunks = 0;
        await foreach (var (chunkOffset, data) in root.Download.ReadAsync(Key, offset, chunkSize, ct))
        {
            Assert.Equal(expectedOffset, chunkOffset);
            sha256.AppendData(data.Span);
            expectedOffset += data.Length;
            if (++chunks % 16 == 0)
            {
                Sample();
            }
        }

        Assert.Equal(Size, expectedOffset);
        Sample();
        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }

    private void Sample()
    {
        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
        peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
    }
}
