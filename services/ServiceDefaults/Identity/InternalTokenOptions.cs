namespace MediaMesh.ServiceDefaults.Identity;

/// <summary>
/// Configuration section "MediaMesh:InternalToken": this process's own signing key and the public
/// keys of the issuers it trusts. Keys are single-line base64 DER (PKCS#8 private key,
/// SubjectPublicKeyInfo public key) of ECDSA P-256, so they fit environment variables
/// (MediaMesh__InternalToken__PrivateKey, MediaMesh__InternalToken__Issuers__gateway__PublicKey);
/// deploy/generate-keys.sh makes a set. Never committed.
/// </summary>
public sealed class InternalTokenOptions
{
    public const string SectionName = "MediaMesh:InternalToken";

    /// <summary>
    /// This process's own private key: the gateway's signs member tokens (and its own calls); a
    /// service's signs only the calls it makes on its own behalf. Absent on a service that calls
    /// no other (the organization service).
    /// </summary>
    public string? PrivateKey { get; set; }

    /// <summary>Trusted issuers by name ("gateway", "exchange", ...): the public key each signs with.</summary>
    public Dictionary<string, TrustedIssuerOptions> Issuers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long an issued token is valid: what one call needs (a stream is authenticated when it
    /// starts). The gateway reuses a member's token for a quarter of it.
    /// </summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Clock difference tolerated between the signer and the verifier.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>One trusted issuer: "MediaMesh:InternalToken:Issuers:{name}".</summary>
public sealed class TrustedIssuerOptions
{
    /// <summary>base64 DER SubjectPublicKeyInfo of the issuer's ECDSA P-256 key.</summary>
    public string PublicKey { get; set; } = string.Empty;
}
