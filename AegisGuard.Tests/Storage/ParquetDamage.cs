using DuckDB.NET.Data;

namespace AegisGuard.Tests.Storage;

/// <summary>The ways a Parquet file on disk gets damaged, done to a real file for tests.</summary>
public static class ParquetDamage
{
    /// <summary>Names of the kinds, for theories.</summary>
    public const string Deleted = "deleted", Truncated = "truncated", GarbagePage = "garbage page", GarbageFooter = "garbage footer";

    /// <summary>Does <paramref name="kind"/> to the file at <paramref name="path"/>.</summary>
    public static void Apply(string kind, string path)
    {
        switch (kind)
        {
            case Deleted:
                File.Delete(path);
                break;
            case Truncated:
                // A write cut short: the first half, no footer.
                byte[] bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case GarbagePage:
                GarbleColumnChunk(path, "message");
                break;
            case GarbageFooter:
                // The start of the footer's thrift metadata (its length and the magic stay): no field can be decoded, and
                // DuckDB's error ("TProtocolException: Invalid data") names no file. Garbage further in could land in
                // statistics bytes and be read as (wrong) values without any error.
                byte[] file = File.ReadAllBytes(path);
                int footer = BitConverter.ToInt32(file, file.Length - 8);
                Array.Fill(file, (byte)0xFF, file.Length - 8 - footer, Math.Min(64, footer / 2));
                File.WriteAllBytes(path, file);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown damage");
        }

        if (File.Exists(path))
        {
            // DuckDB caches file blocks and trusts them while the modification time is unchanged (to the second): damage
            // done within the second of an earlier read would be hidden behind the cached good bytes.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        }
    }

    /// <summary>
    /// Overwrites the compressed bytes of <paramref name="column"/>'s first data page with garbage, leaving the page
    /// header and the footer intact: the file opens, its other columns read, that column cannot be decoded.
    /// </summary>
    public static void GarbleColumnChunk(string path, string column)
    {
        long offset, size;
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT data_page_offset, total_compressed_size FROM parquet_metadata($file) WHERE path_in_schema = $column ORDER BY row_group_id LIMIT 1";
            command.Parameters.Add(new DuckDBParameter("file", path));
            command.Parameters.Add(new DuckDBParameter("column", column));
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read(), $"{path} has no column {column}");
            offset = reader.GetInt64(0);
            size = reader.GetInt64(1);
        }

        // The page header (a few dozen bytes of thrift) comes first; the zstd frame after it.
        long headerRoom = Math.Min(40, size / 3);
        Overwrite(path, offset + headerRoom, (int)Math.Max(8, size - headerRoom - 4));
    }

    private static void Overwrite(string path, long at, int count)
    {
        var garbage = new byte[count];
        new Random(count).NextBytes(garbage);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = at;
        file.Write(garbage);
    }
}
