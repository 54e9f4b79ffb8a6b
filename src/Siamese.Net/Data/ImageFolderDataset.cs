namespace Siamese.Net.Data;

/// <summary>
/// A folder-per-class image collection: <c>root/class/*.ext</c>, or deeper with <see cref="ImageFolderOptions.ClassDepth"/>.
/// Lists file names only (streaming); images are decoded when batches are read (check them all up front with
/// <see cref="DatasetVerifier"/>). Classes and images are sorted by ordinal name, so class ids and every seeded draw
/// are the same on every machine. Hidden files and folders (names starting with '.', such as macOS's <c>._1.png</c>,
/// <c>Thumbs.db</c>, <c>desktop.ini</c>, <c>__MACOSX</c>, and on Windows the hidden attribute) are never images or classes.
/// </summary>
public sealed class ImageFolderDataset
{
    private readonly int[][] _imagesByClass;

    private ImageFolderDataset(string root, IReadOnlyList<string> classNames, IReadOnlyList<LabelledImage> images)
    {
        Root = root;
        ClassNames = classNames;
        Images = images;
        var byClass = new List<int>[classNames.Count];
        for (int c = 0; c < byClass.Length; c++)
        {
            byClass[c] = [];
        }

        for (int i = 0; i < images.Count; i++)
        {
            byClass[images[i].ClassId].Add(i);
        }

        _imagesByClass = byClass.Select(l => l.ToArray()).ToArray();
    }

    /// <summary>The root folder (full path).</summary>
    public string Root { get; }

    /// <summary>Class names: the class folder's path relative to the root, with '/' between levels.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>All images, grouped by class in class order.</summary>
    public IReadOnlyList<LabelledImage> Images { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Scans a folder-per-class tree.</summary>
    /// <param name="root">The root folder.</param>
    /// <param name="options">Class depth and extensions; defaults when null.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DirectoryNotFoundException">The root does not exist.</exception>
    /// <exception cref="InvalidDataException">There is no class folder, or a class folder holds no image.</exception>
    public static ImageFolderDataset Load(string root, ImageFolderOptions? options = null)
    {
        options ??= new ImageFolderOptions();
        var fullRoot = DatasetPaths.NormaliseRoot(root, nameof(root));
        var extensions = new HashSet<string>(options.Extensions, StringComparer.OrdinalIgnoreCase);

        var classFolders = new List<string> { fullRoot };
        for (int level = 0; level < options.ClassDepth; level++)
        {
            var next = new List<string>();
            foreach (var folder in classFolders)
            {
                // Hidden folders (.git, .ipynb_checkpoints, macOS's __MACOSX in zips, ...) are tool droppings, not classes.
                var children = Directory.GetDirectories(folder)
                    .Where(d => !IsHidden(d))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (children.Count == 0 && level > 0)
                {
                    throw new InvalidDataException(
                        $"{folder}: expected class folders {options.ClassDepth - level} level(s) further down (ClassDepth = {options.ClassDepth}), found none.");
                }

                next.AddRange(children);
            }

            classFolders = next;
        }

        if (classFolders.Count == 0)
        {
            throw new InvalidDataException($"{fullRoot}: no class folders found (expected root/class/image files).");
        }

        var classNames = new List<string>();
        var images = new List<LabelledImage>();
        foreach (var folder in classFolders)
        {
            // Hidden files are never images: macOS writes "._1.png" resource forks beside every file copied to a
            // foreign disk, and they would fail to decode hours into training when a batch drew one.
            var files = Directory.GetFiles(folder)
                .Where(f => !IsHidden(f) && extensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
            {
                string hint = Directory.EnumerateDirectories(folder).Any()
                    ? $" It has subfolders: if they are the classes (as in Omniglot's Alphabet/character layout), set ClassDepth to {options.ClassDepth + 1}."
                    : " Remove it or add images.";
                throw new InvalidDataException(
                    $"{folder}: empty class folder (no files with extension {string.Join(", ", options.Extensions)}).{hint}");
            }

            int classId = classNames.Count;
            classNames.Add(Path.GetRelativePath(fullRoot, folder).Replace(Path.DirectorySeparatorChar, '/'));
            images.AddRange(files.Select(f => new LabelledImage(f, classId)));
        }

        return new ImageFolderDataset(fullRoot, classNames.AsReadOnly(), images.AsReadOnly());
    }

    /// <summary>
    /// Whether a file or folder is left out of a scan: a name starting with '.', the operating systems' own files
    /// (<c>Thumbs.db</c>, <c>desktop.ini</c>, <c>__MACOSX</c>), or the hidden or system attribute (Windows).
    /// </summary>
    internal static bool IsHidden(string path)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        if (name.StartsWith('.')
            || name.Equals("Thumbs.db", StringComparison.OrdinalIgnoreCase)
            || name.Equals("desktop.ini", StringComparison.OrdinalIgnoreCase)
            || name.Equals("__MACOSX", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            return (File.GetAttributes(path) & (FileAttributes.Hidden | FileAttributes.System)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Builds a dataset from an explicit list (e.g. a custom split); class ids must index <paramref name="classNames"/>.</summary>
    /// <param name="root">A folder used for messages and as <see cref="Root"/>.</param>
    /// <param name="classNames">Class names.</param>
    /// <param name="images">Images with class ids.</param>
    /// <exception cref="ArgumentException">A class id is out of range, or a class has no image.</exception>
    public static ImageFolderDataset FromImages(string root, IReadOnlyList<string> classNames, IReadOnlyList<LabelledImage> images)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(images);
        var counts = new int[classNames.Count];
        foreach (var image in images)
        {
            if (image.ClassId < 0 || image.ClassId >= classNames.Count)
            {
                throw new ArgumentException($"Image {image.Path} has class id {image.ClassId}; there are {classNames.Count} classes.", nameof(images));
            }

            counts[image.ClassId]++;
        }

        int empty = Array.IndexOf(counts, 0);
        if (empty >= 0)
        {
            throw new ArgumentException($"Class '{classNames[empty]}' has no image.", nameof(images));
        }

        return new ImageFolderDataset(root, classNames.ToArray(), images.ToArray());
    }

    /// <summary>
    /// The dataset restricted to some of its classes, in the order given and numbered from 0 in that order, each
    /// with all its images: a split by class (subjects, writers, alphabets) without listing the images again.
    /// </summary>
    /// <param name="classNames">Names of classes of this dataset, each at most once.</param>
    /// <returns>A dataset with the same <see cref="Root"/>.</returns>
    /// <exception cref="ArgumentException">No names, a name this dataset does not have, or a name given twice.</exception>
    public ImageFolderDataset WithClasses(IEnumerable<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        string[] names = [.. classNames];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < ClassNames.Count; c++)
        {
            ids[ClassNames[c]] = c;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (name is null || !ids.ContainsKey(name) || !seen.Add(name))
            {
                throw new ArgumentException(name is not null && seen.Contains(name)
                    ? $"Class '{name}' is given twice."
                    : $"{Root} has no class '{name}'.", nameof(classNames));
            }
        }

        if (names.Length == 0)
        {
            throw new ArgumentException("At least one class must be kept.", nameof(classNames));
        }

        return Subset([.. names.Select(name => ids[name])]);
    }

    /// <summary>Indices into <see cref="Images"/> of the images of a class.</summary>
    /// <param name="classId">The class id.</param>
    public IReadOnlyList<int> ImagesOfClass(int classId) => _imagesByClass[classId];

    /// <summary>
    /// Splits whole classes: validation classes are never seen in training, which measures generalisation to new
    /// identities (new writers, new characters), the point of a Siamese model. Seeded.
    /// </summary>
    /// <param name="validationFraction">Fraction of classes for validation, in (0, 1); at least one class goes each way.</param>
    /// <param name="seed">Seed of the class shuffle.</param>
    /// <returns>Disjoint train and validation datasets; class ids are renumbered within each.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1).</exception>
    /// <exception cref="InvalidOperationException">Fewer than two classes.</exception>
    public (ImageFolderDataset Train, ImageFolderDataset Validation) SplitByClass(double validationFraction, int seed)
    {
        CheckFraction(validationFraction);
        if (ClassCount < 2)
        {
            throw new InvalidOperationException($"{Root}: a split by class needs at least 2 classes, the dataset has {ClassCount}.");
        }

        var order = SeedStreams.Permutation(ClassCount, new Random(SeedStreams.Derive(seed, 0x5C1A55)));
        int validationCount = Math.Clamp((int)Math.Round(ClassCount * validationFraction), 1, ClassCount - 1);
        var validationClasses = order.Take(validationCount).Order().ToArray();
        var trainClasses = order.Skip(validationCount).Order().ToArray();
        return (Subset(trainClasses), Subset(validationClasses));
    }

    /// <summary>
    /// Splits the images of every class (stratified): both parts share the classes. Classes with a single image stay
    /// in training. Seeded.
    /// </summary>
    /// <param name="validationFraction">Fraction of each class's images for validation, in (0, 1).</param>
    /// <param name="seed">Seed of the per-class shuffles.</param>
    /// <returns>Disjoint train and validation datasets with the same class names and ids (validation may lack a class).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1).</exception>
    public (ImageFolderDataset Train, ImageFolderDataset Validation) SplitByImage(double validationFraction, int seed)
    {
        CheckFraction(validationFraction);
        var train = new List<LabelledImage>();
        var validation = new List<LabelledImage>();
        for (int c = 0; c < ClassCount; c++)
        {
            var members = _imagesByClass[c];
            var order = SeedStreams.Permutation(members.Length, new Random(SeedStreams.Derive(seed, 0x1A6E, c)));
            int validationCount = members.Length < 2 ? 0 : Math.Clamp((int)Math.Round(members.Length * validationFraction), 1, members.Length - 1);
            var chosen = new HashSet<int>(order.Take(validationCount));
            for (int i = 0; i < members.Length; i++)
            {
                (chosen.Contains(i) ? validation : train).Add(Images[members[i]]);
            }
        }

        if (validation.Count == 0)
        {
            throw new InvalidOperationException($"{Root}: no class has 2 images, so no image can go to validation.");
        }

        return (new ImageFolderDataset(Root, ClassNames, train.AsReadOnly()),
                new ImageFolderDataset(Root, ClassNames, validation.AsReadOnly()));
    }

    internal int[][] ImagesByClass => _imagesByClass;

    private ImageFolderDataset Subset(int[] classes)
    {
        var names = new List<string>();
        var images = new List<LabelledImage>();
        foreach (int c in classes)
        {
            int newId = names.Count;
            names.Add(ClassNames[c]);
            images.AddRange(_imagesByClass[c].Select(i => new LabelledImage(Images[i].Path, newId)));
        }

        return new ImageFolderDataset(Root, names.AsReadOnly(), images.AsReadOnly());
    }

    private static void CheckFraction(double validationFraction)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must be in (0, 1).");
        }
    }
}
