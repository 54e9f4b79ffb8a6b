using System.Globalization;

namespace Siamese.Net.Data;

/// <summary>Checks of options records: the exception names the option (as its parameter name) and the value.</summary>
internal static class OptionGuard
{
    public static void AtLeast(int value, int minimum, string option)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(option, value,
                string.Create(CultureInfo.InvariantCulture, $"{option} must be at least {minimum}; got {value}."));
        }
    }
}
