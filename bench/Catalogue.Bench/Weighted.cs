namespace MediaMesh.Catalogue.Bench;

/// <summary>Picks items with given relative weights (cumulative table, binary search).</summary>
internal sealed class Weighted<T>
{
    private readonly T[] _items;
    private readonly double[] _cumulative;

    public Weighted(IEnumerable<(T Item, double Weight)> entries)
    {
        var list = entries.ToArray();
        _items = list.Select(e => e.Item).ToArray();
        _cumulative = new double[list.Length];
        var total = 0.0;
        for (var i = 0; i < list.Length; i++)
        {
            total += list[i].Weight;
            _cumulative[i] = total;
        }
    }

    public IReadOnlyList<T> Items => _items;

    /// <summary>Weights falling with rank (Zipf-like): a few items are common, most are rare.</summary>
    public static Weighted<T> Zipf(IEnumerable<T> items, double exponent) =>
        new(items.Select((item, i) => (item, 1.0 / Math.Pow(i + 1, exponent))));

    public T Pick(Random random)
    {
        var target = random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, target);
        return _items[index < 0 ? ~index : index];
    }

    /// <summary><paramref name="count"/> distinct picks (fewer if there are not enough items).</summary>
    public IReadOnlyList<T> PickDistinct(Random random, int count)
    {
        var picked = new List<T>(count);
        for (var tries = 0; picked.Count < Math.Min(count, _items.Length) && tries < count * 20; tries++)
        {
            var item = Pick(random);
            if (!picked.Contains(item))
            {
                picked.Add(item);
            }
        }

        return picked;
    }
}
