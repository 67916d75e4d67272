using System.Text.Json;
using System.Text.Json.Serialization;

namespace MediaMesh.Cli.Demo;

/// <summary>
/// What the seeder must remember between runs: the API key it created for each demo organisation
/// (keys are shown once, and the seeder acts as each member). Written owner-only, like the CLI's config.
/// </summary>
internal sealed class SeedState
{
    [JsonPropertyName("keys")]
    public Dictionary<string, string> Keys { get; init; } = new(StringComparer.Ordinal);

    public static SeedState Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), SeedStateJson.Default.SeedState) ?? new SeedState() : new SeedState();

    public void Save(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, this, SeedStateJson.Default.SeedState);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(SeedState))]
internal sealed partial class SeedStateJson : JsonSerializerContext;
