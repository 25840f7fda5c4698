using System.Globalization;
using System.Text.Json;
using AegisGuard.Storage.Files;

namespace AegisGuard.Storage.Quarantine;

/// <summary>
/// Records the pipeline could not store, set aside in <c>data/quarantine/records</c> instead of being dropped or
/// stopping the pipeline: per record an encrypted payload (<c>&lt;id&gt;.rec</c>) and a readable sidecar with the reason
/// (<c>&lt;id&gt;.json</c>). Both are written to a temp name, fsynced and renamed, so a crash leaves either the whole
/// entry or none. A replay sends the payload back to the ingest log; the entry then stays, marked replayed, without
/// its payload. Thread-safe.
/// </summary>
public sealed class QuarantineStore
{
    /// <summary>An entry waiting for a decision.</summary>
    public const string Quarantined = "quarantined";

    /// <summary>An entry being sent back to the ingest log.</summary>
    public const string Replaying = "replaying";

    /// <summary>An entry whose payload went back to the ingest log.</summary>
    public const string Replayed = "replayed";

    private readonly string directory;
    private readonly IQuarantineProtector protector;
    private readonly TimeProvider time;
    private readonly Lock gate = new();

    /// <summary>Opens (creating when needed) the quarantine in <paramref name="directory"/>.</summary>
    public QuarantineStore(string directory, IQuarantineProtector protector, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(protector);
        this.directory = directory;
        this.protector = protector;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>The folder holding the entries.</summary>
    public string Directory => directory;

    /// <summary>
    /// Sets a record aside (replacing an entry with the same id: a record set aside again after a restart).
    /// Throws when the entry cannot be written durably — the caller must then not let the record go.
    /// </summary>
    public QuarantinedRecord Put(QuarantinedRecord entry, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(payload);
        System.IO.Directory.CreateDirectory(directory);
        var stored = entry with { Bytes = payload.Length, State = Quarantined, QuarantinedAt = entry.QuarantinedAt == default ? time.GetUtcNow().UtcDateTime : entry.QuarantinedAt };
        lock (gate)
        {
            WriteDurably(PayloadPath(stored.Id), protector.Protect(payload));
            WriteDurably(SidecarPath(stored.Id), JsonSerializer.SerializeToUtf8Bytes(stored, QuarantineJsonContext.Default.QuarantinedRecord));
            DirectorySync.Sync(directory);
        }

        return stored;
    }

    /// <summary>Entries, newest first; of one org when <paramref name="orgId"/> is given, replayed ones only when asked.</summary>
    public IReadOnlyList<QuarantinedRecord> List(int? orgId = null, bool includeReplayed = false)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }

        var entries = new List<QuarantinedRecord>();
        foreach (string file in System.IO.Directory.EnumerateFiles(directory, "*.json"))
        {
            var entry = TryRead(file);
            if (entry is not null && (orgId is null || entry.OrgId == orgId) && (includeReplayed || entry.State != Replayed))
            {
                entries.Add(entry);
            }
        }

        return entries.OrderByDescending(e => e.QuarantinedAt).ThenByDescending(e => e.Address).ToList();
    }

    /// <summary>The entry with <paramref name="id"/>, or null.</summary>
    public QuarantinedRecord? Find(string id) => IsValidId(id) ? TryRead(SidecarPath(id)) : null;

    /// <summary>The decrypted payload of an entry that still has one.</summary>
    /// <exception cref="FileNotFoundException">The entry has no payload (replayed or discarded).</exception>
    public byte[] ReadPayload(string id)
    {
        EnsureValidId(id);
        return protector.Unprotect(File.ReadAllBytes(PayloadPath(id)));
    }

    /// <summary>Records a state change of an entry (replaying, then replayed — which also deletes the payload).</summary>
    public QuarantinedRecord? SetState(string id, string state)
    {
        EnsureValidId(id);
        lock (gate)
        {
            var entry = TryRead(SidecarPath(id));
            if (entry is null)
            {
                return null;
            }

            var changed = entry with { State = state, ReplayedAt = state == Replayed ? time.GetUtcNow().UtcDateTime : entry.ReplayedAt };
            WriteDurably(SidecarPath(id), JsonSerializer.SerializeToUtf8Bytes(changed, QuarantineJsonContext.Default.QuarantinedRecord));
            if (state == Replayed)
            {
                File.Delete(PayloadPath(id));
            }

            DirectorySync.Sync(directory);
            return changed;
        }
    }

    /// <summary>Deletes an entry and its payload (the data in it is given up).</summary>
    public bool Discard(string id)
    {
        EnsureValidId(id);
        lock (gate)
        {
            string sidecar = SidecarPath(id);
            if (!File.Exists(sidecar))
            {
                return false;
            }

            File.Delete(PayloadPath(id));
            File.Delete(sidecar);
            DirectorySync.Sync(directory);
            return true;
        }
    }

    /// <summary>The id of a record at <paramref name="address"/> with batch id <paramref name="batchId"/>.</summary>
    public static string IdOf(long address, Guid? batchId) =>
        string.Create(CultureInfo.InvariantCulture, $"{address:D14}-{(batchId ?? Guid.Empty):N}");

    /// <summary>True for ids made by <see cref="IdOf"/> (so no id can name a path outside the quarantine).</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: 47 } && id[14] == '-' && id.AsSpan(0, 14).IndexOfAnyExceptInRange('0', '9') < 0 &&
        id.AsSpan(15).IndexOfAnyExcept(LowerHex) < 0;

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static void EnsureValidId(string id)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"'{id}' is not a quarantine id", nameof(id));
        }
    }

    private string PayloadPath(string id) => Path.Combine(directory, id + ".rec");

    private string SidecarPath(string id) => Path.Combine(directory, id + ".json");

    private static QuarantinedRecord? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), QuarantineJsonContext.Default.QuarantinedRecord);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        string temp = path + ".tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
