namespace Siamese.Net.Data;

/// <summary>
/// Chooses the items of P×K batches — P classes, K items of each — from any labelled collection (a folder dataset,
/// tensors in memory, a user's own), as pytorch-metric-learning's <c>MPerClassSampler</c>. Batch <c>b</c> of epoch
/// <c>e</c> is a pure function of (seed, e, b) (<see cref="SeedStreams"/>), so sources built on it resume exactly.
/// </summary>
/// <remarks>
/// Only classes with at least two items are drawn when K is at least 2, because a class with one item can only be
/// "paired" with itself; a class with fewer than K (but at least two) items repeats some of them. The constructor
/// rejects configurations that can never give a positive pair.
/// </remarks>
public sealed class PKSampler
{
    private readonly int[][] _byClass;
    private readonly int[] _classes;
    private readonly int _seed;

    /// <summary>Creates the sampler.</summary>
    /// <param name="classIds">The class id of each item (any non-negative integers; equal ids = same class).</param>
    /// <param name="options">P, K and the seed; the defaults (8 × 4, seed 0) when null. Validated here.</param>
    /// <exception cref="ArgumentOutOfRangeException">P or K is too small, or a class id is negative.</exception>
    /// <exception cref="ArgumentException">Fewer than P classes have enough items.</exception>
    public PKSampler(IReadOnlyList<int> classIds, PKSamplerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classIds);
        options ??= new PKSamplerOptions();
        options.Validate();
        int classesPerBatch = ClassesPerBatch = options.ClassesPerBatch;
        int itemsPerClass = ItemsPerClass = options.ItemsPerClass;
        var groups = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < classIds.Count; i++)
        {
            if (classIds[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(classIds), classIds[i], $"Class id of item {i} is negative.");
            }

            if (!groups.TryGetValue(classIds[i], out var list))
            {
                groups[classIds[i]] = list = [];
            }

            list.Add(i);
        }

        int minimum = itemsPerClass >= 2 ? 2 : 1;
        var eligible = groups.Where(g => g.Value.Count >= minimum).ToArray();
        if (eligible.Length < classesPerBatch)
        {
            throw new ArgumentException(
                $"A P×K batch of {classesPerBatch} classes with {itemsPerClass} items each needs {classesPerBatch} classes with at least {minimum} items; " +
                $"{eligible.Length} of the {groups.Count} classes have that many" + (minimum == 2 ? " (a class with one item can only pair it with itself)." : "."),
                nameof(classIds));
        }

        _classes = eligible.Select(g => g.Key).ToArray();
        _byClass = eligible.Select(g => g.Value.ToArray()).ToArray();
        _seed = options.Seed;
        ItemCount = classIds.Count;
    }

    /// <summary>P: classes per batch.</summary>
    public int ClassesPerBatch { get; }

    /// <summary>K: items of each class per batch.</summary>
    public int ItemsPerClass { get; }

    /// <summary>Number of classes that can be drawn.</summary>
    public int EligibleClassCount => _classes.Length;

    /// <summary>Number of items the sampler was built over.</summary>
    public int ItemCount { get; }

    /// <summary>The items of one batch, grouped by class (K items of the first class, then of the second...).</summary>
    /// <param name="epoch">The epoch.</param>
    /// <param name="batchIndex">The batch within the epoch.</param>
    /// <returns>P × K item indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative epoch or batch index.</exception>
    public int[] Batch(int epoch, int batchIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        var random = SeedStreams.Random(_seed, 0x3C1A, epoch, batchIndex);
        var chosen = new int[ClassesPerBatch * ItemsPerClass];
        var classes = ClassSampling.Choose(Enumerable.Range(0, _classes.Length).ToArray(), ClassesPerBatch, random);
        for (int p = 0; p < ClassesPerBatch; p++)
        {
            var members = _byClass[classes[p]];
            // Without replacement when the class has enough items; a smaller class repeats some of them.
            var picked = members.Length >= ItemsPerClass
                ? ClassSampling.Choose(members, ItemsPerClass, random)
                : Enumerable.Range(0, ItemsPerClass).Select(_ => members[random.Next(members.Length)]).ToArray();
            picked.CopyTo(chosen, p * ItemsPerClass);
        }

        return chosen;
    }
}
