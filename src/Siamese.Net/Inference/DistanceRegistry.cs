using System.Globalization;
using Siamese.Net.Distances;

namespace Siamese.Net.Inference;

/// <summary>
/// Names of distances and how to rebuild them, for classifier files: a saved file records a distance's
/// <see cref="IDistance.Name"/> and its numeric settings, and <see cref="OneShotClassifier.Load(string, DistanceRegistry?, Imaging.IImageDecoder?, Microsoft.Extensions.Logging.ILogger{OneShotClassifier}?)"/>
/// rebuilds it through the registry. A new registry knows the library's distances (euclidean, cosine, manhattan);
/// register your own with <see cref="Register"/>. Each registry is its own instance (there is no global one).
/// </summary>
public sealed class DistanceRegistry
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Creates a registry with the library's distances.</summary>
    public DistanceRegistry()
    {
        Register("euclidean", s => s.TryGetValue("epsilon", out double e) ? new EuclideanDistance(e) : new EuclideanDistance(), d => d is EuclideanDistance e ? Epsilon(e.Epsilon) : []);
        Register("cosine", s => s.TryGetValue("epsilon", out double e) ? new CosineDistance(e) : new CosineDistance(), d => d is CosineDistance c ? Epsilon(c.Epsilon) : []);
        Register("manhattan", _ => new ManhattanDistance());
    }

    /// <summary>The registered names.</summary>
    public IReadOnlyCollection<string> Names => _entries.Keys;

    /// <summary>Registers (or replaces) a distance by name.</summary>
    /// <param name="name">The distance's <see cref="IDistance.Name"/>.</param>
    /// <param name="create">Builds the distance from its saved settings (empty when it has none).</param>
    /// <param name="describe">The settings to save for an instance; none when null.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public DistanceRegistry Register(string name, Func<IReadOnlyDictionary<string, double>, IDistance> create, Func<IDistance, IReadOnlyDictionary<string, double>>? describe = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(create);
        _entries[name] = new Entry(create, describe);
        return this;
    }

    /// <summary>The settings to save for a distance (empty for an unregistered one or one without settings).</summary>
    /// <param name="distance">The distance.</param>
    /// <returns>Name-value settings.</returns>
    public IReadOnlyDictionary<string, double> Describe(IDistance distance)
    {
        ArgumentNullException.ThrowIfNull(distance);
        return _entries.TryGetValue(distance.Name, out var entry) && entry.Describe is { } describe
            ? describe(distance)
            : new Dictionary<string, double>();
    }

    /// <summary>Rebuilds a distance from its name and saved settings.</summary>
    /// <param name="name">The saved name.</param>
    /// <param name="settings">The saved settings.</param>
    /// <returns>The distance.</returns>
    /// <exception cref="KeyNotFoundException">No distance of that name is registered.</exception>
    /// <exception cref="ArgumentException">The settings are invalid for the distance (the factory's own checks).</exception>
    public IDistance Create(string name, IReadOnlyDictionary<string, double> settings)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(settings);
        if (!_entries.TryGetValue(name, out var entry))
        {
            throw new KeyNotFoundException(
                $"No distance named '{name}' is registered (known: {string.Join(", ", _entries.Keys.Order(StringComparer.Ordinal))}); register it with DistanceRegistry.Register.");
        }

        var distance = entry.Create(settings);
        if (distance.Name != name)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The factory registered for '{name}' built a distance named '{distance.Name}'."), nameof(name));
        }

        return distance;
    }

    private static Dictionary<string, double> Epsilon(double epsilon) => new() { ["epsilon"] = epsilon };

    private sealed record Entry(Func<IReadOnlyDictionary<string, double>, IDistance> Create, Func<IDistance, IReadOnlyDictionary<string, double>>? Describe);
}
