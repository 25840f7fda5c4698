using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest.Schema;

/// <summary>The wire schema of one ingestion endpoint, without its row type (what the ingest API needs).</summary>
public interface IBatchDecoder
{
    Signal Signal { get; }

    /// <summary>The array property holding the items, e.g. <c>logs</c>.</summary>
    string ItemsProperty { get; }

    /// <summary>Most items one request may carry.</summary>
    int MaxItems { get; }

    /// <summary>Validates the batch without keeping the rows.</summary>
    BatchDecodeResult<object> Validate(ReadOnlyMemory<byte> json, DecodeContext context);

    /// <summary>Decodes the batch into rows (scrubbed with <see cref="DecodeContext.Scrubber"/> when set).</summary>
    BatchDecodeResult<TelemetryRow> DecodeRows(ReadOnlyMemory<byte> json, DecodeContext context);
}
