// A training run that writes a checkpoint after every step, for the kill tests in Siamese.Net.Tests.
// Usage: Siamese.Net.Tests.TrainingChild <checkpoint folder> <epochs>
// Resumes from <folder>/last.ckpt when it exists. Prints "TRAINING" once the first step is done and, at the end,
// "FINISHED <epochs> <global steps> <sha256 of the final weights>". Everything is seeded, so every run (and every resumed run)
// ends with the same weights.
using System.Globalization;
using System.Security.Cryptography;
using Siamese.Net.Data;
using Siamese.Net.Losses;
using Siamese.Net.Training;
using TorchSharp;
using static TorchSharp.torch;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Siamese.Net.Tests.TrainingChild <checkpoint folder> <epochs>");
    return 2;
}

string folder = args[0];
int epochs = int.Parse(args[1], CultureInfo.InvariantCulture);
string last = Path.Combine(folder, "last.ckpt");

// In-memory data: 8 classes of 8 noisy 64-value prototypes, drawn from System.Random (never torch's generator).
const int Classes = 8, PerClass = 8, Width = 64;
var rng = new Random(11);
var prototypes = Enumerable.Range(0, Classes).Select(_ => Enumerable.Range(0, Width).Select(_ => (float)rng.NextDouble()).ToArray()).ToArray();
var values = new float[Classes * PerClass * Width];
var classIds = new int[Classes * PerClass];
for (int i = 0; i < classIds.Length; i++)
{
    classIds[i] = i / PerClass;
    for (int j = 0; j < Width; j++)
    {
        values[(i * Width) + j] = prototypes[classIds[i]][j] + (0.3f * (float)((rng.NextDouble() * 2) - 1));
    }
}

using var dataset = new TensorDataset(tensor(values, [classIds.Length, 1, 8, 8]), classIds);
var source = new TensorBatchSource(dataset, new PKSampler(classIds, new PKSamplerOptions { ClassesPerBatch = 4, ItemsPerClass = 4, Seed = 3 }), batchesPerEpoch: 6);

// Wide enough (about 0.7 MB of weights, 2 MB with Adam's state) that writing a checkpoint takes most of each step.
random.manual_seed(7);
using var network = nn.Sequential(
    ("flatten", nn.Flatten()),
    ("fc1", nn.Linear(Width, 2048)),
    ("relu", nn.ReLU()),
    ("drop", nn.Dropout(0.2)),
    ("fc2", nn.Linear(2048, 16)));
using var loss = new ContrastiveLoss();

var options = new SiameseTrainerOptions
{
    Epochs = epochs,
    KeepBest = false,
    CheckpointDirectory = folder,
    ResumeFrom = File.Exists(last) ? last : null,
    Callbacks = [new ModelCheckpoint(everySteps: 1), new AnnounceTraining()],
};
var result = new SiameseTrainer(options).Fit(network, loss, source);

using (var scope = NewDisposeScope())
{
    var weights = cat(network.parameters().Select(p => p.detach().flatten().cpu()).ToArray(), 0).data<float>().ToArray();
    var bytes = new byte[weights.Length * sizeof(float)];
    Buffer.BlockCopy(weights, 0, bytes, 0, bytes.Length);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FINISHED {result.History.Count} {result.GlobalSteps} {Convert.ToHexString(SHA256.HashData(bytes))}"));
}

return 0;

/// <summary>Tells the parent that training is under way (after the first step of this process).</summary>
internal sealed class AnnounceTraining : ITrainerCallback
{
    private bool _announced;

    public void OnBatchEnd(TrainerContext context, StepResult result)
    {
        if (!_announced)
        {
            _announced = true;
            Console.WriteLine("TRAINING");
            Console.Out.Flush();
        }
    }
}
