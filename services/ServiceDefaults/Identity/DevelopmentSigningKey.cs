using System.Security.Cryptography;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// In Development only, a service started on its own (`dotnet run --project services/X`) without a
/// configured signing key uses a per-user key kept in ~/.mediamesh/dev-signing-key, created on first
/// use, so that every MediaMesh process of that developer trusts the same tokens. Outside
/// Development the key must be configured and start-up fails without it.
/// </summary>
internal static class DevelopmentSigningKey
{
    public static string LoadOrCreate()
    {
        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mediamesh");
        var file = Path.Combine(folder, "dev-signing-key");
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        Directory.CreateDirectory(folder);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            using var writer = new StreamWriter(stream);
            writer.Write(key);
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another MediaMesh process created it at the same moment: use theirs.
            Thread.Sleep(100);
            return File.ReadAllText(file).Trim();
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
