namespace Siamese.Net.Samples.Common.Progress;

/// <summary>Connects a trainer's own progress type to <see cref="TrainingProgressBar"/>.</summary>
public static class ProgressMapping
{
    /// <summary>
    /// An <see cref="IProgress{T}"/> of <typeparamref name="TSource"/> that maps each report through
    /// <paramref name="map"/> onto <paramref name="target"/>, synchronously and in order.
    /// </summary>
    public static IProgress<TSource> Map<TSource, TTarget>(IProgress<TTarget> target, Func<TSource, TTarget> map)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(map);
        return new SynchronousProgress<TSource>(value => target.Report(map(value)));
    }
}
