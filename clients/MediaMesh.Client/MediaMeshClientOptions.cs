namespace MediaMesh.Client;

/// <summary>How a <see cref="MediaMeshClient"/> reaches MediaMesh and how patient it is.</summary>
public sealed record MediaMeshClientOptions
{
    /// <summary>Environment variable holding the gateway's gRPC address (e.g. <c>http://localhost:5100</c>).</summary>
    public const string GatewayVariable = "MEDIAMESH_GATEWAY";

    /// <summary>Environment variable holding the member's API key (<c>mmk_…</c>).</summary>
    public const string ApiKeyVariable = "MEDIAMESH_API_KEY";

    /// <summary>Environment variable naming the CLI profile to read when nothing else is given.</summary>
    public const string ProfileVariable = "MEDIAMESH_PROFILE";

    /// <summary>The gateway's gRPC endpoint (h2c on port 5100 by default, or https behind TLS).</summary>
    public required Uri GatewayAddress { get; init; }

    /// <summary>The member's API key, sent as <c>authorization: Bearer</c> on every call. Null for open calls (health).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Deadline given to every unary call that does not set its own.</summary>
    public TimeSpan CallDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts (first try included) of a call the retry policy may repeat; see <see cref="RetryPolicy"/>. 1 turns retries off.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>First back-off of the retry policy; it doubles up to <see cref="MaxBackoff"/>, unless the server says when.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest back-off between two attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Optional HTTP handler under the channel (tests, proxies). The SDK still adds its retry-pushback handler on top.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Options from the environment variables; null if <see cref="GatewayVariable"/> is not set.</summary>
    public static MediaMeshClientOptions? FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var gateway = environment(GatewayVariable);
        if (string.IsNullOrWhiteSpace(gateway))
        {
            return null;
        }

        return new MediaMeshClientOptions { GatewayAddress = ParseAddress(gateway), ApiKey = NullIfEmpty(environment(ApiKeyVariable)) };
    }

    /// <summary>
    /// Options from, in order: the environment variables, then the CLI config file's profile
    /// (<paramref name="profile"/>, else <see cref="ProfileVariable"/>, else <c>default</c>). The API key
    /// variable overrides the profile's key when both exist.
    /// </summary>
    public static MediaMeshClientOptions Resolve(string? profile = null, string? configPath = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (profile is null && FromEnvironment(environment) is { } fromEnvironment)
        {
            return fromEnvironment;
        }

        var name = profile ?? NullIfEmpty(environment(ProfileVariable)) ?? ClientConfigFile.DefaultProfile;
        var file = ClientConfigFile.Load(configPath ?? ClientConfigFile.DefaultPath(environment));
        if (!file.Profiles.TryGetValue(name, out var stored))
        {
            throw new MediaMeshConfigurationException(
                $"No MediaMesh profile '{name}': run `mediamesh login --profile {name}` or set {GatewayVariable} and {ApiKeyVariable}.");
        }

        return new MediaMeshClientOptions
        {
            GatewayAddress = ParseAddress(stored.Gateway),
            ApiKey = NullIfEmpty(environment(ApiKeyVariable)) ?? stored.ApiKey,
        };
    }

    /// <summary>Parses a gateway address; <c>host:port</c> without a scheme means h2c (<c>http://</c>).</summary>
    public static Uri ParseAddress(string address)
    {
        var text = address.Trim();
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new MediaMeshConfigurationException($"'{address}' is not a gateway address (expected e.g. http://localhost:5100).");
        }

        return uri;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The client could not be configured (no profile, bad address, unreadable config file).</summary>
public sealed class MediaMeshConfigurationException(string message) : Exception(message);
