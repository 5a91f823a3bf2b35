(** Print the axioms every main theorem depends on.  Expected: nothing beyond the standard
    axioms of Coq's classical real numbers (Reals: ClassicalDedekindReals.sig_forall_dec,
    FunctionalExtensionality.functional_extensionality_dep, ... as listed by Coq). *)
From DiffKnap Require Import HardDP.

Print Assumptions HardDP.hard_dp_is_max.

From DiffKnap Require Import ShannonDP.
Print Assumptions ShannonDP.Zdp_is_partition.
Print Assumptions ShannonDP.smax_is_lse.
Print Assumptions ShannonDP.shannon_value_is_log_partition.
Print Assumptions ShannonDP.Zdp_perm.
Print Assumptions ShannonDP.shannon_permutation_invariance.

From DiffKnap Require Import SmoothMax.
Print Assumptions SmoothMax.gini_closed_form_maximises.
Print Assumptions SmoothMax.gini_value_interior.
Print Assumptions SmoothMax.gini_value_sparse.
Print Assumptions SmoothMax.gini_gap.
Print Assumptions SmoothMax.shannon_closed_form_maximises.
Print Assumptions SmoothMax.shannon_value_is_smax.
Print Assumptions SmoothMax.shannon_gap.
Print Assumptions SmoothMax.tsallis_closed_form_maximises.
Print Assumptions SmoothMax.tsallis_gap.
Print Assumptions SmoothMax.tsallis_sparse.

From DiffKnap Require Import GiniWitness.
Print Assumptions GiniWitness.gini_not_permutation_invariant.
Print Assumptions GiniWitness.gini_topk_not_permutation_invariant.

From DiffKnap Require Import Sampler.
Print Assumptions Sampler.sampler_paths_sum_to_one.
Print Assumptions Sampler.pathprob_range.
Print Assumptions Sampler.pathprob_feasible.
Print Assumptions Sampler.Qshannon_ok.
Print Assumptions Sampler.shannon_sampler_is_gibbs.
Print Assumptions Sampler.shannon_sample_log_prob.

From DiffKnap Require Import PairRounding.
Print Assumptions PairRounding.pair_rounding.
Print Assumptions PairRounding.move_preserves_cost.

From DiffKnap Require Import LseError.
Print Assumptions LseError.lse_f64_error.
Print Assumptions LseError.lse_f64_error_ln2.
Print Assumptions LseError.lse_f64_error_ulps.
Print Assumptions GiniWitness.gmax2_is_max_Omega.

From DiffKnap Require Import Marginals.
Print Assumptions Marginals.marginals_are_pick_probabilities.
Print Assumptions Marginals.shannon_marginals_are_gibbs.
Print Assumptions Marginals.E_rows_sum_to_one.

From DiffKnap Require Import Bounds.
Print Assumptions Bounds.dp_bounds.
Print Assumptions Bounds.shannon_dp_bounds.
Print Assumptions Bounds.gini_dp_bounds.
Print Assumptions Bounds.tsallis_dp_bounds.
Print Assumptions Bounds.shannon_le_hard_plus_log_count.

From DiffKnap Require Import Equivariance.
Print Assumptions Equivariance.shannon_marginals_swap.
Print Assumptions Equivariance.gibbs_marg_swapn.
Print Assumptions Equivariance.shannon_marginals_equivariant.

From DiffKnap Require Import Derivative.
Print Assumptions Derivative.shannon_gradient_is_marginal.

From DiffKnap Require Import Constraints.
Print Assumptions Constraints.marginals_in_unit_interval.
Print Assumptions Constraints.marginals_weight_le_capacity.
Print Assumptions Constraints.shannon_exact_weight.
Print Assumptions Constraints.shannon_topk_sum.
Print Assumptions Constraints.dp_exact_weight.
Print Assumptions Constraints.dp_topk_sum.
Print Assumptions Constraints.gini_topk_sum.
Print Assumptions Constraints.tsallis_topk_sum.

From DiffKnap Require Import Convexity.
Print Assumptions Convexity.shannon_value_convex.
