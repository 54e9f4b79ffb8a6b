using Siamese.Net.Data;
using System.Globalization;

namespace Siamese.Net.Datasets;

/// <summary>
/// What the numbers in a pair file's label column mean. Data sets disagree (the Kaggle <c>sign_data</c> CSV uses
/// 1 for a forged, i.e. different, pair; many tutorials use 1 for same), so the caller states it; there is no default.
/// </summary>
/// <param name="SameValue">The number that marks a same (genuine) pair.</param>
/// <param name="DifferentValue">The number that marks a different (impostor or forged) pair.</param>
public sealed record PairLabelConvention(int SameValue, int DifferentValue)
{
    /// <summary>0 = same, 1 = different: the Kaggle <c>sign_data</c> convention (1 means the second image is a forgery).</summary>
    public static PairLabelConvention OneMeansDifferent { get; } = new(0, 1);

    /// <summary>1 = same, 0 = different: the convention of most contrastive-loss tutorials' pair files.</summary>
    public static PairLabelConvention OneMeansSame { get; } = new(1, 0);

    /// <summary>Converts a label token, or returns false when it is not one of the two values.</summary>
    /// <param name="token">The text of the label cell.</param>
    /// <param name="label">The label when the token is valid.</param>
    public bool TryParse(string token, out PairLabel label)
    {
        label = default;
        if (SameValue == DifferentValue)
        {
            throw new InvalidOperationException($"The label convention maps both same and different pairs to {SameValue}.");
        }

        if (!int.TryParse(token.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return false;
        }

        if (value == SameValue)
        {
            label = PairLabel.Same;
            return true;
        }

        if (value == DifferentValue)
        {
            label = PairLabel.Different;
            return true;
        }

        return false;
    }

    /// <summary>The number this convention writes for a label.</summary>
    /// <param name="label">A pair label.</param>
    /// <exception cref="ArgumentOutOfRangeException">The label is not a defined value.</exception>
    public int ToValue(PairLabel label) => label switch
    {
        PairLabel.Same => SameValue,
        PairLabel.Different => DifferentValue,
        _ => throw new ArgumentOutOfRangeException(nameof(label), label, "Not a PairLabel value."),
    };
}
