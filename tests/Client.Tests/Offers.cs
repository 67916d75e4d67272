using Google.Protobuf.WellKnownTypes;
using MediaMesh.Contracts.Common.V1;
using MediaMesh.Contracts.Exchange.V1;

namespace MediaMesh.Client.Tests;

/// <summary>Offers the tests publish: worldwide, broadcast and online, approval as asked.</summary>
public static class Offers
{
    public static async Task<Offer> DraftAsync(MediaMeshClient owner, string slug, ApprovalMode approval = ApprovalMode.Manual) =>
        (await owner.Offers.CreateOfferAsync(new CreateOfferRequest
        {
            Offer = new Offer
            {
                Type = OfferType.NewsVideo,
                Headlines = { new LocalizedText { Language = "en", Text = "Test item " + slug, Original = true } },
                Slugline = slug,
                AudioLanguages = { "en" },
                Rights = new Rights
                {
                    PermittedUses = { UsageKind.Broadcast, UsageKind.Online },
                    LicenceWindow = new TimeInterval { StartTime = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-30)) },
                    Approval = new ApprovalPolicy { Mode = approval },
                },
            },
        })).Offer;

    public static async Task<Offer> PublishedAsync(MediaMeshClient owner, string slug, ApprovalMode approval = ApprovalMode.Manual)
    {
        var draft = await DraftAsync(owner, slug, approval);
        return (await owner.Offers.PublishOfferAsync(new PublishOfferRequest { Id = draft.Id })).Offer;
    }

    public static string Slug() => "T-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    /// <summary>A file of deterministic bytes in a fresh temporary folder.</summary>
    public static string WriteFile(string folder, string name, int size, int seed)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    public static string TempFolder() => Path.Combine(Path.GetTempPath(), "mediamesh-client-tests", Guid.NewGuid().ToString("N"));
}
