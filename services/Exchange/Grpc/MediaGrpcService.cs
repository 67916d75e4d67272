using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using MediaMesh.Common.Errors;
using MediaMesh.Common.Languages;
using MediaMesh.Common.Validation;
using MediaMesh.Exchange.Application;
using MediaMesh.Exchange.Domain;
using MediaMesh.ServiceDefaults.Identity;
using V1 = MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Exchange.Grpc;

/// <summary>mediamesh.exchange.v1.MediaService: renditions uploaded in resumable chunks and downloaded from any offset.</summary>
public sealed class MediaGrpcService(MediaLibrary media) : V1.MediaService.MediaServiceBase
{
    public override async Task<V1.CreateRenditionResponse> CreateRendition(V1.CreateRenditionRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var r = request.Rendition ?? throw ValidationFailedException.For("rendition", "is required");
        var v = new RequestValidator()
            .Required(r.OfferId, "rendition.offer_id")
            .Check(r.Kind != V1.RenditionKind.Unspecified && Enum.IsDefined(r.Kind), "rendition.kind", "is required")
            .Required(r.FileName, "rendition.file_name").MaxLength(r.FileName, 255, "rendition.file_name")
            .Check(r.FileName.IndexOfAny(['/', '\\', '\0']) < 0, "rendition.file_name", "must be a file name without folders")
            .Required(r.MimeType, "rendition.mime_type").MaxLength(r.MimeType, 100, "rendition.mime_type")
            .Check(r.MimeType.Contains('/', StringComparison.Ordinal) || r.MimeType.Length == 0, "rendition.mime_type", "must be a MIME type such as \"video/mp4\"")
            .MaxLength(r.VideoCodec, 50, "rendition.video_codec")
            .Check(r.FrameRate >= 0 && r.FrameRate <= 1000, "rendition.frame_rate", "must be between 0 and 1000")
            .Check(r.Bitrate >= 0, "rendition.bitrate", "must not be negative")
            .Check(r.Width >= 0 && r.Height >= 0, "rendition.width", "width and height must not be negative")
            .Check(r.Language.Length == 0 || LanguageTag.IsValid(r.Language), "rendition.language", "must be a BCP 47 language tag");
        v.ThrowIfInvalid();
        var description = new RenditionDescription((RenditionKind)r.Kind, r.FileName.Trim(), r.MimeType.Trim(), r.SizeBytes, r.Sha256,
            r.VideoCodec.Trim(), r.FrameRate, r.Bitrate, r.Width, r.Height, r.Language.Length == 0 ? string.Empty : LanguageTag.Normalize(r.Language));
        var created = await media.CreateAsync(caller, r.OfferId, description, context.CancellationToken);
        return new V1.CreateRenditionResponse { Rendition = created.ToContract() };
    }

    public override async Task<V1.GetRenditionResponse> GetRendition(V1.GetRenditionRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        var rendition = await media.GetAsync(caller, request.Id, context.CancellationToken);
        return new V1.GetRenditionResponse { Rendition = rendition.ToContract() };
    }

    public override async Task<V1.UploadRenditionResponse> UploadRendition(IAsyncStreamReader<V1.UploadRenditionRequest> requestStream, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var ct = context.CancellationToken;
        if (!await requestStream.MoveNext(ct) || requestStream.Current.ContentCase != V1.UploadRenditionRequest.ContentOneofCase.Target)
        {
            throw ValidationFailedException.For("target", "the first message must name the rendition and the offset");
        }

        var target = requestStream.Current.Target;
        new RequestValidator().Required(target.RenditionId, "target.rendition_id")
            .Check(target.Offset >= 0, "target.offset", "must not be negative").ThrowIfInvalid();
        var rendition = await media.UploadAsync(caller, target.RenditionId, target.Offset, ChunksOf(requestStream, ct), ct);
        return new V1.UploadRenditionResponse { Rendition = rendition.ToContract() };
    }

    public override async Task DownloadRendition(V1.DownloadRenditionRequest request, IServerStreamWriter<V1.DownloadRenditionResponse> responseStream, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").Check(request.Offset >= 0, "offset", "must not be negative")
            .Check(request.ChunkSize >= 0, "chunk_size", "must not be negative").ThrowIfInvalid();
        var (rendition, chunks) = await media.DownloadAsync(caller, request.Id, request.Offset, request.ChunkSize, context.CancellationToken);
        var first = true;
        await foreach (var (offset, data) in chunks.WithCancellation(context.CancellationToken))
        {
            // The chunk is a view of a reused buffer: it is serialised by WriteAsync before the next read.
            var message = new V1.DownloadRenditionResponse { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(data) };
            if (first)
            {
                message.Rendition = rendition.ToContract();
                first = false;
            }

            await responseStream.WriteAsync(message, context.CancellationToken);
        }

        if (first)
        {
            await responseStream.WriteAsync(new V1.DownloadRenditionResponse { Offset = request.Offset, Rendition = rendition.ToContract() }, context.CancellationToken);
        }
    }

    public override async Task<V1.DeleteRenditionResponse> DeleteRendition(V1.DeleteRenditionRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        new RequestValidator().Required(request.Id, "id").ThrowIfInvalid();
        await media.DeleteAsync(caller, request.Id, context.CancellationToken);
        return new V1.DeleteRenditionResponse();
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ChunksOf(
        IAsyncStreamReader<V1.UploadRenditionRequest> requestStream, [EnumeratorCancellation] CancellationToken ct)
    {
        while (await requestStream.MoveNext(ct))
        {
            if (requestStream.Current.ContentCase != V1.UploadRenditionRequest.ContentOneofCase.Data)
            {
                throw ValidationFailedException.For("target", "only the first message may name the target; the others carry data");
            }

            yield return requestStream.Current.Data.Memory;
        }
    }
}
