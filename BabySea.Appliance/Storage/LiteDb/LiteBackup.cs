using LiteDB;

namespace BabySea.Appliance.Storage.LiteDb;

/// <summary>
/// A consistent copy of a data folder: every collection copied document by document into a fresh database file with the
/// same indexes (also how the file is compacted, LiteDB's own rebuild being broken past a few thousand documents), plus
/// the artifacts (into the copy's <c>artifacts/</c>, wherever they are kept) and the folder's key files, which never change once written. Run on the writer thread while serving,
/// so no write lands in the middle of the copy. The copy is made under a temporary name beside the folder and renamed
/// into place once whole, so a process killed midway leaves a <c>.partial-…</c> folder, never one that looks like a backup.
/// </summary>
internal static class LiteBackup
{
    private const int Batch = 5000;
    private static readonly string[] Skipped = ["babysea.db", "babysea-log.db", "appliance.lock"];

    public static long CopyTo(LiteStore s, string folder, string artifactsRoot)
    {
        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new IOException($"{folder} is not empty; back up into an empty or new folder.");
        var partial = $"{folder}.partial-{Guid.NewGuid():N}";
        var documents = Copy(s, partial, artifactsRoot);
        if (Directory.Exists(folder)) Directory.Delete(folder);
        Directory.Move(partial, folder);
        return documents;
    }

    private static long Copy(LiteStore s, string folder, string artifacts)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, "babysea.db");
        long documents = 0;
        using (var copy = new LiteDatabase(new ConnectionString { Filename = target, Connection = ConnectionType.Direct }))
        {
            foreach (var name in s.Db.GetCollectionNames().Order(StringComparer.Ordinal))
            {
                var to = copy.GetCollection(name, BsonAutoId.ObjectId);
                foreach (var chunk in s.Db.GetCollection(name).FindAll().Chunk(Batch))
                {
                    to.InsertBulk(chunk);
                    documents += chunk.Length;
                }
            }
            foreach (var index in s.Db.GetCollection("$indexes").FindAll().Where(i => i["name"].AsString != "_id" && !Schema.IsRetired(i["collection"].AsString, i["name"].AsString)))
                copy.GetCollection(index["collection"].AsString).EnsureIndex(index["name"].AsString, index["expression"].AsString, index["unique"].AsBoolean);
            copy.Checkpoint();
        }
        foreach (var file in Directory.GetFiles(s.DataDir).Where(f => !Skipped.Contains(Path.GetFileName(f))))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        if (Directory.Exists(artifacts))
            foreach (var file in Directory.GetFiles(artifacts, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".part", StringComparison.Ordinal)))
            {
                var to = Path.Combine(folder, "artifacts", Path.GetRelativePath(artifacts, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }
        return documents;
    }
}
