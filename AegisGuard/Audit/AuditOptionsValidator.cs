using AegisGuard.Hosting;
using Microsoft.Extensions.Options;

namespace AegisGuard.Audit;

/// <summary>Refuses to start with an audit sink that cannot work (nested lists are beyond data annotations).</summary>
public sealed class AuditOptionsValidator : IValidateOptions<AegisOptions>
{
    public ValidateOptionsResult Validate(string? name, AegisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Audit.Sinks.Count; i++)
        {
            var sink = options.Audit.Sinks[i];
            if (sink.Problem() is { } problem)
            {
                failures.Add($"Aegis:Audit:Sinks:{i}: {problem}.");
            }
            else if (!names.Add(sink.Name))
            {
                failures.Add($"Aegis:Audit:Sinks:{i}: the name '{sink.Name}' is used twice.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
