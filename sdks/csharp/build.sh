#!/usr/bin/env bash
# Builds the C# SDK and its tests with Mono's mcs (C# 7.2, the subset Unity and Godot compile too).
#   sdks/csharp/build.sh [OUT_DIR]     (default: sdks/csharp/bin)
# Produces Arena.Client.dll (the SDK), Arena.Client.Tests.exe (the test runner) and
# Arena.Smoke.exe (the end-to-end client the integration test drives).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/bin}"
mkdir -p "$out"
command -v mcs >/dev/null || { echo "build.sh: mcs not found; install mono-mcs (see sdks/csharp/README.md)" >&2; exit 127; }

flags=(-langversion:7.2 -warnaserror+ -nowarn:1591 -debug:portable -optimize+ -nologo)
mapfile -t sdk < <(find "$here/src/Arena.Client" -name '*.cs' | sort)
mapfile -t tests < <(find "$here/tests/Arena.Client.Tests" -name '*.cs' | sort)
mapfile -t smoke < <(find "$here/tests/Arena.Smoke" -name '*.cs' | sort)

mcs "${flags[@]}" -target:library -out:"$out/Arena.Client.dll" -doc:"$out/Arena.Client.xml" \
  -r:System.Net.Http.dll "${sdk[@]}"
mcs "${flags[@]}" -target:exe -out:"$out/Arena.Client.Tests.exe" -r:"$out/Arena.Client.dll" "${tests[@]}"
mcs "${flags[@]}" -target:exe -out:"$out/Arena.Smoke.exe" -r:"$out/Arena.Client.dll" "${smoke[@]}"
