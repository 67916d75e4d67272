using MediaMesh.ServiceDefaults.Identity;
using Microsoft.Extensions.Options;

namespace MediaMesh.TestSupport;

/// <summary>
/// The internal-token key pairs of a test run, made in process, one per issuer, as
/// deploy/generate-keys.sh makes them for a deployment. A host gets only its own private key and
/// every public key; tokens that stand for the gateway are signed here, in the test, with the
/// gateway's key, which no service host holds.
/// </summary>
public static class TestKeys
{
    public static readonly string[] Issuers = [InternalTokenNames.Gateway, "organization", "initiative", "exchange"];

    private static readonly Dictionary<string, (string PrivateKey, string PublicKey)> Pairs =
        Issuers.ToDictionary(name => name, _ => TokenKeys.Generate(), StringComparer.Ordinal);

    private static readonly Dictionary<string, InternalTokenIssuer> Signers =
        Issuers.ToDictionary(name => name, name => SignerFor(name, Pairs[name].PrivateKey, TimeProvider.System), StringComparer.Ordinal);

    public static string PrivateKey(string issuer) => Pairs[issuer].PrivateKey;

    public static string PublicKey(string issuer) => Pairs[issuer].PublicKey;

    /// <summary>Signs as <paramref name="issuer"/> with its key of this run.</summary>
    public static InternalTokenIssuer Signer(string issuer) => Signers[issuer];

    /// <summary>The gateway's signer: member tokens that every service accepts.</summary>
    public static InternalTokenIssuer Gateway => Signers[InternalTokenNames.Gateway];

    /// <summary>A signer named <paramref name="issuer"/> with any key and clock (forgeries, expired tokens).</summary>
    public static InternalTokenIssuer SignerFor(string issuer, string privateKey, TimeProvider clock, TimeSpan? lifetime = null) =>
        new(Options.Create(new InternalTokenOptions { PrivateKey = privateKey, Lifetime = lifetime ?? new InternalTokenOptions().Lifetime }),
            new InternalTokenIdentity(issuer), clock);

    /// <summary>The settings of the host named <paramref name="self"/>: its own private key (none for the gateway's name is ever given to a service) and every public key.</summary>
    public static IEnumerable<KeyValuePair<string, string>> SettingsFor(string self)
    {
        foreach (var issuer in Issuers)
        {
            yield return new($"{InternalTokenOptions.SectionName}:Issuers:{issuer}:PublicKey", PublicKey(issuer));
        }

        if (Pairs.ContainsKey(self))
        {
            yield return new($"{InternalTokenOptions.SectionName}:PrivateKey", PrivateKey(self));
        }
    }

    /// <summary>The issuer name of a MediaMesh assembly, e.g. MediaMesh.Exchange → exchange.</summary>
    public static string NameOf(Type typeInAssembly) =>
        (typeInAssembly.Assembly.GetName().Name ?? string.Empty).Replace("MediaMesh.", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}
