namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// In Development only, a process started on its own (`dotnet run --project services/X`) without
/// configured keys uses per-user key pairs kept in ~/.mediamesh/keys/{issuer}.key (private, owner
/// only) and {issuer}.pub, created on first use, so that every MediaMesh process of that developer
/// trusts the others. A process reads only its own private key and the others' public keys.
/// Outside Development every key must be configured and start-up fails without it.
/// </summary>
internal static class DevelopmentKeys
{
    private static readonly Lock CreateLock = new();

    public static string PrivateKey(string issuer) => ReadKey(Ensure(issuer).PrivateKeyFile);

    public static string PublicKey(string issuer) => ReadKey(Ensure(issuer).PublicKeyFile);

    private static (string PrivateKeyFile, string PublicKeyFile) Ensure(string issuer)
    {
        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mediamesh", "keys");
        var privateFile = Path.Combine(folder, issuer + ".key");
        var publicFile = Path.Combine(folder, issuer + ".pub");
        lock (CreateLock)
        {
            if (File.Exists(publicFile) && File.Exists(privateFile))
            {
                return (privateFile, publicFile);
            }

            Directory.CreateDirectory(folder);
            var (privateKey, publicKey) = TokenKeys.Generate();
            try
            {
                // The private key first, created exclusively: a process that loses the race uses the winner's pair.
                using (var stream = new FileStream(privateFile, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                using (var writer = new StreamWriter(stream))
                {
                    writer.Write(privateKey);
                }

                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(privateFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                File.WriteAllText(publicFile, publicKey);
            }
            catch (IOException) when (File.Exists(privateFile))
            {
                Thread.Sleep(200);
                if (!File.Exists(publicFile))
                {
                    File.WriteAllText(publicFile, TokenKeys.PublicOf(ReadKey(privateFile), privateFile));
                }
            }
        }

        return (privateFile, publicFile);
    }

    private static string ReadKey(string file) => File.ReadAllText(file).Trim();
}
