using System.Runtime.InteropServices;
using AegisGuard.Load;

// Parses the command line and dispatches to a scenario; everything else lives in the types it names.
if (LoadOptions.IsHelpRequest(args))
{
    Console.Out.Write(LoadOptions.Usage);
    return 0;
}

if (args.Length > 0 && args[0] is SideBySide.Name or MetricsSideBySide.Name)
{
    try
    {
        return args[0] == SideBySide.Name
            ? await SideBySide.RunAsync(args, Console.Out, CancellationToken.None)
            : await MetricsSideBySide.RunAsync(args, Console.Out, CancellationToken.None);
    }
    catch (Exception e) when (e is FormatException or LoadAbortedException or HttpRequestException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
}

if (!LoadOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine();
    Console.Error.Write(LoadOptions.Usage);
    return 2;
}

// Ctrl+C or a plain kill stops the run (exit 130) instead of killing it mid-write.
using var cancellation = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var time = TimeProvider.System;
using var client = TargetClient.Create(options);
var scenario = ScenarioCatalog.Create(options, client, time, Console.Out);
try
{
    var report = await new LoadRunner(options, client, time, Console.Out).RunAsync(scenario, cancellation.Token);
    report.WriteText(Console.Out);
    Console.Out.WriteLine(report.ToJsonLine());
    return report.ExitCode;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted");
    return 130;
}
catch (LoadAbortedException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
