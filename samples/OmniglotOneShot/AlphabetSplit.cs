using Siamese.Net.Data;

namespace OmniglotOneShot;

/// <summary>
/// Splits a background set by whole alphabets (seeded): characters of a held-out alphabet are never trained on, nor
/// are characters that share its script, which is what Lake's evaluation alphabets test.
/// </summary>
/// <param name="Train">Training characters.</param>
/// <param name="Validation">Validation characters (best epoch, threshold), or null.</param>
/// <param name="Test">Test characters (final result when no Lake runs are given), or null.</param>
public sealed record AlphabetSplit(ImageFolderDataset Train, ImageFolderDataset? Validation, ImageFolderDataset? Test)
{
    /// <summary>Alphabets in each part, for the log.</summary>
    public required IReadOnlyList<string> TrainAlphabets { get; init; }

    /// <summary>Validation alphabets.</summary>
    public required IReadOnlyList<string> ValidationAlphabets { get; init; }

    /// <summary>Test alphabets.</summary>
    public required IReadOnlyList<string> TestAlphabets { get; init; }

    /// <summary>Shuffles the alphabets with <paramref name="seed"/>: the first are test, the next validation, the rest train.</summary>
    /// <exception cref="ArgumentException">No alphabet would be left for training.</exception>
    public static AlphabetSplit Create(ImageFolderDataset dataset, int testAlphabets, int validationAlphabets, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var alphabets = dataset.ClassNames.Select(HeldOutRuns.AlphabetOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (alphabets.Length <= testAlphabets + validationAlphabets)
        {
            throw new ArgumentException(
                $"{dataset.Root} has {alphabets.Length} alphabets; holding out {testAlphabets} for test and {validationAlphabets} for validation leaves none to train on.",
                nameof(dataset));
        }

        new Random(seed).Shuffle(alphabets);
        var test = alphabets[..testAlphabets];
        var validation = alphabets[testAlphabets..(testAlphabets + validationAlphabets)];
        var train = alphabets[(testAlphabets + validationAlphabets)..];
        return new AlphabetSplit(Subset(dataset, train)!, Subset(dataset, validation), Subset(dataset, test))
        {
            TrainAlphabets = train.Order(StringComparer.Ordinal).ToArray(),
            ValidationAlphabets = validation.Order(StringComparer.Ordinal).ToArray(),
            TestAlphabets = test.Order(StringComparer.Ordinal).ToArray(),
        };
    }

    private static ImageFolderDataset? Subset(ImageFolderDataset dataset, string[] alphabets)
    {
        if (alphabets.Length == 0)
        {
            return null;
        }

        var keep = new HashSet<string>(alphabets, StringComparer.Ordinal);
        var oldToNew = new Dictionary<int, int>();
        var names = new List<string>();
        for (int c = 0; c < dataset.ClassCount; c++)
        {
            if (keep.Contains(HeldOutRuns.AlphabetOf(dataset.ClassNames[c])))
            {
                oldToNew[c] = names.Count;
                names.Add(dataset.ClassNames[c]);
            }
        }

        var images = dataset.Images.Where(i => oldToNew.ContainsKey(i.ClassId)).Select(i => i with { ClassId = oldToNew[i.ClassId] }).ToArray();
        return ImageFolderDataset.FromImages(dataset.Root, names, images);
    }
}
