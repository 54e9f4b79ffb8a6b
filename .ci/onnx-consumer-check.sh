#!/usr/bin/env bash
# Proves that a deployed app needs nothing but Siamese.Net.Onnx: packs it (and Siamese.Net.Search, which it depends
# on) into a local folder, lets the test suite export a bundle from a TorchSharp OneShotClassifier together with its
# queries and that classifier's answers, creates a fresh console app outside the solution that references only
# Siamese.Net.Onnx, publishes it, runs the published app (load, predict, compare with the TorchSharp answers, enrol a
# class on the deployed side, predict again) and asserts that no TorchSharp or libtorch file is in the publish output.
# Prints the publish size beside that of an equally small TorchSharp app.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/siamese-onnx-consumer.XXXXXX")
version="0.0.0-onnxconsumercheck.$(date +%s)"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
  rm -rf "$work"
  # The throw-away version must not linger in the package cache.
  rm -rf "$cache/siamese.net.onnx/$version" "$cache/siamese.net.search/$version"
}
[ -n "${KEEP_CONSUMER_CHECK:-}" ] || trap cleanup EXIT

say() { printf '[onnx-consumer-check] %s\n' "$*"; }

say "packing Siamese.Net.Search and Siamese.Net.Onnx $version"
for project in Siamese.Net.Search Siamese.Net.Onnx; do
  dotnet pack "$repo/src/$project/$project.csproj" -c Release -o "$work/feed" -p:Version="$version" -nologo -v q >/dev/null
  [ -f "$work/feed/$project.$version.nupkg" ] || { say "FAIL: $project.$version.nupkg was not produced"; exit 1; }
done

nupkg="$work/feed/Siamese.Net.Onnx.$version.nupkg"
contents=$(unzip -Z1 "$nupkg")
for expected in README.md lib/net8.0/Siamese.Net.Onnx.dll lib/net10.0/Siamese.Net.Onnx.dll lib/net10.0/Siamese.Net.Onnx.xml; do
  grep -qx "$expected" <<<"$contents" || { say "FAIL: $expected missing from the package"; exit 1; }
done
nuspec=$(unzip -p "$nupkg" Siamese.Net.Onnx.nuspec)
if grep -qiE 'id="(TorchSharp|libtorch|Siamese\.Net")' <<<"$nuspec"; then
  say "FAIL: Siamese.Net.Onnx depends on TorchSharp, libtorch or the core package:"; grep -i 'dependency ' <<<"$nuspec"; exit 1
fi
grep -q 'id="Microsoft.ML.OnnxRuntime"' <<<"$nuspec" || { say "FAIL: the package does not depend on Microsoft.ML.OnnxRuntime"; exit 1; }
say "OK: the package depends on $(grep -o 'dependency id="[^"]*"' <<<"$nuspec" | sed 's/dependency id=//; s/"//g' | sort -u | tr '\n' ' ')"

say "exporting a bundle from a TorchSharp classifier (test suite)"
data="$work/data"
mkdir -p "$data"
SIAMESE_ONNX_CONSUMER_DIR="$data" dotnet test "$repo/tests/Siamese.Net.Onnx.Tests/Siamese.Net.Onnx.Tests.csproj" -c Release -nologo -v q \
  --filter "FullyQualifiedName~Writes_the_consumer_check_bundle" >"$work/test.log" 2>&1 || { say "FAIL: the bundle test failed:"; tail -30 "$work/test.log"; exit 1; }
[ -f "$data/consumer.siamese-onnx" ] || { say "FAIL: the test wrote no bundle"; exit 1; }

app="$work/app"
mkdir -p "$app"
# Adds the local folder to the machine's configured sources (no <clear/>: the default source stays).
cat >"$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="siamese-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat >"$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Siamese.Net.Onnx" Version="$version" />
  </ItemGroup>
</Project>
XML
cat >"$app/Program.cs" <<'CS'
using Siamese.Net.Onnx;

string dir = args[0];
using var classifier = OnnxOneShotClassifier.Load(Path.Combine(dir, "consumer.siamese-onnx"));
int wrong = 0, unknown = 0, total = 0;
foreach (var line in File.ReadAllLines(Path.Combine(dir, "expected.tsv")))
{
    var parts = line.Split('\t');
    var p = classifier.Predict(Path.Combine(dir, parts[0]));
    string got = p.Label ?? "<unknown>";
    total++;
    unknown += p.Label is null ? 1 : 0;
    if (got != parts[1])
    {
        wrong++;
        Console.WriteLine($"MISMATCH {parts[0]}: TorchSharp said {parts[1]}, ONNX Runtime {got}");
    }
}

// Enrol on the deployed side, then its query must be recognised.
var enrol = File.ReadAllLines(Path.Combine(dir, "enrol.txt"));
classifier.AddClass(enrol[0], enrol.Skip(1).Select(f => Path.Combine(dir, f)).ToArray());
var enrolled = classifier.Predict(Path.Combine(dir, enrol[0] + "-query.png"));
if (enrolled.Label != enrol[0])
{
    Console.WriteLine($"ENROL-WRONG {enrolled}");
    return 1;
}

Console.WriteLine(wrong == 0 && unknown > 0 && unknown < total ? $"CONSUMER-OK {total} predictions, {unknown} unknown" : $"CONSUMER-WRONG {wrong} of {total} (unknown {unknown})");
return wrong == 0 && unknown > 0 && unknown < total ? 0 : 1;
CS

say "publishing a fresh consumer that references only Siamese.Net.Onnx"
dotnet publish "$app/Consumer.csproj" -c Release -r linux-x64 --self-contained false -o "$app/publish" -nologo -v q >"$work/publish.log" 2>&1 \
  || { say "FAIL: publish failed:"; tail -30 "$work/publish.log"; exit 1; }
out=$(dotnet "$app/publish/Consumer.dll" "$data" 2>&1) || { say "FAIL: the published app failed:"; printf '%s\n' "$out" | tail -20; exit 1; }
grep -q '^CONSUMER-OK' <<<"$out" || { say "FAIL: unexpected output:"; printf '%s\n' "$out"; exit 1; }
say "OK: $(grep '^CONSUMER-OK' <<<"$out" | sed 's/^CONSUMER-OK //'), the same labels and unknowns as the TorchSharp classifier; deployed-side enrolment works"

torch_files=$(find "$app/publish" -iname '*torch*' -o -iname 'libc10*' -o -iname 'libgomp*' | sed "s|$app/publish/||")
if [ -n "$torch_files" ]; then
  say "FAIL: TorchSharp or libtorch files in the publish output:"; printf '%s\n' "$torch_files" | head -20; exit 1
fi
deps=$(cat "$app/publish/Consumer.deps.json")
if grep -qi 'torch' <<<"$deps"; then say "FAIL: Consumer.deps.json mentions torch"; exit 1; fi
say "OK: no TorchSharp or libtorch file in the publish output"

say "publishing an equally small TorchSharp app for comparison"
tapp="$work/torchapp"
mkdir -p "$tapp"
cat >"$tapp/TorchApp.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="TorchSharp" Version="0.107.0" />
    <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
  </ItemGroup>
</Project>
XML
echo 'Console.WriteLine(TorchSharp.torch.ones(2).sum().item<float>());' >"$tapp/Program.cs"
dotnet publish "$tapp/TorchApp.csproj" -c Release -r linux-x64 --self-contained false -o "$tapp/publish" -nologo -v q >"$work/torch-publish.log" 2>&1 \
  || { say "FAIL: the TorchSharp app did not publish:"; tail -20 "$work/torch-publish.log"; exit 1; }
onnx_size=$(du -sm "$app/publish" | cut -f1)
torch_size=$(du -sm "$tapp/publish" | cut -f1)
say "publish size (linux-x64, framework-dependent): Siamese.Net.Onnx app ${onnx_size} MB, TorchSharp + libtorch-cpu app ${torch_size} MB"
say "PASS"
