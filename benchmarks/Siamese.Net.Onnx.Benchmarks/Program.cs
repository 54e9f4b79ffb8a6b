using Siamese.Net.Onnx.Benchmarks;

// Plain commands (Stopwatch medians), like the side-by-side workloads of benchmarks/Siamese.Net.Benchmarks:
//   throughput  embeddings/s at batch 1 and 64, Conv-4 and SigNet, ONNX Runtime vs TorchSharp
//   cold-start  process start to first prediction of a deployed classifier, ONNX bundle vs TorchSharp .siamese file
// The child-* commands are the deployed apps that cold-start launches; each lives in its own class so that the ONNX
// child never loads TorchSharp (it reports whether it did).
return args.FirstOrDefault() switch
{
    "cold-start" => ColdStartCommand.Run(args.Skip(1).ToArray()),
    "child-onnx" => OnnxChild.Run(args.Skip(1).ToArray()),
    "child-torch" => TorchChild.Run(args.Skip(1).ToArray()),
    _ => ThroughputCommand.Run(args.SkipWhile(a => a == "throughput").ToArray()),
};
