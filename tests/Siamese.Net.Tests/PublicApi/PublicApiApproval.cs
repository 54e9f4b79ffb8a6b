using System.Reflection;
using PublicApiGenerator;

namespace Siamese.Net.Tests.PublicApi;

/// <summary>
/// The public-API baseline: each shipped assembly's public surface, as PublicApiGenerator prints it, must equal the
/// approved text committed in the <c>PublicApi/</c> folder of the test project that checks it (copied to the test
/// output; the core's in <c>tests/Siamese.Net.Tests</c>, the ONNX packages' in <c>tests/Siamese.Net.Onnx.Tests</c>, the
/// search adapters' in <c>tests/Siamese.Net.Search.Tests</c>), so every change to
/// the surface shows up in review as a diff of that file. On a difference the test writes
/// <c>&lt;Assembly&gt;.received.txt</c> to the test output folder; review it and, if the change is intended, copy it
/// over the approved file. (Not found through the caller's source path: CI builds map source paths away.)
/// </summary>
internal static class PublicApiApproval
{
    public static void Verify(Assembly assembly)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "PublicApi");
        string name = assembly.GetName().Name!;
        string approvedPath = Path.Combine(folder, $"{name}.approved.txt");
        string receivedPath = Path.Combine(folder, $"{name}.received.txt");
        string received = assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;
        if (received == approved)
        {
            return;
        }

        Directory.CreateDirectory(folder); // absent while a project has no approved file yet
        File.WriteAllText(receivedPath, received);
        received.Should().Be(approved,
            $"the public API of {name} changed: review {receivedPath} and, if the change is intended, copy it over {name}.approved.txt in the PublicApi folder of this test project");
    }
}
