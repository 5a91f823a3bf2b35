#!/usr/bin/env bash
# Mutation testing of the core modules (docs/assurance.md records the scores it produced).
# Needs `cargo install cargo-mutants --locked` (27.1.0 was used).
#
#   scripts/mutants.sh core    [EXTRA cargo-mutants ARGS]   # src/reg, src/dp
#   scripts/mutants.sh oracle  [...]                        # src/oracle
#   scripts/mutants.sh submod  [...]                        # src/submod algorithms
#   scripts/mutants.sh opt     [...]                        # src/submod/opt.rs (ground truth)
#   scripts/mutants.sh request [...]                        # src/request, src/jsonl.rs
#   scripts/mutants.sh validate [...]                       # src/validate.rs
#   scripts/mutants.sh certified [...]                      # src/certified
#   scripts/mutants.sh backend [...]                        # src/backend
#
# scripts/mutants-diff.sh is the CI form: only the lines a change touches, the whole suite.
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
    local args=() jobs=(-j 1)
    for f in $files; do args+=(-f "$f"); done
    # --in-place (mutate this tree and reuse its target/ across runs) excludes -j
    for a in "$@"; do if [ "$a" = --in-place ]; then jobs=(); fi; done
    # shellcheck disable=SC2086
    nice -n "${MUTANTS_NICE:-19}" cargo mutants --profile mutants "${jobs[@]}" --timeout "$timeout" --build-timeout 900 \
        -C --test=integration "${args[@]}" "$@" \
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
opt)
    # the tests that call brute_force, the ILPs, nemhauser_wolsey or certificate (all of
    # submod:: takes 40 s a mutant at opt-level 1; these take 3 s together)
    run 120 "src/submod/opt.rs" \
        "certificate_b brute_force_size_limit_is_exactly_max_n ilp_optimum_equals_brute_force
         nemhauser_wolsey_equals_brute_force
         bad_knapsacks_are_typed_errors cli_opt_above_twenty_items query_counts_are_exact
         density_greedy_counterexample greedy_max_construction_at_its_exact_ratio roomy_instances
         cli_answers_every_algorithm_consistently opt::" "$@"
    ;;
request)
    # the tests of the request layer and the command-line suites (4.5 s a mutant)
    run 120 "src/request/mod.rs src/request/json.rs src/request/relax.rs src/request/solve.rs
         src/request/certified.rs src/jsonl.rs" \
        "request:: hostile:: cli:: fuzz_replay::" "$@"
    ;;
validate)
    # the tests named validate* take 19 s together at opt-level 1
    run 120 "src/validate.rs" "validate harness::" "$@"
    ;;
certified)
    run 120 "src/certified/mod.rs src/certified/interval.rs src/certified/alpha.rs
         src/certified/reg.rs src/certified/fmt.rs" "certified::" "$@"
    ;;
backend)
    run 120 "src/backend/plan.rs src/backend/buffers.rs src/backend/batch.rs src/backend/sync.rs
         src/backend/math.rs src/backend/kernels.rs src/backend/simd.rs src/backend/passes.rs
         src/backend/pipeline.rs" "backends::" "$@"
    ;;
*)
    echo "usage: scripts/mutants.sh core|oracle|submod|opt|request|validate|certified|backend [cargo-mutants args]" >&2
    exit 2
    ;;
esac
