using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;

namespace MediaMesh.Initiatives.Domain;

/// <summary>Where a signing organisation stood when it signed (from the organization service).</summary>
public sealed record SignatoryProfile(string CountryCode, WorldRegion Region, IReadOnlyList<string> UnionIds);

/// <summary>
/// An organisation's signature of an initiative: one record per (initiative, organisation), kept for
/// good. Withdrawal is recorded (time, reason), never deleted; signing again after a withdrawal
/// renews the same record. The signer's country, region and unions are copied at signing so that
/// filters and counts never need the organization service.
/// </summary>
public sealed class Signature
{
    private Signature()
    {
    }

    public string InitiativeId { get; private set; } = string.Empty;
    public string OrganizationId { get; private set; } = string.Empty;
    public string SignerName { get; private set; } = string.Empty;
    public string SignerTitle { get; private set; } = string.Empty;
    public SignatureState State { get; private set; }
    public DateTime SignTime { get; private set; }
    public DateTime? WithdrawTime { get; private set; }
    public string WithdrawReason { get; private set; } = string.Empty;
    public string CountryCode { get; private set; } = string.Empty;
    public WorldRegion Region { get; private set; }
    public List<string> UnionIds { get; private set; } = [];

    /// <summary>"|u1|u2|" for the union filter in SQL.</summary>
    public string UnionKey { get; private set; } = string.Empty;

    public long Version { get; private set; }

    public bool IsCurrent => State == SignatureState.Signed;

    public static Signature Sign(Initiative initiative, string organizationId, string signerName, string signerTitle, SignatoryProfile profile, DateTime now)
    {
        initiative.EnsureAcceptsSignatures();
        var signature = new Signature { InitiativeId = initiative.Id, OrganizationId = organizationId };
        signature.Record(signerName, signerTitle, profile, now);
        return signature;
    }

    /// <summary>Signs again after a withdrawal. A current signature is not renewed (signing is idempotent upstream).</summary>
    public void Renew(Initiative initiative, string signerName, string signerTitle, SignatoryProfile profile, DateTime now)
    {
        initiative.EnsureAcceptsSignatures();
        if (IsCurrent)
        {
            throw new InvalidOperationException("A current signature is returned as it is, not renewed.");
        }

        Record(signerName, signerTitle, profile, now);
    }

    public void Withdraw(Initiative initiative, string reason, DateTime now)
    {
        if (!IsCurrent)
        {
            throw new PreconditionFailedException(
                $"Organisation '{OrganizationId}' already withdrew its signature of '{InitiativeId}'.", "SIGNATURE_STATE", OrganizationId);
        }

        if (initiative.IsFinal)
        {
            throw new PreconditionFailedException(
                $"Initiative '{InitiativeId}' is {Initiative.Describe(initiative.State)}; its signatures are closed.", "STATE", InitiativeId);
        }

        State = SignatureState.Withdrawn;
        WithdrawTime = now;
        WithdrawReason = reason;
        Version++;
    }

    private void Record(string signerName, string signerTitle, SignatoryProfile profile, DateTime now)
    {
        SignerName = signerName;
        SignerTitle = signerTitle;
        State = SignatureState.Signed;
        SignTime = now;
        WithdrawTime = null;
        WithdrawReason = string.Empty;
        CountryCode = profile.CountryCode;
        Region = profile.Region;
        UnionIds = [.. profile.UnionIds];
        UnionKey = "|" + string.Join('|', UnionIds) + "|";
        Version++;
    }
}
