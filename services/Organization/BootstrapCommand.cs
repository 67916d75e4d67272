using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Common.Languages;
using MediaMesh.Organizations.Application;
using MediaMesh.Organizations.Domain;

namespace MediaMesh.Organizations;

/// <summary>
/// `dotnet run --project services/Organization -- bootstrap --name "..." --country KE [--kind broadcasting-union] [--language en] [--key-file PATH]`:
/// creates the first coordinator and prints its API key once (or writes it, owner-only, to the key file).
/// </summary>
internal static class BootstrapCommand
{
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "bootstrap";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        string Option(string name, string fallback)
        {
            var index = Array.IndexOf(args, "--" + name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        var name = Option("name", string.Empty).Trim();
        var country = Countries.Normalize(Option("country", string.Empty));
        var language = Option("language", "en");
        var kindText = Option("kind", "broadcasting-union").Replace("-", string.Empty, StringComparison.Ordinal);
        if (name.Length == 0 || !Countries.IsValid(country) || !LanguageTag.IsValid(language)
            || !Enum.TryParse<OrganizationKind>(kindText, ignoreCase: true, out var kind))
        {
            await output.WriteLineAsync("usage: bootstrap --name NAME --country CC [--kind broadcaster|news-agency|broadcasting-union|publisher|digital-outlet] [--language en] [--key-file PATH]");
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        try
        {
            var (organization, secret) = await scope.ServiceProvider.GetRequiredService<CoordinatorBootstrap>()
                .RunAsync(name, country, kind, LanguageTag.Normalize(language), CancellationToken.None);
            await output.WriteLineAsync($"organization_id: {organization.Id}");
            var keyFile = Option("key-file", string.Empty);
            if (keyFile.Length > 0)
            {
                // For unattended runs (the AppHost's demo): the key goes to a file only its owner can read.
                WriteOwnerOnly(keyFile, secret);
                await output.WriteLineAsync($"api_key: written to {keyFile}");
                return 0;
            }

            await output.WriteLineAsync($"api_key: {secret}");
            await output.WriteLineAsync("Keep the key safe: it is shown only this once.");
            return 0;
        }
        catch (PreconditionFailedException refused)
        {
            await output.WriteLineAsync(refused.Message);
            return 1;
        }
    }

    private static void WriteOwnerOnly(string path, string secret)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(new FileStream(path, options));
        writer.WriteLine(secret);
    }
}
