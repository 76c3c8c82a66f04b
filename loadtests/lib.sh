# Shell helpers the load-test scripts share. Source it after setting `root` (the repository) and `scratch` (a
# temporary folder the script removes on exit); messages name the script that sourced it.

say() { printf '== %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 2; }

# Every setting given must be a whole number.
require_whole_numbers() {
  local n
  for n in "$@"; do
    [[ $n =~ ^[0-9]+$ ]] || die "settings must be whole numbers, got '$n'"
  done
}

# Builds each project in Release unless LOADTEST_SKIP_BUILD=1; a failed build shows its last lines and stops.
build_release() {
  [[ ${LOADTEST_SKIP_BUILD:-0} == 1 ]] && return 0
  local project
  for project in "$@"; do
    say "build $project (Release)"
    (cd "$root" && timeout 900 dotnet build "$project" -c Release -nologo -v q) >"$scratch/build.log" 2>&1 \
      || { tail -30 "$scratch/build.log" >&2; die "build of $project failed"; }
  done
}

# The path of a project's Release build output (project folder, file name), or nothing.
find_binary() { find "$root/$1/bin/Release" -name "$2" -path '*net10.0*' -print -quit 2>/dev/null; }
