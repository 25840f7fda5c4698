namespace AegisGuard.Pipeline;

/// <summary>A pipeline stage stopped for a reason that is not one record's fault; the supervisor restarts the pipeline.</summary>
internal sealed class PipelineStageException(string stage, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>read, normalize or write.</summary>
    public string Stage { get; } = stage;
}
