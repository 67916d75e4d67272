using System.Text.Json;
using System.Text.Json.Serialization;

namespace MediaMesh.Client;

/// <summary>One stored identity: where the gateway is and the key to present.</summary>
public sealed record ClientProfile(
    [property: JsonPropertyName("gateway")] string Gateway,
    [property: JsonPropertyName("apiKey")] string ApiKey);

/// <summary>
/// The per-user config file shared by the CLI and the SDK: named profiles, each a gateway address
/// and an API key. It holds secrets, so it is written readable by its owner only (0600, in a 0700
/// folder) and replaced atomically.
/// </summary>
public sealed class ClientConfigFile
{
    /// <summary>The profile used when none is named.</summary>
    public const string DefaultProfile = "default";

    /// <summary>Environment variable overriding the file's location.</summary>
    public const string PathVariable = "MEDIAMESH_CONFIG";

    /// <summary>Profiles by name.</summary>
    [JsonPropertyName("profiles")]
    public Dictionary<string, ClientProfile> Profiles { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>$MEDIAMESH_CONFIG</c>, else <c>$XDG_CONFIG_HOME/mediamesh/config.json</c>, else
    /// <c>~/.config/mediamesh/config.json</c> (on Windows <c>%APPDATA%\mediamesh\config.json</c>).
    /// </summary>
    public static string DefaultPath(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (environment(PathVariable) is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        var root = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(root, "mediamesh", "config.json");
    }

    /// <summary>Reads the file; an absent file is an empty configuration.</summary>
    public static ClientConfigFile Load(string path)
    {
        if (!File.Exists(path))
        {
            return new ClientConfigFile();
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, ClientConfigJson.Default.ClientConfigFile) ?? new ClientConfigFile();
        }
        catch (JsonException)
        {
            throw new MediaMeshConfigurationException($"The MediaMesh config file {path} is not valid JSON; fix or delete it.");
        }
    }

    /// <summary>Writes the file owner-only and atomically (a temporary file renamed over the old one).</summary>
    public void Save(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, this, ClientConfigJson.Default.ClientConfigFile);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode only applies to new files; make sure a leftover temporary file is private too.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ClientConfigFile))]
internal sealed partial class ClientConfigJson : JsonSerializerContext;
