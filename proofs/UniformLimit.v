(** Shannon, gamma -> infinity: the marginals tend to the uniform-on-Y marginals
    y_k -> #{y in Y : y_k = 1} / |Y|  (SPEC A.4 "Limits"). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler Marginals Bounds Derivative.
Import ListNotations.
Open Scope R_scope.

(** sum over L of [keep y] exp(tau * s y), as a function of tau. *)
Definition esum (keep : list bool -> bool) (s : list bool -> R) (L : list (list bool)) (tau : R) : R :=
  sumR (map (fun y => if keep y then exp (tau * s y) else 0) L).

Lemma esum_derivable : forall keep s L x, derivable_pt (esum keep s L) x.
Proof.
  intros keep s L x. unfold esum.
  exists (sumR (map (fun y => if keep y then s y * exp (x * s y) else 0) L)).
  apply (dpl_sum (fun y tau => if keep y then exp (tau * s y) else 0)
                 (fun y => if keep y then s y * exp (x * s y) else 0)).
  intros y _. destruct (keep y).
  - apply (dpl_ext (comp exp (mult_real_fct (s y) id))).
    { intros t. unfold comp, mult_real_fct, id. f_equal. ring. }
    rewrite Rmult_comm. apply derivable_pt_lim_comp.
    + replace (s y) with (s y * 1) at 2 by ring. apply derivable_pt_lim_scal, derivable_pt_lim_id.
    + unfold mult_real_fct, id. replace (x * s y) with (s y * x) by ring.
      apply derivable_pt_lim_exp.
  - apply (dpl_ext (fct_cte 0)); [reflexivity|]. apply derivable_pt_lim_const.
Qed.

Lemma esum_at_0 : forall keep s L, esum keep s L 0 = INR (length (filter keep L)).
Proof.
  intros keep s L. unfold esum. induction L as [|y L IH]; [reflexivity|].
  cbn [map sumR filter]. rewrite IH. rewrite Rmult_0_l, exp_0.
  destruct (keep y); cbn [length]; [rewrite S_INR|]; ring.
Qed.

Definition feasb (m : mode) (l : list itemR) (C : nat) (y : list bool) : bool :=
  okb m C (weight l y).

(** Number of feasible sets containing the item at position k. *)
Definition nfeasible_k (m : mode) (l : list itemR) (C k : nat) : nat :=
  length (filter (fun y => (feasb m l C y && nth k y false)%bool) (allsel (length l))).

Theorem shannon_marginals_uniform_limit : forall m l C k,
  (0 < nfeasible m l C)%nat -> (k < length l)%nat ->
  forall eps, 0 < eps -> exists G, 0 < G /\ forall g, G < g ->
    Rabs (nth k (marginals (Qshannon g m) l C) 0
          - INR (nfeasible_k m l C k) / INR (nfeasible m l C)) < eps.
Proof.
  intros m l C k Hn Hk eps Heps.
  set (A := allsel (length l)).
  set (num := esum (fun y => (feasb m l C y && nth k y false)%bool) (score l) A).
  set (den := esum (feasb m l C) (score l) A).
  assert (Hden0 : den 0 = INR (nfeasible m l C)) by (unfold den; rewrite esum_at_0; reflexivity).
  assert (Hnum0 : num 0 = INR (nfeasible_k m l C k)) by (unfold num; rewrite esum_at_0; reflexivity).
  assert (HN : 0 < INR (nfeasible m l C)) by (apply lt_0_INR; exact Hn).
  assert (Hc : continuity_pt (num / den)%F 0).
  { apply continuity_pt_div.
    - apply derivable_continuous_pt, esum_derivable.
    - apply derivable_continuous_pt, esum_derivable.
    - lra. }
  unfold continuity_pt, continue_in, limit1_in, limit_in in Hc.
  destruct (Hc eps Heps) as [alp [Halp Hclose]].
  exists (/ alp). split; [apply Rinv_0_lt_compat; exact Halp|].
  intros g Hg.
  assert (Hg0 : 0 < g) by (pose proof (Rinv_0_lt_compat alp Halp); lra).
  (* the marginal is (num / den)(1/g) *)
  assert (HZ : 0 < Zdp g m l C).
  { unfold nfeasible in Hn.
    destruct (filter (fun y => okb m C (weight l y)) (allsel (length l))) as [|y L] eqn:EF;
      simpl in Hn; [lia|].
    assert (Hin : In y (filter (fun y => okb m C (weight l y)) (allsel (length l))))
      by (rewrite EF; left; reflexivity).
    apply filter_In in Hin. destruct Hin as [Hin Hok]. apply allsel_length in Hin.
    apply okb_ok in Hok. pose proof (Zdp_ge_gibbs g m l C y ltac:(lra) Hin Hok).
    pose proof (exp_pos (score l y / g)). lra. }
  assert (Hval : nth k (marginals (Qshannon g m) l C) 0 = (num / den)%F (/ g)).
  { rewrite shannon_marginals_are_gibbs by assumption.
    unfold div_fct, num, den, esum. f_equal.
    - apply sumR_ext. intros y _. unfold gibbs, feasb.
      destruct (okb m C (weight l y)); destruct (nth k y false); simpl; try reflexivity.
      f_equal. unfold Rdiv. ring.
    - rewrite Zdp_is_partition by lra. unfold partition. apply sumR_ext. intros y _.
      unfold gibbs, feasb. destruct (okb m C (weight l y)); [|reflexivity].
      f_equal. unfold Rdiv. ring. }
  rewrite Hval.
  replace (INR (nfeasible_k m l C k) / INR (nfeasible m l C)) with ((num / den)%F 0)
    by (unfold div_fct; rewrite Hnum0, Hden0; reflexivity).
  apply (Hclose (/ g)). split.
  { split; [exact I|]. apply Rlt_not_eq, Rinv_0_lt_compat. lra. }
  simpl. unfold R_dist. rewrite Rminus_0_r, Rabs_pos_eq by (apply Rlt_le, Rinv_0_lt_compat; lra).
  apply (Rmult_lt_reg_l g); [lra|]. rewrite Rinv_r by lra.
  apply (Rmult_lt_reg_l (/ alp)); [apply Rinv_0_lt_compat; lra|].
  replace (/ alp * (g * alp)) with g by (field; lra). lra.
Qed.
