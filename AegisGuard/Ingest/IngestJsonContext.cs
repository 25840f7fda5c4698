using System.Text.Json.Serialization;

namespace AegisGuard.Ingest;

/// <summary>Source-generated JSON for the ingest hot path.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(IngestAccepted))]
internal sealed partial class IngestJsonContext : JsonSerializerContext;
