using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace Siamese.Net.USearch;

/// <summary>
/// The two USearch C calls the C# binding (2.26.6) does not wrap: changing the expansion factors of an existing index.
/// A loaded or viewed file otherwise searches with USearch's default expansion, not the one it was built with.
/// </summary>
internal static class NativeTuning
{
    private static readonly FieldInfo? Handle = typeof(USearchIndex).GetField("_index", BindingFlags.NonPublic | BindingFlags.Instance);

    public static void SetExpansion(USearchIndex index, int expansionAdd, int expansionSearch)
    {
        if (Handle?.GetValue(index) is not IntPtr native || native == IntPtr.Zero)
        {
            throw new InvalidOperationException("This Cloud.Unum.USearch version does not expose its native handle; Siamese.Net.USearch needs 2.26.6.");
        }

        ChangeExpansionAdd(native, (nuint)expansionAdd, out IntPtr error);
        Check(error);
        ChangeExpansionSearch(native, (nuint)expansionSearch, out error);
        Check(error);
    }

    private static void Check(IntPtr error)
    {
        if (error != IntPtr.Zero)
        {
            throw new USearchException($"USearch operation failed: {Marshal.PtrToStringAnsi(error)}");
        }
    }

    // The same library and calling convention as the binding's own imports (it uses DllImport, not LibraryImport).
    [DllImport("libusearch_c", EntryPoint = "usearch_change_expansion_add", CallingConvention = CallingConvention.Cdecl)]
    private static extern void ChangeExpansionAdd(IntPtr index, nuint expansion, out IntPtr error);

    [DllImport("libusearch_c", EntryPoint = "usearch_change_expansion_search", CallingConvention = CallingConvention.Cdecl)]
    private static extern void ChangeExpansionSearch(IntPtr index, nuint expansion, out IntPtr error);
}
