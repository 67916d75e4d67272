namespace MediaMesh.Bench.Support;

/// <summary>Median, percentiles and min–max of repeated measurements (nearest-rank on the sorted values).</summary>
public sealed record Summary(int Count, double Median, double P95, double P99, double Min, double Max)
{
    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            return new Summary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(sorted);
        return new Summary(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted[0], sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of already sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>"median (min–max)" with the given format, the way every report prints a repeated figure.</summary>
    public string MedianRange(string format) =>
        $"{Median.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} ({Min.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}–{Max.ToString(format, System.Globalization.CultureInfo.InvariantCulture)})";
}
