using System.Buffers.Text;
using System.Security.Cryptography;
using IvrVoice.Caching;

namespace IvrVoice.Server.Announcements;

/// <summary>
/// Announcements too long to carry in a URL that are to stream when played (<c>"playback": "stream"</c>): the announcement is
/// kept server-side in the hand-off store (PostgreSQL's table when nodes share it, so any node answers the call; this
/// process's memory otherwise) under a random ticket id, and the URL carries the id, signed and expiring with it. Nothing is
/// rendered when the URL is signed; the call streams it.
/// </summary>
internal sealed class AnnouncementTickets(IHandoffStore store, TimeProvider time)
{
    private const string KeyPrefix = "announcement:";

    /// <summary>Keeps <paramref name="announcement"/> until <paramref name="expires"/>; returns its ticket id.</summary>
    /// <exception cref="TimeoutException">The shared store did not answer.</exception>
    public async Task<string> CreateAsync(Announcement announcement, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        string id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        TimeSpan lifetime = expires - time.GetUtcNow();
        await store.PutAsync(KeyPrefix + id, AnnouncementUrls.Encode(announcement), lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>The announcement a ticket names, or null when it is no longer held (expired, or kept on another node without a shared store).</summary>
    /// <exception cref="TimeoutException">The shared store did not answer.</exception>
    public async Task<Announcement?> LoadAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(KeyPrefix + id, cancellationToken).ConfigureAwait(false) is { } payload ? AnnouncementUrls.Decode(payload) : null;

    /// <summary>True when <paramref name="id"/> has the form of a ticket id (Base64url of 16 bytes).</summary>
    public static bool IsId(string id) => id.Length == 22 && Base64Url.IsValid(id, out int length) && length == 16;

    /// <summary>Store failures a caller answers with its own fallback.</summary>
    public static bool IsStoreFailure(Exception exception) =>
        exception is TimeoutException or InvalidOperationException or System.Data.Common.DbException;
}
