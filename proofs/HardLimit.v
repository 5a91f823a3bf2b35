(** Shannon, gamma -> 0: if the hard optimum y* is unique with score gap delta > 0, the
    marginals converge to its indicator:  |y_k - y*_k| <= |Y| exp(-delta/gamma)
    (SPEC A.4 "Limits: gamma -> 0 gives the hard optimum and its indicator"). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler Marginals Bounds Constraints.
Import ListNotations.
Open Scope R_scope.

Definition bool_list_eq_dec := list_eq_dec Bool.bool_dec.

Lemma sumR_split_one : forall (f : list bool -> R) a L, In a L -> NoDup L ->
  sumR (map f L) = f a + sumR (map (fun y => if bool_list_eq_dec y a then 0 else f y) L).
Proof.
  intros f a L. induction L as [|y L IH]; intros Hin Hnd; [destruct Hin|].
  inversion Hnd as [|y' L' Hy Hnd']; subst. simpl.
  destruct (bool_list_eq_dec y a) as [->|Hne].
  - rewrite (sumR_ext (fun y => if bool_list_eq_dec y a then 0 else f y) f).
    + ring.
    + intros z Hz. destruct (bool_list_eq_dec z a) as [->|]; [contradiction|reflexivity].
  - destruct Hin as [->|Hin]; [contradiction|]. rewrite IH by assumption. ring.
Qed.

Lemma sumR_nonneg' : forall {A} (f : A -> R) L, (forall y, 0 <= f y) -> 0 <= sumR (map f L).
Proof.
  induction L as [|y L IH]; simpl; intros H; [lra|]. pose proof (H y). pose proof (IH H). lra.
Qed.

Lemma sumR_le_pt : forall {A} (f h : A -> R) L, (forall y, f y <= h y) ->
  sumR (map f L) <= sumR (map h L).
Proof.
  induction L as [|y L IH]; simpl; intros H; [lra|]. pose proof (H y). pose proof (IH H). lra.
Qed.

Theorem shannon_marginals_to_hard_indicator : forall g m l C ystar delta k, 0 < g -> 0 < delta ->
  length ystar = length l -> ok m C (weight l ystar) ->
  (forall y, length y = length l -> ok m C (weight l y) -> y <> ystar ->
             score l y <= score l ystar - delta) ->
  (k < length l)%nat ->
  Rabs (nth k (marginals (Qshannon g m) l C) 0 - (if nth k ystar false then 1 else 0))
    <= INR (nfeasible m l C) * exp (- delta / g).
Proof.
  intros g m l C ystar delta k Hg Hd Hlen Hok Hgap Hk.
  set (A := allsel (length l)). set (M := score l ystar).
  assert (HZ : 0 < Zdp g m l C).
  { pose proof (Zdp_ge_gibbs g m l C ystar ltac:(lra) Hlen Hok).
    pose proof (exp_pos (M / g)). unfold M in *. lra. }
  rewrite shannon_marginals_are_gibbs by assumption.
  rewrite Zdp_is_partition by lra. unfold partition. fold A.
  (* normalised weights e y = gibbs y * exp(-M/g) *)
  set (K := exp (- (M / g))). assert (HK : 0 < K) by apply exp_pos.
  set (e := fun y => gibbs g m l C y * K).
  assert (He0 : forall y, 0 <= e y).
  { intros y. unfold e, gibbs. destruct (okb m C (weight l y)).
    - apply Rmult_le_pos; [apply Rlt_le, exp_pos | lra].
    - lra. }
  assert (Hestar : e ystar = 1).
  { unfold e, gibbs, K. apply okb_ok in Hok. rewrite Hok. rewrite <- exp_plus.
    replace (score l ystar / g + - (M / g)) with 0 by (unfold M; field; lra). apply exp_0. }
  set (eps := exp (- delta / g)).
  assert (Heps : 0 < eps) by apply exp_pos.
  assert (Hother : forall y, In y A -> y <> ystar -> e y <= (if okb m C (weight l y) then eps else 0)).
  { intros y Hy Hne. apply allsel_length in Hy. unfold e, gibbs.
    destruct (okb m C (weight l y)) eqn:E; [|lra].
    apply okb_ok in E. pose proof (Hgap y Hy E Hne) as Hs.
    unfold K, eps. rewrite <- exp_plus. apply exp_le_mono.
    unfold Rdiv. fold M in Hs.
    assert (score l y * / g <= (M - delta) * / g)
      by (apply Rmult_le_compat_r; [apply Rlt_le, Rinv_0_lt_compat; lra | lra]).
    lra. }
  assert (HinA : In ystar A) by (unfold A; rewrite <- Hlen; apply allsel_complete).
  assert (Hnd : NoDup A) by apply allsel_NoDup.
  set (R := sumR (map (fun y => if bool_list_eq_dec y ystar then 0 else e y) A)).
  set (Rk := sumR (map (fun y => if bool_list_eq_dec y ystar then 0
                                 else (if nth k y false then e y else 0)) A)).
  assert (HR0 : 0 <= Rk).
  { apply sumR_nonneg'. intros y. destruct (bool_list_eq_dec y ystar); [lra|].
    destruct (nth k y false); [apply He0|lra]. }
  assert (HRk : Rk <= R).
  { apply sumR_le_pt. intros y. destruct (bool_list_eq_dec y ystar); [lra|].
    destruct (nth k y false); [lra|apply He0]. }
  assert (HRN : R <= INR (nfeasible m l C) * eps).
  { unfold nfeasible. fold A. rewrite <- sumR_indicator.
    apply sumR_le'. intros y Hy. destruct (bool_list_eq_dec y ystar) as [->|Hne].
    - destruct (okb m C (weight l ystar)); lra.
    - apply Hother; assumption. }
  (* the marginal as a ratio of normalised sums *)
  assert (Hratio : sumR (map (fun y => if nth k y false then gibbs g m l C y else 0) A)
                   / sumR (map (gibbs g m l C) A)
                   = ((if nth k ystar false then 1 else 0) + Rk) / (1 + R)).
  { assert (N1 : sumR (map (gibbs g m l C) A) * K = 1 + R).
    { rewrite Rmult_comm, <- sumR_scale.
      rewrite (sumR_split_one (fun y => K * gibbs g m l C y) ystar A HinA Hnd).
      unfold R. f_equal; [unfold e in Hestar; rewrite <- Hestar; ring|].
      apply sumR_ext. intros y _. unfold e. destruct (bool_list_eq_dec y ystar); ring. }
    assert (N2 : sumR (map (fun y => if nth k y false then gibbs g m l C y else 0) A) * K
                 = (if nth k ystar false then 1 else 0) + Rk).
    { rewrite Rmult_comm, <- sumR_scale.
      rewrite (sumR_split_one (fun y => K * (if nth k y false then gibbs g m l C y else 0))
                 ystar A HinA Hnd).
      unfold Rk. f_equal.
      - destruct (nth k ystar false); [|ring]. unfold e in Hestar. rewrite <- Hestar. ring.
      - apply sumR_ext. intros y _. unfold e. destruct (bool_list_eq_dec y ystar); [ring|].
        destruct (nth k y false); ring. }
    assert (HR : 0 <= R).
    { apply sumR_nonneg'. intros y. destruct (bool_list_eq_dec y ystar); [lra|apply He0]. }
    rewrite <- N1, <- N2. field. split; [lra|].
    intro H0. rewrite H0 in N1. lra. }
  rewrite Hratio.
  assert (HR : 0 <= R) by lra.
  apply Rle_trans with R; [|exact HRN].
  destruct (nth k ystar false).
  - replace ((1 + Rk) / (1 + R) - 1) with ((Rk - R) / (1 + R)) by (field; lra).
    rewrite Rabs_left1.
    + apply (Rmult_le_reg_r (1 + R)); [lra|]. unfold Rdiv.
      rewrite Ropp_mult_distr_l, Rmult_assoc, Rinv_l, Rmult_1_r by lra. nra.
    + assert (0 < / (1 + R)) by (apply Rinv_0_lt_compat; lra). unfold Rdiv.
      assert (Rk - R <= 0) by lra.
      assert (0 <= (R - Rk) * / (1 + R)) by (apply Rmult_le_pos; lra). lra.
  - replace ((0 + Rk) / (1 + R) - 0) with (Rk / (1 + R)) by (field; lra).
    rewrite Rabs_pos_eq by (apply Rmult_le_pos; [lra|apply Rlt_le, Rinv_0_lt_compat; lra]).
    apply (Rmult_le_reg_r (1 + R)); [lra|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. nra.
Qed.
