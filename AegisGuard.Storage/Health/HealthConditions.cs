namespace AegisGuard.Storage.Health;

/// <summary>
/// What is wrong right now, as every part of the appliance reports it: the ingest log, the pipeline stages, storage
/// files, the key ring. <c>/healthz</c> is ready only while no <see cref="HealthImpact.NotReady"/> condition is
/// reported, and lists every condition with its reason, so "ready" means working and a degraded state says why.
/// Each component owns its keys (e.g. <c>ingest-log</c>, <c>pipeline.write</c>, <c>storage.file:&lt;path&gt;</c>),
/// reports a condition when it starts and clears it when it ends. Thread-safe; cheap enough for hot paths to call
/// on every state change (not on every record).
/// </summary>
public sealed class HealthConditions
{
    private readonly Dictionary<string, HealthCondition> conditions = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    /// <summary>Creates an empty board; <paramref name="time"/> stamps when each condition began.</summary>
    public HealthConditions(TimeProvider? time = null) => this.time = time ?? TimeProvider.System;

    /// <summary>
    /// Reports (or updates) <paramref name="component"/>'s condition. The start time is kept while the impact stays the
    /// same, so a condition re-reported with a fresher reason still says since when the component has been unwell.
    /// </summary>
    public void Report(string component, HealthImpact impact, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (conditions)
        {
            var since = conditions.TryGetValue(component, out var existing) && existing.Impact == impact
                ? existing.Since
                : time.GetUtcNow().UtcDateTime;
            conditions[component] = new HealthCondition(component, impact, reason, since);
        }
    }

    /// <summary>Ends <paramref name="component"/>'s condition, if it has one.</summary>
    public void Clear(string component)
    {
        lock (conditions)
        {
            conditions.Remove(component);
        }
    }

    /// <summary>Ends every condition whose component key starts with <paramref name="prefix"/>.</summary>
    public void ClearPrefix(string prefix)
    {
        lock (conditions)
        {
            foreach (string key in conditions.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                conditions.Remove(key);
            }
        }
    }

    /// <summary>The condition of <paramref name="component"/>, or null when it reports none.</summary>
    public HealthCondition? Find(string component)
    {
        lock (conditions)
        {
            return conditions.GetValueOrDefault(component);
        }
    }

    /// <summary>Every current condition, oldest first.</summary>
    public IReadOnlyList<HealthCondition> Current
    {
        get
        {
            lock (conditions)
            {
                return conditions.Values.OrderBy(c => c.Since).ThenBy(c => c.Component, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>True while no component reports a <see cref="HealthImpact.NotReady"/> condition.</summary>
    public bool IsReady
    {
        get
        {
            lock (conditions)
            {
                return !conditions.Values.Any(c => c.Impact == HealthImpact.NotReady);
            }
        }
    }
}

/// <summary>How a condition affects readiness.</summary>
public enum HealthImpact
{
    /// <summary>The appliance is not doing its job (not storing, not reading, or not safe): <c>/healthz</c> answers 503.</summary>
    NotReady,

    /// <summary>Something a person should know and act on (e.g. a damaged file was moved aside), while the appliance works.</summary>
    Warning,
}

/// <summary>One reported condition.</summary>
/// <param name="Component">Who reports it, e.g. <c>ingest-log</c> or <c>pipeline.write</c>.</param>
/// <param name="Impact">Whether it makes the appliance not ready.</param>
/// <param name="Reason">What is wrong and, where there is one, what to do about it.</param>
/// <param name="Since">When the condition began (UTC).</param>
public sealed record HealthCondition(string Component, HealthImpact Impact, string Reason, DateTime Since);
