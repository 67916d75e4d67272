using MediaMesh.Client.Transfers;
using ExV1 = MediaMesh.Contracts.Exchange.V1;
using InV1 = MediaMesh.Contracts.Initiative.V1;

namespace MediaMesh.Faults.Kills;

/// <summary>How many acknowledged writes of each kind were read back through the gateway, and what did not match.</summary>
public sealed class AckVerification
{
    private readonly Dictionary<string, (long Checked, long Matched)> _kinds = new(StringComparer.Ordinal);

    public List<string> Mismatches { get; } = [];

    public IReadOnlyDictionary<string, (long Checked, long Matched)> Kinds => _kinds;

    public long Checked => _kinds.Values.Sum(k => k.Checked);

    public long Matched => _kinds.Values.Sum(k => k.Matched);

    public void Record(string kind, bool matched, string what)
    {
        var (c, m) = _kinds.GetValueOrDefault(kind);
        _kinds[kind] = (c + 1, m + (matched ? 1 : 0));
        if (!matched && Mismatches.Count < 20)
        {
            Mismatches.Add($"{kind} {what}");
        }
    }
}

/// <summary>
/// Reads every acknowledged write back through the gateway as its member: offers, content requests,
/// licences, initiatives and signatures must be what the writes made them; every uploaded rendition is
/// COMPLETE with its declared size and SHA-256 and downloads (the SDK verifies the SHA-256 of the bytes).
/// </summary>
public static class AckVerifier
{
    public static async Task<AckVerification> VerifyAsync(KillWorld world, WriteLedger ledger, string folder, CancellationToken ct)
    {
        var result = new AckVerification();
        foreach (var (id, (owner, shape)) in ledger.Offers)
        {
            var offer = await ReadAsync(() => world.Members[owner].Client.Offers.GetOfferAsync(new ExV1.GetOfferRequest { Id = id }, cancellationToken: ct).ResponseAsync, ct);
            var seen = offer is null ? null : new OfferShape(offer.Offer.State, offer.Offer.Headlines.FirstOrDefault()?.Text ?? string.Empty);
            result.Record("offer", seen is not null && shape.Matches(seen), $"{id}: expected {shape.Acked}{(shape.HasUncertain ? $" or {shape.Uncertain}" : string.Empty)}, read {seen?.ToString() ?? "nothing"}");
        }

        foreach (var (id, (requester, offerId, shape)) in ledger.Requests)
        {
            var request = await ReadAsync(() => world.Members[requester].Client.Licensing.GetContentRequestAsync(new ExV1.GetContentRequestRequest { Id = id }, cancellationToken: ct).ResponseAsync, ct);
            var seen = request is null ? null : new RequestShape(request.Request.State);
            result.Record("content request", seen is not null && shape.Matches(seen) && request!.Request.OfferId == offerId,
                $"{id}: expected {shape.Acked}{(shape.HasUncertain ? $" or {shape.Uncertain}" : string.Empty)}, read {seen?.ToString() ?? "nothing"}");
        }

        foreach (var licence in ledger.Licences.Values)
        {
            var licensee = world.Members.Single(m => m.Id == licence.LicenseeId);
            var read = await ReadAsync(() => licensee.Client.Licensing.GetLicenceAsync(new ExV1.GetLicenceRequest { Id = licence.Id }, cancellationToken: ct).ResponseAsync, ct);
            var matched = read is not null && read.Licence.RequestId == licence.RequestId && read.Licence.OfferId == licence.OfferId
                && read.Licence.LicenseeId == licence.LicenseeId && read.Licence.State == ExV1.LicenceState.Active;
            result.Record("licence", matched, $"{licence.Id}: read {read?.Licence.ToString() ?? "nothing"}");
        }

        foreach (var (id, (proposer, shape)) in ledger.Initiatives)
        {
            var read = await ReadAsync(() => world.Members[proposer].Client.Initiatives.GetInitiativeAsync(new InV1.GetInitiativeRequest { Id = id }, cancellationToken: ct).ResponseAsync, ct);
            var seen = read is null ? null : new InitiativeShape(read.Initiative.State, read.Initiative.Titles.FirstOrDefault()?.Text ?? string.Empty);
            result.Record("initiative", seen is not null && shape.Matches(seen), $"{id}: expected {shape.Acked}, read {seen?.ToString() ?? "nothing"}");
        }

        foreach (var group in ledger.Signatures.Keys.GroupBy(s => s.InitiativeId))
        {
            var proposer = world.Members[ledger.Initiatives[group.Key].Proposer];
            var signed = new HashSet<string>(StringComparer.Ordinal);
            var token = string.Empty;
            do
            {
                var page = await ReadAsync(() => proposer.Client.Initiatives.ListSignaturesAsync(
                    new InV1.ListSignaturesRequest { InitiativeId = group.Key, PageSize = 100, PageToken = token }, cancellationToken: ct).ResponseAsync, ct);
                if (page is null)
                {
                    break;
                }

                signed.UnionWith(page.Signatures.Where(s => s.State == InV1.SignatureState.Signed).Select(s => s.OrganizationId));
                token = page.NextPageToken;
            }
            while (token.Length > 0);

            foreach (var signature in group)
            {
                result.Record("signature", signed.Contains(signature.OrganizationId), $"{signature.InitiativeId}/{signature.OrganizationId} not listed as signed");
            }
        }

        var uploader = world.Members[0].Client;
        foreach (var rendition in ledger.Renditions.Values)
        {
            var read = await ReadAsync(() => uploader.Media.GetRenditionAsync(new ExV1.GetRenditionRequest { Id = rendition.Id }, cancellationToken: ct).ResponseAsync, ct);
            var declared = read is not null && read.Rendition.State == ExV1.RenditionState.Complete && read.Rendition.SizeBytes == rendition.SizeBytes
                && string.Equals(read.Rendition.Sha256, rendition.Sha256, StringComparison.OrdinalIgnoreCase);
            var path = Path.Combine(folder, $"download-{rendition.Id}.bin");
            var downloaded = false;
            if (declared)
            {
                try
                {
                    await new RenditionDownloader(uploader).DownloadAsync(rendition.Id, path, cancellationToken: ct);
                    downloaded = new FileInfo(path).Length == rendition.SizeBytes;
                }
                catch (Grpc.Core.RpcException)
                {
                    // Recorded as a mismatch below (the SDK refuses a download whose SHA-256 differs with DATA_LOSS).
                }
                finally
                {
                    File.Delete(path);
                }
            }

            result.Record(rendition.Interrupted ? "resumed rendition" : "rendition", declared && downloaded, $"{rendition.Id}: read {read?.Rendition.State.ToString() ?? "nothing"}, downloaded and verified: {downloaded}");
        }

        return result;
    }

    /// <summary>A read after the round: the SDK retries UNAVAILABLE itself; this waits a little longer for a backend the gateway has not yet seen healthy.</summary>
    private static async Task<T?> ReadAsync<T>(Func<Task<T>> read, CancellationToken ct)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
                return null;
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.DeadlineExceeded && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}
