using System.Collections.Concurrent;

namespace BabySea.Appliance.Accounts;

/// <summary>
/// API keys by hash, each with its account, as last read from storage and for at most <see cref="Lifetime"/>: a key in
/// use costs no key or account read per request. A revoke or a plan change made on this node drops what it changed at
/// once (<see cref="AccountAdmin"/> calls <see cref="ForgetKey"/> and <see cref="ForgetAccount"/>). One made by another
/// node sharing the database cannot reach this cache, so <see cref="Lifetime"/> is the bound: a key revoked elsewhere
/// stops working here, and a plan changed elsewhere applies here, within 2 seconds. The balance an entry carries is as
/// old as the entry: whatever shows money reads the account again.
/// </summary>
public sealed class CredentialCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    // Keys in use are few; many keys used once each empty the cache rather than grow it.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _forgets;

    private sealed record Entry(ApiKey Key, Account Account, DateTimeOffset Until);

    /// <summary>Taken before reading a key from storage and handed to <see cref="Keep"/>.</summary>
    public long Version => Interlocked.Read(ref _forgets);

    public (ApiKey Key, Account Account)? Find(string hash)
    {
        if (!_entries.TryGetValue(hash, out var entry)) return null;
        if (time.GetUtcNow() < entry.Until) return (entry.Key, entry.Account);
        _entries.TryRemove(KeyValuePair.Create(hash, entry));
        return null;
    }

    /// <summary>Keeps what a read begun at <paramref name="version"/> found, unless something was forgotten meanwhile.</summary>
    public void Keep(string hash, ApiKey key, Account account, long version)
    {
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[hash] = new Entry(key, account, time.GetUtcNow() + Lifetime);
        // A revoke or plan change between the read and now may be what the read missed.
        if (Version != version) _entries.TryRemove(hash, out _);
    }

    public void ForgetKey(string keyId) => Forget(e => e.Key.Id == keyId);

    public void ForgetAccount(string accountId) => Forget(e => e.Account.Id == accountId);

    private void Forget(Func<Entry, bool> changed)
    {
        Interlocked.Increment(ref _forgets);
        foreach (var (hash, entry) in _entries)
            if (changed(entry)) _entries.TryRemove(hash, out _);
    }
}
