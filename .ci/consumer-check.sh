#!/usr/bin/env bash
# Proves that a user needs nothing but our package and a libtorch backend: packs Siamese.Net into a local folder,
# creates a fresh console app outside the solution that references it and libtorch-cpu-linux-x64, builds it in
# Release, runs it, and sees a TorchSharp computation succeed; then the same for `dotnet publish`.
# Negative control: on a host whose libstdc++ lacks GLIBCXX_3.4.32, the same app built with the fix turned off
# must fail to load TorchSharp, and a rebuild with the fix on must repair the cpu/ copy that the failed run left.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/siamese-consumer.XXXXXX")
version="0.0.0-consumercheck.$(date +%s)"
cleanup() {
  rm -rf "$work"
  # The throw-away version must not linger in the package cache.
  rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/siamese.net/$version" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/siamese.net.search/$version"
}
[ -n "${KEEP_CONSUMER_CHECK:-}" ] || trap cleanup EXIT

say() { printf '[consumer-check] %s\n' "$*"; }

say "packing Siamese.Net $version (and Siamese.Net.Search, the TorchSharp-free search contract it depends on)"
dotnet pack "$repo/src/Siamese.Net.Search/Siamese.Net.Search.csproj" -c Release -o "$work/feed" -p:Version="$version" -nologo -v q >/dev/null
dotnet pack "$repo/src/Siamese.Net/Siamese.Net.csproj" -c Release -o "$work/feed" -p:Version="$version" -nologo -v q >/dev/null

nupkg="$work/feed/Siamese.Net.$version.nupkg"
[ -f "$nupkg" ] || { say "FAIL: $nupkg was not produced"; exit 1; }
[ -f "$work/feed/Siamese.Net.$version.snupkg" ] || { say "FAIL: no .snupkg symbols package"; exit 1; }
contents=$(unzip -Z1 "$nupkg")
for expected in buildTransitive/Siamese.Net.targets buildTransitive/Siamese.Net.LibTorchSharpFix.cs README.md lib/net8.0/Siamese.Net.dll lib/net10.0/Siamese.Net.dll lib/net10.0/Siamese.Net.xml; do
  grep -qx "$expected" <<<"$contents" || { say "FAIL: $expected missing from the package"; exit 1; }
done
# The package page shows the package's own README: no links into the repository (they would break there).
if unzip -p "$nupkg" README.md | grep -q ']('; then
  say "FAIL: the package README has links; it must be src/Siamese.Net/README.md, not the repository's"; exit 1
fi
nuspec=$(unzip -p "$nupkg" Siamese.Net.nuspec)
if grep -qi 'SixLabors' <<<"$nuspec"; then
  say "FAIL: the core package depends on SixLabors.ImageSharp"; exit 1
fi
if grep -qi 'id="libtorch' <<<"$nuspec"; then
  say "FAIL: the core package forces a libtorch backend on its users"; exit 1
fi

make_app() { # $1 = folder
  mkdir -p "$1"
  cat >"$1/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="siamese-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
  cat >"$1/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Siamese.Net" Version="$version" />
    <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
  </ItemGroup>
</Project>
XML
  cat >"$1/Program.cs" <<'CS'
using Siamese.Net;
using TorchSharp;

using var targets = PairTargets.FromLabels(new[] { PairLabel.Same, PairLabel.Different });
var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
float value = a.matmul(a.t()).sum().item<float>();
if (value != 83f || targets.Count != 2)
{
    Console.WriteLine($"CONSUMER-WRONG {value}");
    return 1;
}
Console.WriteLine($"CONSUMER-OK {value}");
return 0;
CS
}

run_ok() { # $1 = dll
  local out
  if ! out=$(dotnet "$1" 2>&1); then say "FAIL: $1 did not run:"; printf '%s\n' "$out" | tail -20; exit 1; fi
  grep -q '^CONSUMER-OK 83$' <<<"$out" || { say "FAIL: unexpected output from $1:"; printf '%s\n' "$out"; exit 1; }
}

app="$work/app"
make_app "$app"
say "building a fresh consumer in Release"
dotnet build "$app/Consumer.csproj" -c Release -nologo -v q >/dev/null
run_ok "$app/bin/Release/net10.0/Consumer.dll"
say "OK: build output runs TorchSharp"

say "publishing the consumer"
dotnet publish "$app/Consumer.csproj" -c Release -o "$app/publish" -nologo -v q >/dev/null
run_ok "$app/publish/Consumer.dll"
say "OK: publish output runs TorchSharp"

host_has_version=no
for dir in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib64 /lib64 /usr/lib /lib; do
  if [ -f "$dir/libstdc++.so.6" ]; then
    if grep -qa 'GLIBCXX_3\.4\.32' "$dir/libstdc++.so.6"; then host_has_version=yes; fi
    break
  fi
done

if [ "$host_has_version" = no ]; then
  control="$work/control"
  make_app "$control"
  say "negative control: the same app with SiameseNetPatchLibTorchSharp=false must fail on this host"
  dotnet build "$control/Consumer.csproj" -c Release -nologo -v q -p:SiameseNetPatchLibTorchSharp=false >/dev/null
  if out=$(dotnet "$control/bin/Release/net10.0/Consumer.dll" 2>&1); then
    say "FAIL: without the fix the app still ran; the check proves nothing"; exit 1
  fi
  grep -q 'GLIBCXX_3.4.32\|libtorch-cpu\|LibTorchSharp' <<<"$out" || { say "FAIL: unexpected failure without the fix:"; printf '%s\n' "$out" | tail -20; exit 1; }
  say "OK: without the fix TorchSharp fails to load, reporting: $(grep -m1 -v '^[[:space:]]*$' <<<"$out" | cut -c1-160)"
  say "rebuilding with the fix on: the cpu/ copy the failed run left must be patched too"
  dotnet build "$control/Consumer.csproj" -c Release -nologo -v n >"$work/rebuild.log"
  leftover="$control/bin/Release/net10.0/cpu/libLibTorchSharp.so"
  [ -f "$leftover" ] || { say "FAIL: the failed run left no cpu/ copy; TorchSharp's fallback changed"; exit 1; }
  if command -v readelf >/dev/null 2>&1; then
    for lib in $(find "$control/bin" -name libLibTorchSharp.so); do
      # Capture first: with pipefail, grep -q closing the pipe early would fail the pipeline through SIGPIPE.
      needs=$(readelf -V "$lib")
      grep -q 'GLIBCXX_3.4.32 *Flags: WEAK' <<<"$needs" || {
        say "FAIL: $lib is not patched; the rebuild said:"; grep -i -E 'siamese|libLibTorchSharp|warn' "$work/rebuild.log" | head -20; exit 1; }
    done
    say "OK: every libLibTorchSharp.so in the output, cpu/ included, has the need marked weak"
  fi
  run_ok "$control/bin/Release/net10.0/Consumer.dll"
  say "OK: the rebuilt app runs"
else
  say "host libstdc++ provides GLIBCXX_3.4.32: the negative control does not apply here"
fi
say "PASS"
