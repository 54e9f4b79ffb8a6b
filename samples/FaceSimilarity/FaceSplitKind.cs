using System.ComponentModel;
using System.Globalization;

namespace FaceSimilarity;

/// <summary>Which subjects the test holds out.</summary>
public enum FaceSplitKind
{
    /// <summary>The last 10 subjects (s31-s40 of AT&amp;T) are never trained on: 10-way 1-shot on them.</summary>
    Unseen,

    /// <summary>The tutorial's split: the last 3 subjects (s38-s40) are the test set.</summary>
    Tutorial,
}

/// <summary>Parses <c>--split unseen|tutorial</c> case-insensitively with a message that lists the choices.</summary>
public sealed class FaceSplitKindConverter : TypeConverter
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    /// <inheritdoc />
    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        (value as string)?.Trim().ToUpperInvariant() switch
        {
            "UNSEEN" => FaceSplitKind.Unseen,
            "TUTORIAL" => FaceSplitKind.Tutorial,
            _ => throw new FormatException($"--split must be 'unseen' or 'tutorial' (got '{value}')."),
        };
}
