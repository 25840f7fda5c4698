namespace AegisGuard.Storage.Logs;

/// <summary>The order lines are returned in.</summary>
public enum LogSearchDirection
{
    /// <summary>Newest first (the default of a log explorer).</summary>
    Backward,

    /// <summary>Oldest first.</summary>
    Forward,
}
