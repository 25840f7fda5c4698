using System.Text.Json.Serialization;

namespace AegisGuard.Query.LogQl.Contracts;

/// <summary>The answer of GET /api/logs/stats: what the caller's org's logs take on disk.</summary>
/// <param name="Files">Parquet files.</param>
/// <param name="Rows">Stored log lines.</param>
/// <param name="Bytes">Bytes on disk (zstd Parquet).</param>
/// <param name="BytesPerLog">Bytes per stored line.</param>
/// <param name="Oldest">Earliest event time stored.</param>
/// <param name="Newest">Latest event time stored.</param>
public sealed record LogStorageResult(
    [property: JsonPropertyName("files")] long Files,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("bytes_per_log")] double BytesPerLog,
    [property: JsonPropertyName("oldest")] DateTime? Oldest,
    [property: JsonPropertyName("newest")] DateTime? Newest);
