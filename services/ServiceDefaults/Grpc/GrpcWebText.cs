using Microsoft.AspNetCore.Http;

namespace MediaMesh.ServiceDefaults.Grpc;

/// <summary>
/// Whether a call came as grpc-web-text (base64). The gRPC-Web middleware rewrites the content type to
/// application/grpc before routing, and its base64 reader fails with InvalidOperationException on bytes that
/// are not base64; only for such a call is that failure the caller's.
/// </summary>
public static class GrpcWebText
{
    private static readonly object Key = new();

    /// <summary>Runs before the gRPC-Web middleware.</summary>
    public static void Mark(HttpContext context)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc-web-text", StringComparison.OrdinalIgnoreCase) == true)
        {
            context.Items[Key] = true;
        }
    }

    public static bool Is(HttpContext? context) => context?.Items.ContainsKey(Key) == true;
}
