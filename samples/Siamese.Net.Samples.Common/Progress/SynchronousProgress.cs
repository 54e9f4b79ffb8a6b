namespace Siamese.Net.Samples.Common.Progress;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its handler on the reporting thread, in order. <see cref="Progress{T}"/>
/// posts to the thread pool in a console program, so reports can arrive late and out of order, which makes a
/// progress bar jump backwards; this one does not.
/// </summary>
/// <typeparam name="T">The reported value.</typeparam>
public sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    /// <summary>Creates a progress that calls <paramref name="handler"/> for each report.</summary>
    public SynchronousProgress(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <inheritdoc />
    public void Report(T value) => _handler(value);
}
