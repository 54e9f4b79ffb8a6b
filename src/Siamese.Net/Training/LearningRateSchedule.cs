namespace Siamese.Net.Training;

/// <summary>How the learning rate changes from epoch to epoch. The schedule is stepped once per epoch.</summary>
public enum LearningRateSchedule
{
    /// <summary>The learning rate stays at <see cref="SiameseTrainerOptions.LearningRate"/>.</summary>
    Constant = 0,

    /// <summary>
    /// Multiplies the learning rate by <see cref="SiameseTrainerOptions.StepGamma"/> every
    /// <see cref="SiameseTrainerOptions.StepSize"/> epochs (PyTorch <c>StepLR</c>).
    /// </summary>
    Step = 1,

    /// <summary>
    /// Cosine annealing from the initial learning rate down to <see cref="SiameseTrainerOptions.MinLearningRate"/>
    /// over all epochs (PyTorch <c>CosineAnnealingLR</c> with <c>T_max</c> = epochs).
    /// </summary>
    Cosine = 2,

    /// <summary>
    /// Multiplies the learning rate by <see cref="SiameseTrainerOptions.PlateauFactor"/> when the monitored metric
    /// has not improved for <see cref="SiameseTrainerOptions.PlateauPatience"/> evaluations
    /// (PyTorch <c>ReduceLROnPlateau</c>).
    /// </summary>
    ReduceOnPlateau = 3,
}
