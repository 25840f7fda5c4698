using AegisGuard.Storage.Parquet.Traces;

namespace AegisGuard.Tests.Storage.Traces;

/// <summary>
/// The sketch's bucket arithmetic: merging, subtracting and the byte form must give exactly what adding the values one
/// by one gives, because the follower replaces a trace's contribution by subtracting the old sketch and adding the new.
/// </summary>
public sealed class LatencySketchTests
{
    private static readonly double[] Quantiles = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1];

    [Fact]
    public void Merging_sketches_equals_adding_every_value_to_one()
    {
        var random = new Random(12);
        var whole = new LatencySketch();
        var merged = new LatencySketch();
        for (int part = 0; part < 20; part++)
        {
            var piece = new LatencySketch();
            for (int i = 0; i < random.Next(0, 200); i++)
            {
                long micros = random.Next(10) == 0 ? 0 : (long)Math.Exp(random.NextDouble() * 20);
                piece.Add(micros);
                whole.Add(micros);
            }

            merged.Merge(piece);
        }

        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.ToBytes(), merged.ToBytes());
        Assert.Equal(Quantiles.Select(whole.Quantile), Quantiles.Select(merged.Quantile));
    }

    [Fact]
    public void Subtracting_a_merged_sketch_restores_the_one_before_and_empties_buckets_that_cancel()
    {
        var before = new LatencySketch();
        foreach (long micros in new long[] { 5, 50, 500, 5_000, 50_000 })
        {
            before.Add(micros, 3);
        }

        var contribution = new LatencySketch();
        foreach (long micros in new long[] { 1, 50, 7_000_000, 2 })
        {
            contribution.Add(micros);
        }

        var sketch = LatencySketch.FromBytes(before.ToBytes());
        sketch.Merge(contribution);
        Assert.Equal(before.Count + 4, sketch.Count);
        sketch.Merge(contribution, -1);
        Assert.Equal(before.ToBytes(), sketch.ToBytes());
        Assert.Equal(before.Count, sketch.Count);

        sketch.Merge(before, -1);
        Assert.True(sketch.IsEmpty);
        Assert.Equal(0, sketch.Count);
        Assert.Null(sketch.Quantile(0.5));
    }

    [Fact]
    public void The_byte_form_round_trips_and_quantiles_stay_within_the_relative_error()
    {
        var sketch = new LatencySketch();
        var values = new List<long>();
        for (long micros = 3; micros < 10_000_000; micros = (micros * 7 / 5) + 1)
        {
            sketch.Add(micros);
            values.Add(micros);
        }

        var copy = LatencySketch.FromBytes(sketch.ToBytes());
        Assert.Equal(sketch.ToBytes(), copy.ToBytes());
        Assert.Equal(values.Count, copy.Count);
        foreach (double q in Quantiles)
        {
            // quantile_cont's interpolation over the exact values; each rank is within the error, so the mean is too.
            double position = q * (values.Count - 1);
            int low = (int)Math.Floor(position);
            double exact = values[low] + ((position - low) * (values[Math.Min(low + 1, values.Count - 1)] - values[low]));
            Assert.InRange(copy.Quantile(q)!.Value, exact * (1 - LatencySketch.RelativeError), exact * (1 + LatencySketch.RelativeError));
        }
    }
}
