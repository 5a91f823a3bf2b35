#!/usr/bin/env bash
# Mutation testing of the lines a change touches (docs/assurance.md, section 4, "CI step").
#
#   scripts/mutants-diff.sh            # diff of the working tree against the merge base
#   MUTANTS_BASE=v0.1 scripts/mutants-diff.sh
#
# 1. Finds the merge base of HEAD with $MUTANTS_BASE, else origin/main, else main. No such
#    ref, or an empty Rust diff under src/: prints that there is nothing to test, exits 0.
# 2. Writes `git diff MERGE_BASE` (committed and uncommitted changes to tracked files) to a
#    file and runs `cargo mutants --in-diff FILE`, which mutates only the changed lines.
#    Installs cargo-mutants 27.1.0 first if it is missing (only when there is something to
#    test, so a clean checkout of main pays nothing).
# 3. Each mutant is built with the `mutants` profile and tested by the library's unit tests
#    and the whole integration suite (`-C --lib -C --test=integration`, feature `cbc` when
#    CBC is installed), so a surviving mutant is one that no test of the project notices.
# 4. Exit status: 1 if a mutant survived that is not listed as a known equivalent mutant in
#    scripts/mutants-equivalent.txt (names without line and column, since lines move), or if
#    the unmutated tree fails its tests; 0 otherwise.
#
# Time bound: the whole run is stopped after $MUTANTS_DIFF_MINUTES minutes (default 30) and
# each mutant's tests after $MUTANTS_TEST_TIMEOUT seconds (default: cargo-mutants' own,
# derived from the baseline run; a mutant that hangs counts as caught). When the total bound
# is hit the script REPORTS: the survivors among the mutants tested so far still fail the
# run, and the mutants not reached are listed and counted in a warning, but do not fail it
# (a change too large to mutate within the bound is not itself a defect). Set
# MUTANTS_DIFF_STRICT=1 to make reaching the bound a failure too.
#
# Other knobs: MUTANTS_JOBS (parallel mutants, default 1), MUTANTS_OUT (output directory,
# default target/mutants-diff), MUTANTS_DIFF_TESTS (test name filters, space-separated, to run
# a subset instead of every test: faster, but a subset can only report more survivors), and
# extra cargo-mutants arguments after the script name.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${MUTANTS_DIFF_MINUTES:-30}
out=${MUTANTS_OUT:-target/mutants-diff}
equiv=scripts/mutants-equivalent.txt

base_ref=""
for r in ${MUTANTS_BASE:-} origin/main main; do
    if git rev-parse --verify --quiet "$r^{commit}" >/dev/null; then
        base_ref=$r
        break
    fi
done
if [ -z "$base_ref" ]; then
    echo "mutants-diff: no base branch (origin/main, main) to compare with: nothing to test"
    exit 0
fi
if ! merge_base=$(git merge-base HEAD "$base_ref"); then
    echo "mutants-diff: HEAD and $base_ref share no history: nothing to test"
    exit 0
fi

mkdir -p "$out"
diff_file=$out/change.diff
git diff --no-ext-diff --no-color "$merge_base" -- 'src/*.rs' >"$diff_file"
if [ ! -s "$diff_file" ]; then
    echo "mutants-diff: no change to src/ against $base_ref (merge base ${merge_base:0:12}): nothing to test"
    exit 0
fi

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "mutants-diff: installing cargo-mutants 27.1.0"
    cargo install cargo-mutants --locked --version 27.1.0
fi

features=()
if pkg-config --exists cbc 2>/dev/null; then features=(--features cbc); fi
common=(--profile mutants "${features[@]}" --in-diff "$diff_file" -C --lib -C --test=integration)

list=$out/list.txt
cargo mutants --list "${common[@]}" "$@" >"$list"
total=$(grep -c . "$list" || true)
if [ "$total" = 0 ]; then
    echo "mutants-diff: the change to src/ against $base_ref generates no mutants: nothing to test"
    exit 0
fi
echo "mutants-diff: $total mutants in the lines changed since $base_ref (${merge_base:0:12}); bound $minutes min"

timeout_args=()
if [ -n "${MUTANTS_TEST_TIMEOUT:-}" ]; then timeout_args=(--timeout "$MUTANTS_TEST_TIMEOUT"); fi
# Mutants are built in a scratch copy of the tree (cargo-mutants' default), so that stopping
# the run at the bound, even by SIGKILL, never leaves a mutated file here. `--in-place` among
# the extra arguments mutates this tree instead (and reuses its target/); it excludes -j.
jobs=(-j "${MUTANTS_JOBS:-1}")
for a in "$@"; do if [ "$a" = --in-place ]; then jobs=(); fi; done
rm -rf "$out/mutants.out"
set +e
# shellcheck disable=SC2086 # MUTANTS_DIFF_TESTS is a list of words
timeout --signal=INT --kill-after=120 "$((minutes * 60))" \
    cargo mutants "${common[@]}" "${jobs[@]}" "${timeout_args[@]}" -o "$out" "$@" \
    -- -- ${MUTANTS_DIFF_TESTS:-}
rc=$?
set -e

res=$out/mutants.out
if [ ! -f "$res/outcomes.json" ] && [ ! -f "$res/missed.txt" ]; then
    echo "mutants-diff: cargo-mutants produced no results (exit $rc)" >&2
    exit 1
fi
case $rc in
0 | 2 | 3) bound_hit=0 ;; # all caught / some missed / some timed out (counted as caught)
124 | 137) bound_hit=1 ;; # stopped by the total bound
4)
    echo "mutants-diff: the unmutated tree fails its tests (see $res/log)" >&2
    exit 1
    ;;
*)
    echo "mutants-diff: cargo-mutants failed or was interrupted (exit $rc; see $res/debug.log)" >&2
    exit 1
    ;;
esac

strip() { sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /'; }
tested=0
for f in caught missed timeout unviable; do
    n=$(cat "$res/$f.txt" 2>/dev/null | grep -c . || true)
    tested=$((tested + n))
    printf 'mutants-diff: %-8s %s\n' "$f" "$n"
done

new=()
while IFS= read -r m; do
    [ -n "$m" ] || continue
    if [ -f "$equiv" ] && grep -vE '^\s*(#|$)' "$equiv" | grep -qxF -- "$(printf '%s\n' "$m" | strip)"; then
        echo "mutants-diff: known equivalent: $m"
    else
        new+=("$m")
    fi
done < <(cat "$res/missed.txt" 2>/dev/null || true)

status=0
if [ "${#new[@]}" -gt 0 ]; then
    echo "mutants-diff: FAILED: ${#new[@]} surviving mutants no test catches:" >&2
    printf '  %s\n' "${new[@]}" >&2
    echo "  (add a test that catches each, or explain it in docs/assurance.md and list it in $equiv)" >&2
    status=1
fi
if [ "$bound_hit" = 1 ] || [ "$tested" -lt "$total" ]; then
    echo "mutants-diff: WARNING: the $minutes-minute bound was reached after $tested of $total mutants; not tested:" >&2
    all_done=$(cat "$res"/{caught,missed,timeout,unviable}.txt 2>/dev/null || true)
    grep -vxF -f <(printf '%s\n' "$all_done") "$list" | sed 's/^/  /' >&2 || true
    if [ "${MUTANTS_DIFF_STRICT:-0}" = 1 ]; then status=1; fi
fi
if [ "$status" = 0 ]; then echo "mutants-diff: passed"; fi
exit "$status"
