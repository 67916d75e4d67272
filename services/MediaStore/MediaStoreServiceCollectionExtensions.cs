using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MediaMesh.MediaStore;

public static class MediaStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IMediaStore"/> (the file system store), <see cref="ChunkedUpload"/> and
    /// <see cref="ChunkedDownload"/> as singletons, with <see cref="MediaStoreOptions"/> bound from
    /// <c>MediaMesh:Media</c> of <paramref name="configuration"/>. RootDirectory defaults to
    /// <c>&lt;dataDirectory&gt;/media</c> and is made absolute; invalid options fail at start.
    /// An <see cref="IMediaStore"/> registered before this call (e.g. an S3 store) is kept.
    /// </summary>
    public static IServiceCollection AddMediaStore(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);

        services.AddOptions<MediaStoreOptions>()
            .Bind(configuration.GetSection(MediaStoreOptions.SectionName))
            .PostConfigure(o => o.RootDirectory = Path.GetFullPath(
                string.IsNullOrWhiteSpace(o.RootDirectory) ? Path.Combine(dataDirectory, "media") : o.RootDirectory))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaStoreOptions>, MediaStoreOptionsValidator>());

        services.TryAddSingleton<IMediaStore, FileSystemMediaStore>();
        services.TryAddSingleton<ChunkedUpload>();
        services.TryAddSingleton<ChunkedDownload>();
        return services;
    }

    private sealed class MediaStoreOptionsValidator : IValidateOptions<MediaStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, MediaStoreOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
