namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>A series as the catalog knows it: its id, identity, and the times of its first and newest sample.</summary>
internal sealed record CatalogSeries(long Id, int OrgId, MetricSeriesIdentity Identity, long FirstSeenMs, long LastSeenMs);
