using System.Security.Cryptography;

namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>Internal-token keys (ECDSA P-256) to and from their single-line configuration form.</summary>
public static class TokenKeys
{
    /// <summary>A new key pair: base64 PKCS#8 private key and base64 SubjectPublicKeyInfo public key.</summary>
    public static (string PrivateKey, string PublicKey) Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (Convert.ToBase64String(key.ExportPkcs8PrivateKey()), Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>The key of a base64 PKCS#8 private key; an error naming <paramref name="setting"/> otherwise.</summary>
    public static ECDsa ImportPrivate(string value, string setting) =>
        Import(value, setting, "PKCS#8 private key", (key, der) => key.ImportPkcs8PrivateKey(der, out _));

    /// <summary>The key of a base64 SubjectPublicKeyInfo public key; an error naming <paramref name="setting"/> otherwise.</summary>
    public static ECDsa ImportPublic(string value, string setting) =>
        Import(value, setting, "SubjectPublicKeyInfo public key", (key, der) => key.ImportSubjectPublicKeyInfo(der, out _));

    /// <summary>The public half of a base64 PKCS#8 private key.</summary>
    public static string PublicOf(string privateKey, string setting)
    {
        using var key = ImportPrivate(privateKey, setting);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Null if the value is a usable key of the kind, else why not.</summary>
    public static string? Problem(string? value, string setting, bool isPrivate)
    {
        try
        {
            using var key = isPrivate ? ImportPrivate(value ?? string.Empty, setting) : ImportPublic(value ?? string.Empty, setting);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    private static ECDsa Import(string value, string setting, string kind, Action<ECDsa, byte[]> import)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{setting} is not set: it needs a base64 DER {kind} of ECDSA P-256 (deploy/generate-keys.sh makes one).");
        }

        var key = ECDsa.Create();
        try
        {
            import(key, Convert.FromBase64String(value.Trim()));
            var curve = key.ExportParameters(false).Curve;
            if (key.KeySize != 256 || !(curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256"))
            {
                throw new CryptographicException("not P-256");
            }

            return key;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} is not a base64 DER {kind} of ECDSA P-256 (deploy/generate-keys.sh makes one).");
        }
    }
}
