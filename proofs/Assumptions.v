(** Print the axioms every main theorem depends on.  Expected: nothing beyond the standard
    axioms of Coq's classical real numbers (Reals: ClassicalDedekindReals.sig_forall_dec,
    FunctionalExtensionality.functional_extensionality_dep, ... as listed by Coq). *)
From DiffKnap Require Import HardDP.

Locate HardDP.hard_dp_is_max.
Print Assumptions HardDP.hard_dp_is_max.
Locate HardDP.hard_dp_is_max_in_order.
Print Assumptions HardDP.hard_dp_is_max_in_order.

From DiffKnap Require Import ShannonDP.
Locate ShannonDP.Zdp_is_partition.
Print Assumptions ShannonDP.Zdp_is_partition.
Locate ShannonDP.smax_is_lse.
Print Assumptions ShannonDP.smax_is_lse.
Locate ShannonDP.shannon_value_is_log_partition.
Print Assumptions ShannonDP.shannon_value_is_log_partition.
Locate ShannonDP.Zdp_perm.
Print Assumptions ShannonDP.Zdp_perm.
Locate ShannonDP.shannon_permutation_invariance.
Print Assumptions ShannonDP.shannon_permutation_invariance.

From DiffKnap Require Import SmoothMax.
Locate SmoothMax.gini_closed_form_maximises.
Print Assumptions SmoothMax.gini_closed_form_maximises.
Locate SmoothMax.gini_value_interior.
Print Assumptions SmoothMax.gini_value_interior.
Locate SmoothMax.gini_value_sparse.
Print Assumptions SmoothMax.gini_value_sparse.
Locate SmoothMax.gini_gap.
Print Assumptions SmoothMax.gini_gap.
Locate SmoothMax.shannon_closed_form_maximises.
Print Assumptions SmoothMax.shannon_closed_form_maximises.
Locate SmoothMax.shannon_value_is_smax.
Print Assumptions SmoothMax.shannon_value_is_smax.
Locate SmoothMax.shannon_gap.
Print Assumptions SmoothMax.shannon_gap.
Locate SmoothMax.tsallis_closed_form_maximises.
Print Assumptions SmoothMax.tsallis_closed_form_maximises.
Locate SmoothMax.tsallis_gap.
Print Assumptions SmoothMax.tsallis_gap.
Locate SmoothMax.tsallis_sparse.
Print Assumptions SmoothMax.tsallis_sparse.
Locate SmoothMax.H_alpha_2_is_gini.
Print Assumptions SmoothMax.H_alpha_2_is_gini.
Locate SmoothMax.H_alpha_15_is_tsallis.
Print Assumptions SmoothMax.H_alpha_15_is_tsallis.

From DiffKnap Require Import GiniWitness.
Locate GiniWitness.gini_not_permutation_invariant.
Print Assumptions GiniWitness.gini_not_permutation_invariant.
Locate GiniWitness.gini_topk_not_permutation_invariant.
Print Assumptions GiniWitness.gini_topk_not_permutation_invariant.

From DiffKnap Require Import Sampler.
Locate Sampler.sampler_paths_sum_to_one.
Print Assumptions Sampler.sampler_paths_sum_to_one.
Locate Sampler.pathprob_range.
Print Assumptions Sampler.pathprob_range.
Locate Sampler.pathprob_feasible.
Print Assumptions Sampler.pathprob_feasible.
Locate Sampler.Qshannon_ok.
Print Assumptions Sampler.Qshannon_ok.
Locate Sampler.shannon_sampler_is_gibbs.
Print Assumptions Sampler.shannon_sampler_is_gibbs.
Locate Sampler.shannon_sample_log_prob.
Print Assumptions Sampler.shannon_sample_log_prob.

From DiffKnap Require Import PairRounding.
Locate PairRounding.pair_rounding.
Print Assumptions PairRounding.pair_rounding.
Locate PairRounding.move_preserves_cost.
Print Assumptions PairRounding.move_preserves_cost.

From DiffKnap Require Import LseError.
Locate LseError.lse_f64_error.
Print Assumptions LseError.lse_f64_error.
Locate LseError.lse_f64_error_ln2.
Print Assumptions LseError.lse_f64_error_ln2.
Locate LseError.lse_f64_error_ulps.
Print Assumptions LseError.lse_f64_error_ulps.
Locate GiniWitness.gmax2_is_max_Omega.
Print Assumptions GiniWitness.gmax2_is_max_Omega.

From DiffKnap Require Import Marginals.
Locate Marginals.marginals_are_pick_probabilities.
Print Assumptions Marginals.marginals_are_pick_probabilities.
Locate Marginals.shannon_marginals_are_gibbs.
Print Assumptions Marginals.shannon_marginals_are_gibbs.
Locate Marginals.E_rows_sum_to_one.
Print Assumptions Marginals.E_rows_sum_to_one.

From DiffKnap Require Import Bounds.
Locate Bounds.dp_bounds.
Print Assumptions Bounds.dp_bounds.
Locate Bounds.shannon_dp_bounds.
Print Assumptions Bounds.shannon_dp_bounds.
Locate Bounds.gini_dp_bounds.
Print Assumptions Bounds.gini_dp_bounds.
Locate Bounds.tsallis_dp_bounds.
Print Assumptions Bounds.tsallis_dp_bounds.
Locate Bounds.shannon_le_hard_plus_log_count.
Print Assumptions Bounds.shannon_le_hard_plus_log_count.
Locate Bounds.cdp_counts_feasible.
Print Assumptions Bounds.cdp_counts_feasible.
Locate Bounds.gini_equals_hard.
Print Assumptions Bounds.gini_equals_hard.
Locate Bounds.tsallis_equals_hard.
Print Assumptions Bounds.tsallis_equals_hard.
Locate Bounds.shannon_to_hard.
Print Assumptions Bounds.shannon_to_hard.

From DiffKnap Require Import Equivariance.
Locate Equivariance.shannon_marginals_swap.
Print Assumptions Equivariance.shannon_marginals_swap.
Locate Equivariance.gibbs_marg_swapn.
Print Assumptions Equivariance.gibbs_marg_swapn.
Locate Equivariance.shannon_marginals_equivariant.
Print Assumptions Equivariance.shannon_marginals_equivariant.

From DiffKnap Require Import Derivative.
Locate Derivative.shannon_gradient_is_marginal.
Print Assumptions Derivative.shannon_gradient_is_marginal.

From DiffKnap Require Import Constraints.
Locate Constraints.marginals_in_unit_interval.
Print Assumptions Constraints.marginals_in_unit_interval.
Locate Constraints.marginals_weight_le_capacity.
Print Assumptions Constraints.marginals_weight_le_capacity.
Locate Constraints.shannon_exact_weight.
Print Assumptions Constraints.shannon_exact_weight.
Locate Constraints.shannon_topk_sum.
Print Assumptions Constraints.shannon_topk_sum.
Locate Constraints.dp_exact_weight.
Print Assumptions Constraints.dp_exact_weight.
Locate Constraints.dp_topk_sum.
Print Assumptions Constraints.dp_topk_sum.
Locate Constraints.gini_topk_sum.
Print Assumptions Constraints.gini_topk_sum.
Locate Constraints.tsallis_topk_sum.
Print Assumptions Constraints.tsallis_topk_sum.

From DiffKnap Require Import Convexity.
Locate Convexity.shannon_value_convex.
Print Assumptions Convexity.shannon_value_convex.

From DiffKnap Require Import Tangent.
Locate Tangent.vdot_is_y_dot_z.
Print Assumptions Tangent.vdot_is_y_dot_z.
Locate PairRounding.pair_rounding_no_loss.
Print Assumptions PairRounding.pair_rounding_no_loss.

From DiffKnap Require Import Multilinear.
Locate Multilinear.pair_rounding_submodular.
Print Assumptions Multilinear.pair_rounding_submodular.
Locate Multilinear.ML_is_expectation.
Print Assumptions Multilinear.ML_is_expectation.

From DiffKnap Require Import UniformLimit.
Locate UniformLimit.shannon_marginals_uniform_limit.
Print Assumptions UniformLimit.shannon_marginals_uniform_limit.

From DiffKnap Require Import HardLink.
Locate HardLink.hard_dp_R_is_Z.
Print Assumptions HardLink.hard_dp_R_is_Z.

From DiffKnap Require Import Jacobian.
Locate Jacobian.shannon_jacobian.
Print Assumptions Jacobian.shannon_jacobian.
Locate Jacobian.shannon_jacobian_symmetric.
Print Assumptions Jacobian.shannon_jacobian_symmetric.
Locate Jacobian.shannon_jacobian_psd.
Print Assumptions Jacobian.shannon_jacobian_psd.
Locate Jacobian.shannon_topk_jacobian_columns.
Print Assumptions Jacobian.shannon_topk_jacobian_columns.
Locate Jacobian.shannon_topk_sum_Jz.
Print Assumptions Jacobian.shannon_topk_sum_Jz.

From DiffKnap Require Import VJP.
Locate VJP.vjpl_is_dpick.
Print Assumptions VJP.vjpl_is_dpick.
Locate VJP.dpath_sigmoid.
Print Assumptions VJP.dpath_sigmoid.
Locate VJP.vjp_covariance.
Print Assumptions VJP.vjp_covariance.
Locate VJP.shannon_vjp_is_Jz.
Print Assumptions VJP.shannon_vjp_is_Jz.

From DiffKnap Require Import HardLimit.
Locate HardLimit.shannon_marginals_to_hard_indicator.
Print Assumptions HardLimit.shannon_marginals_to_hard_indicator.

From DiffKnap Require Import Sparsity.
Locate Sparsity.gini_marginals_sparse.
Print Assumptions Sparsity.gini_marginals_sparse.
Locate Sparsity.tsallis_marginals_sparse.
Print Assumptions Sparsity.tsallis_marginals_sparse.

From DiffKnap Require Import Link.
Locate Link.shannon_table_link.
Print Assumptions Link.shannon_table_link.
Locate Link.shannon_dp_marginals_are_gibbs.
Print Assumptions Link.shannon_dp_marginals_are_gibbs.
Locate Link.shannon_dp_gradient_is_marginal.
Print Assumptions Link.shannon_dp_gradient_is_marginal.

From DiffKnap Require Import GiniTsallis.
Locate GiniTsallis.dp_convex.
Print Assumptions GiniTsallis.dp_convex.
Locate GiniTsallis.gini_value_convex.
Print Assumptions GiniTsallis.gini_value_convex.
Locate GiniTsallis.tsallis_value_convex.
Print Assumptions GiniTsallis.tsallis_value_convex.
Locate GiniTsallis.tsallis_not_permutation_invariant.
Print Assumptions GiniTsallis.tsallis_not_permutation_invariant.
Locate GiniTsallis.hsel_optimal.
Print Assumptions GiniTsallis.hsel_optimal.
Locate GiniTsallis.gini_marginals_hard_indicator.
Print Assumptions GiniTsallis.gini_marginals_hard_indicator.
Locate GiniTsallis.tsallis_marginals_hard_indicator.
Print Assumptions GiniTsallis.tsallis_marginals_hard_indicator.

From DiffKnap Require Import GTDerivative.
Locate GTDerivative.gini_phi_derivative.
Print Assumptions GTDerivative.gini_phi_derivative.
Locate GTDerivative.tsallis_phi_derivative.
Print Assumptions GTDerivative.tsallis_phi_derivative.
Locate GTDerivative.dp_gradient.
Print Assumptions GTDerivative.dp_gradient.
Locate GTDerivative.gini_gradient_is_marginal.
Print Assumptions GTDerivative.gini_gradient_is_marginal.
Locate GTDerivative.tsallis_gradient_is_marginal.
Print Assumptions GTDerivative.tsallis_gradient_is_marginal.
Locate GTDerivative.gini_q_derivative_interior.
Print Assumptions GTDerivative.gini_q_derivative_interior.
Locate GTDerivative.gini_q_derivative_sparse.
Print Assumptions GTDerivative.gini_q_derivative_sparse.
Locate GTDerivative.tsallis_q_derivative_interior.
Print Assumptions GTDerivative.tsallis_q_derivative_interior.
Locate GTDerivative.tsallis_q_derivative_sparse.
Print Assumptions GTDerivative.tsallis_q_derivative_sparse.

From DiffKnap Require Import Certificate.
Locate Certificate.fk_is_dual.
Print Assumptions Certificate.fk_is_dual.
Locate Certificate.certificate_bound.
Print Assumptions Certificate.certificate_bound.
Locate Certificate.greedy_max_half.
Print Assumptions Certificate.greedy_max_half.

From DiffKnap Require Import DPError.
Locate DPError.smax_lip.
Print Assumptions DPError.smax_lip.
Locate DPError.gini_lip.
Print Assumptions DPError.gini_lip.
Locate DPError.tsallis_lip.
Print Assumptions DPError.tsallis_lip.
Locate DPError.dp_error.
Print Assumptions DPError.dp_error.
Locate DPError.shannon_kernel_cell.
Print Assumptions DPError.shannon_kernel_cell.
Locate DPError.shannon_reference_cell.
Print Assumptions DPError.shannon_reference_cell.
Locate DPError.shannon_kernel_dp_error.
Print Assumptions DPError.shannon_kernel_dp_error.
Locate DPError.shannon_reference_dp_error.
Print Assumptions DPError.shannon_reference_dp_error.
Locate DPError.hard_dp_error.
Print Assumptions DPError.hard_dp_error.

From DiffKnap Require Import Sviridenko.
Locate Sviridenko.completion_good.
Print Assumptions Sviridenko.completion_good.
Locate Sviridenko.sviridenko_ratio.
Print Assumptions Sviridenko.sviridenko_ratio.
