using BenchmarkDotNet.Running;
using Siamese.Net.Benchmarks.Training;

// Long single measurements (a SigNet step takes seconds; RSS over thousands of steps) are plain commands;
// everything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "signet-step" => SigNetStepCommand.Run(args.Skip(1).ToArray()),
    "omniglot-tta" => OmniglotTimeToAccuracyCommand.Run(args.Skip(1).ToArray()),
    "mixed-step" => MixedPrecisionStepCommand.Run(args.Skip(1).ToArray()),
    "rss" => RssCommand.Run(args.Skip(1).ToArray()),
    "bf16-accuracy" => Siamese.Net.Benchmarks.SideBySide.BFloat16AccuracyCommand.Run(args.Skip(1).ToArray()),
    "workloads" => Siamese.Net.Benchmarks.SideBySide.WorkloadsCommand.Run(args.Skip(1).ToArray()),
    "fit-overhead" => FitOverheadCommand.Run(args.Skip(1).ToArray()),
    "support-search" => Siamese.Net.Benchmarks.Inference.SupportSearchCommand.Run(args.Skip(1).ToArray()),
    "candidate-pass" => Siamese.Net.Benchmarks.Inference.CandidatePassCommand.Run(args.Skip(1).ToArray()),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(FitOverheadBenchmarks).Assembly).Run(args);
    return 0;
}
