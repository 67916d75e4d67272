using MediaMesh.Common.Errors;
using MediaMesh.Common.Geography;
using MediaMesh.Common.Paging;
using MediaMesh.Initiatives.Domain;
using MediaMesh.Initiatives.Persistence;
using MediaMesh.ServiceDefaults.Identity;
using Microsoft.EntityFrameworkCore;

namespace MediaMesh.Initiatives.Application;

/// <summary>
/// Signing, withdrawing and the signatory register. Signing is idempotent: a current signature is
/// returned unchanged, without asking the organization service again and without a new audit entry.
/// </summary>
public sealed class SignatureBook(InitiativeDbContext db, OrganizationDirectoryClient organizations, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Signature> SignAsync(CallerIdentity caller, string initiativeId, string? organizationId, SignerDetails signer, CancellationToken ct)
    {
        var signatoryId = string.IsNullOrEmpty(organizationId) ? caller.OrganizationId : organizationId;
        caller.RequireActingFor(signatoryId, "sign for an organisation");
        var initiative = await db.FindAsync(caller, initiativeId, ct);
        initiative.EnsureAcceptsSignatures();
        var existing = await FindSignatureAsync(initiativeId, signatoryId, ct);
        if (existing is { IsCurrent: true })
        {
            return existing;
        }

        var profiles = await organizations.RequireActiveAsync([new OrganizationReference(signatoryId, "organization_id")], ct);
        var profile = profiles[signatoryId];
        try
        {
            return await WriteSignatureAsync(caller, initiative, signatoryId, existing, signer, profile, ct);
        }
        catch (DbUpdateException)
        {
            // Another signature of the same organisation (a first one, or a renewal after a withdrawal) won
            // the race: it is the same signature.
            db.ChangeTracker.Clear();
            var winner = await FindSignatureAsync(initiativeId, signatoryId, ct);
            if (winner is { IsCurrent: true })
            {
                return winner;
            }

            throw;
        }
    }

    /// <summary>
    /// Writes the signature in a transaction that holds the initiative against transitions
    /// (<see cref="InitiativeDbContext.HoldForSigningAsync"/>) and looks at its state again: the
    /// organization check before took time, and the initiative may have been concluded or withdrawn meanwhile.
    /// </summary>
    private async Task<Signature> WriteSignatureAsync(
        CallerIdentity caller, Initiative initiative, string signatoryId, Signature? existing, SignerDetails signer, SignatoryProfile profile, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.HoldForSigningAsync(initiative.Id, ct);
        await db.Entry(initiative).ReloadAsync(ct);
        initiative.EnsureAcceptsSignatures();

        var now = Now;
        Signature signature;
        if (existing is null)
        {
            signature = Signature.Sign(initiative, signatoryId, signer.Name, signer.Title, profile, now);
            db.Signatures.Add(signature);
        }
        else
        {
            existing.Renew(initiative, signer.Name, signer.Title, profile, now);
            signature = existing;
        }

        db.AuditEntries.Add(AuditEntry.Record(initiative.Id, caller.OrganizationId, AuditActions.SignatureSigned,
            $"{signatoryId} signed{(existing is null ? string.Empty : " again")} by {signer.Name}" +
            (signer.Title.Length > 0 ? $" ({signer.Title})" : string.Empty), now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return signature;
    }

    public async Task<Signature> WithdrawAsync(CallerIdentity caller, string initiativeId, string? organizationId, string reason, CancellationToken ct)
    {
        var signatoryId = string.IsNullOrEmpty(organizationId) ? caller.OrganizationId : organizationId;
        caller.RequireActingFor(signatoryId, "withdraw an organisation's signature");
        var initiative = await db.FindAsync(caller, initiativeId, ct);
        var signature = await FindSignatureAsync(initiativeId, signatoryId, ct)
            ?? throw new ResourceNotFoundException("Signature", $"{initiativeId}/{signatoryId}");
        signature.Withdraw(initiative, reason, Now);
        db.AuditEntries.Add(AuditEntry.Record(initiativeId, caller.OrganizationId, AuditActions.SignatureWithdrawn,
            $"{signatoryId} withdrew its signature" + (reason.Length > 0 ? $"; reason: {reason}" : string.Empty), Now));
        await db.SaveChangesAsync(ct);
        return signature;
    }

    public async Task<PageResult<Signature>> ListAsync(CallerIdentity caller, string initiativeId, SignatureQuery query, PageRequest page, CancellationToken ct)
    {
        await db.FindVisibleAsync(caller, initiativeId, ct);
        IQueryable<Signature> rows = db.Signatures.AsNoTracking().Where(s => s.InitiativeId == initiativeId);
        if (!query.ShowWithdrawn)
        {
            rows = rows.Where(s => s.State == SignatureState.Signed);
        }

        if (query.Region is { } region)
        {
            rows = rows.Where(s => s.Region == region);
        }

        if (!string.IsNullOrEmpty(query.CountryCode))
        {
            rows = rows.Where(s => s.CountryCode == query.CountryCode);
        }

        if (!string.IsNullOrEmpty(query.UnionId))
        {
            var unionKey = Initiative.KeyOf(query.UnionId);
            rows = rows.Where(s => s.UnionKey.Contains(unionKey));
        }

        if (page.After is { } after)
        {
            if (!long.TryParse(after.SortKey, System.Globalization.CultureInfo.InvariantCulture, out var ticks) || ticks < 0 || ticks > DateTime.MaxValue.Ticks)
            {
                throw ValidationFailedException.For("page_token", "is not a token from a previous page of this same query");
            }

            var afterTime = new DateTime(ticks, DateTimeKind.Utc);
            rows = rows.Where(s => s.SignTime > afterTime || (s.SignTime == afterTime && s.OrganizationId.CompareTo(after.Id) > 0));
        }

        var fetched = await rows.OrderBy(s => s.SignTime).ThenBy(s => s.OrganizationId).Take(page.PageSize + 1).ToListAsync(ct);
        return PageResult.From(fetched, page, query.Fingerprint(initiativeId),
            s => new PageCursor(s.SignTime.Ticks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture), s.OrganizationId));
    }

    public async Task<IReadOnlyList<(WorldRegion Region, int Count)>> CountByRegionAsync(CallerIdentity caller, string initiativeId, CancellationToken ct)
    {
        await db.FindVisibleAsync(caller, initiativeId, ct);
        var counts = await db.Signatures.AsNoTracking()
            .Where(s => s.InitiativeId == initiativeId && s.State == SignatureState.Signed)
            .GroupBy(s => s.Region)
            .Select(g => new { Region = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        return counts.OrderBy(c => c.Region).Select(c => (c.Region, c.Count)).ToArray();
    }

    private Task<Signature?> FindSignatureAsync(string initiativeId, string organizationId, CancellationToken ct) =>
        db.Signatures.SingleOrDefaultAsync(s => s.InitiativeId == initiativeId && s.OrganizationId == organizationId, ct);
}
