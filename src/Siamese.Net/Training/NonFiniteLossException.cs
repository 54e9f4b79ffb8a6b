namespace Siamese.Net.Training;

/// <summary>
/// Training produced a NaN or infinite loss. The network's weights in memory are then unusable; the last checkpoint
/// on disk (written before the bad step) is intact.
/// </summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteLossException()
        : this("The training loss is not finite.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public NonFiniteLossException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NonFiniteLossException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a step.</summary>
    /// <param name="epoch">Epoch of the first non-finite loss (0-based).</param>
    /// <param name="step">Step within the epoch (0-based).</param>
    /// <param name="lastCheckpoint">The last good checkpoint, if any.</param>
    public NonFiniteLossException(int epoch, int step, string? lastCheckpoint)
        : base($"The training loss became NaN or infinite at epoch {epoch}, step {step} (0-based)." +
               (lastCheckpoint is null ? " No checkpoint was written." : $" The last good checkpoint is '{lastCheckpoint}'."))
    {
        Epoch = epoch;
        Step = step;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>Epoch of the first non-finite loss (0-based).</summary>
    public int Epoch { get; }

    /// <summary>Step within <see cref="Epoch"/> of the first non-finite loss (0-based).</summary>
    public int Step { get; }

    /// <summary>The last good checkpoint, or <c>null</c>.</summary>
    public string? LastCheckpoint { get; }
}
