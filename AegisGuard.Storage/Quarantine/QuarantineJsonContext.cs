using System.Text.Json.Serialization;

namespace AegisGuard.Storage.Quarantine;

/// <summary>Source-generated JSON for the quarantine's sidecar files.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(QuarantinedRecord))]
internal sealed partial class QuarantineJsonContext : JsonSerializerContext;
