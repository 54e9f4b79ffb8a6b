using System.Reflection;
using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace Siamese.Net.Tests.PublicApi;

/// <summary>
/// The public-API baseline: each shipped assembly's public surface, as PublicApiGenerator prints it, must equal the
/// approved text committed next to this file, so every change to the surface shows up in review as a diff of that
/// file. On a difference the test writes <c>&lt;Assembly&gt;.received.txt</c> beside it; review it and, if the change
/// is intended, copy it over the approved file.
/// </summary>
internal static class PublicApiApproval
{
    public static void Verify(Assembly assembly, [CallerFilePath] string callerFile = "")
    {
        string folder = Path.GetDirectoryName(callerFile)!;
        string name = assembly.GetName().Name!;
        string approvedPath = Path.Combine(folder, $"{name}.approved.txt");
        string receivedPath = Path.Combine(folder, $"{name}.received.txt");
        string received = assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;
        if (received == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received);
        received.Should().Be(approved,
            $"the public API of {name} changed: review {receivedPath} and, if the change is intended, copy it over {approvedPath}");
    }
}
