#!/usr/bin/env bash
# Entry point for bash: build/build.sh <Build|Test|Package|Demo|Bench> [build.ps1's switches, e.g. Bench -Quick]
# Needs only the .NET 10 SDK: PowerShell 7.6.9 comes from the repository's dotnet tool manifest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet tool restore >/dev/null
exec dotnet tool run pwsh -NoLogo -NoProfile -NonInteractive -File "$root/build/build.ps1" -Task "${1:-Build}" "${@:2}"
