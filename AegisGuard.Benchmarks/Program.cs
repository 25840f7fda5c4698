using BenchmarkDotNet.Running;

namespace AegisGuard.Benchmarks;

/// <summary>Runs the benchmarks named on the command line (BenchmarkDotNet switcher: --filter, --job, ...).</summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
