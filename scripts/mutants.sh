#!/usr/bin/env bash
# Mutation testing of the core modules (docs/assurance.md records the scores it produced).
# Needs `cargo install cargo-mutants --locked` (27.1.0 was used).
#
#   scripts/mutants.sh core    [EXTRA cargo-mutants ARGS]   # src/reg, src/dp
#   scripts/mutants.sh oracle  [...]                        # src/oracle
#   scripts/mutants.sh submod  [...]                        # src/submod algorithms
#
# Each group runs only the tests that exercise it (a test subset can only lower the score,
# never raise it), and builds only the integration test binary (`-C --test=integration`),
# which halves the rebuild time of each mutant. EXTRA args go to cargo-mutants before the
# test filter, for example `-o /tmp/out` or `-F 'rounding.rs:93'` to rerun some mutants.
set -euo pipefail
cd "$(dirname "$0")/.."
group=${1:-core}
shift || true
run() {
    local timeout=$1 files=$2 filters=$3
    shift 3
    local args=()
    for f in $files; do args+=(-f "$f"); done
    # shellcheck disable=SC2086
    cargo mutants --profile mutants -j 1 --timeout "$timeout" -C --test=integration "${args[@]}" "$@" \
        -- -- $filters
}
case $group in
core)
    run 60 "src/reg/mod.rs src/reg/gini.rs src/reg/hard.rs src/reg/shannon.rs src/reg/tsallis.rs
         src/dp/mod.rs src/dp/table.rs" "" "$@"
    ;;
oracle)
    run 15 "src/oracle/recursive.rs src/oracle/brute.rs src/oracle/count.rs src/oracle/fd.rs
         src/oracle/ilp.rs" \
        "oracles:: ilp:: dp_matches_definition_oracle exact_gini_and_hard_equal_enumeration
         smax_closed_form_maximises fenchel_young_loss hard_dp_equals_brute_force
         large_gamma_limit shannon_sample_log_prob shannon_value_is_log_partition
         small_gamma_limit value_bounds vjp_is_derivative_of_y y_is_gradient_of_value" "$@"
    ;;
submod)
    run 15 "src/submod/rounding.rs src/submod/greedy.rs src/submod/enumeration.rs
         src/submod/continuous.rs src/submod/ene_nguyen.rs src/submod/multilinear.rs" \
        "submod::" "$@"
    ;;
*)
    echo "usage: scripts/mutants.sh core|oracle|submod [cargo-mutants args]" >&2
    exit 2
    ;;
esac
