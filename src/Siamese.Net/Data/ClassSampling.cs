namespace Siamese.Net.Data;

/// <summary>Checks and draws shared by the folder-based sources.</summary>
internal static class ClassSampling
{
    /// <summary>Classes having at least <paramref name="minImages"/> images.</summary>
    public static int[] ClassesWithAtLeast(ImageFolderDataset dataset, int minImages) =>
        Enumerable.Range(0, dataset.ClassCount).Where(c => dataset.ImagesByClass[c].Length >= minImages).ToArray();

    /// <summary>Throws unless negatives (two different classes) and positives (a class with two images) exist.</summary>
    public static void RequirePairable(ImageFolderDataset dataset, string what)
    {
        int nonEmpty = ClassesWithAtLeast(dataset, 1).Length;
        if (nonEmpty < 2)
        {
            throw new InvalidOperationException(
                $"{dataset.Root}: {what} needs at least 2 classes (no different pair is possible otherwise); the dataset has {nonEmpty}.");
        }

        if (ClassesWithAtLeast(dataset, 2).Length == 0)
        {
            throw new InvalidOperationException(
                $"{dataset.Root}: {what} needs a class with at least 2 images (no same pair is possible otherwise); every class has 1.");
        }
    }

    /// <summary>Two distinct images of the class.</summary>
    public static (int, int) TwoDistinct(int[] members, Random random)
    {
        int a = random.Next(members.Length);
        int b = random.Next(members.Length - 1);
        if (b >= a)
        {
            b++;
        }

        return (members[a], members[b]);
    }

    /// <summary>A class from <paramref name="candidates"/> other than <paramref name="exclude"/>.</summary>
    public static int OtherClass(int[] candidates, int exclude, Random random)
    {
        while (true)
        {
            int c = candidates[random.Next(candidates.Length)];
            if (c != exclude)
            {
                return c;
            }
        }
    }

    /// <summary><paramref name="count"/> distinct items of <paramref name="items"/> (partial Fisher-Yates).</summary>
    public static int[] Choose(int[] items, int count, Random random)
    {
        var copy = (int[])items.Clone();
        for (int i = 0; i < count; i++)
        {
            int j = i + random.Next(copy.Length - i);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        return copy[..count];
    }
}
