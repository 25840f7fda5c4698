using AegisGuard.Cli;

// The executable: `AegisGuard [serve] --urls <url> --data <dir>` runs the appliance; `AegisGuard keys …` manages
// API keys on the same data directory (also while the server runs). See Cli/CommandLine.cs.
return await CommandLine.RunAsync(args);

/// <summary>The entry point type, public so integration tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
