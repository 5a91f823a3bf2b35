(** Shannon: V(theta) = gamma ln Z(theta) is convex in theta (SPEC A.4 "Convexity"). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP.
Import ListNotations.
Open Scope R_scope.

(** Convex combination of two score vectors on the same weights. *)
Fixpoint mix (a : R) (l1 l2 : list itemR) : list itemR :=
  match l1, l2 with
  | (t1, w) :: r1, (t2, _) :: r2 => (a * t1 + (1 - a) * t2, w) :: mix a r1 r2
  | _, _ => []
  end.

Definition same_weights (l1 l2 : list itemR) : Prop := map snd l1 = map snd l2.

Lemma mix_length : forall a l1 l2, same_weights l1 l2 -> length (mix a l1 l2) = length l1.
Proof.
  intros a l1. induction l1 as [|[t1 w1] r1 IH]; intros [|[t2 w2] r2] H; simpl in *;
    try discriminate; auto.
  injection H as _ H. rewrite IH; auto.
Qed.

Lemma mix_weight : forall a l1 l2 y, same_weights l1 l2 -> weight (mix a l1 l2) y = weight l1 y.
Proof.
  intros a l1. induction l1 as [|[t1 w1] r1 IH]; intros [|[t2 w2] r2] y H; simpl in *;
    try discriminate; auto.
  injection H as _ H. destruct y; [reflexivity|]. simpl. rewrite IH; auto.
Qed.

Lemma weight_same : forall l1 l2 y, same_weights l1 l2 -> weight l2 y = weight l1 y.
Proof.
  intros l1. induction l1 as [|[t1 w1] r1 IH]; intros [|[t2 w2] r2] y H; simpl in *;
    try discriminate; auto.
  injection H as -> H. destruct y; [reflexivity|]. simpl. rewrite (IH r2); auto.
Qed.

Lemma mix_score : forall a l1 l2 y, same_weights l1 l2 ->
  score (mix a l1 l2) y = a * score l1 y + (1 - a) * score l2 y.
Proof.
  intros a l1. induction l1 as [|[t1 w1] r1 IH]; intros [|[t2 w2] r2] y H; simpl in *;
    try discriminate.
  - destruct y; simpl; ring.
  - injection H as _ H. destruct y as [|b y]; simpl; [ring|]. rewrite IH by exact H.
    destruct b; ring.
Qed.

(** Convexity of exp, from 1 + z <= exp z. *)
Lemma exp_convex : forall a x y, 0 <= a <= 1 ->
  exp (a * x + (1 - a) * y) <= a * exp x + (1 - a) * exp y.
Proof.
  intros a x y Ha. set (m := a * x + (1 - a) * y).
  pose proof (exp_ineq1_le (x - m)) as Hx. pose proof (exp_ineq1_le (y - m)) as Hy.
  assert (Ex : exp x = exp m * exp (x - m)) by (rewrite <- exp_plus; f_equal; ring).
  assert (Ey : exp y = exp m * exp (y - m)) by (rewrite <- exp_plus; f_equal; ring).
  pose proof (exp_pos m).
  assert (exp m * (1 + (x - m)) <= exp x) by (rewrite Ex; apply Rmult_le_compat_l; lra).
  assert (exp m * (1 + (y - m)) <= exp y) by (rewrite Ey; apply Rmult_le_compat_l; lra).
  assert (a * (exp m * (1 + (x - m))) <= a * exp x) by (apply Rmult_le_compat_l; lra).
  assert ((1 - a) * (exp m * (1 + (y - m))) <= (1 - a) * exp y)
    by (apply Rmult_le_compat_l; lra).
  assert (a * (exp m * (1 + (x - m))) + (1 - a) * (exp m * (1 + (y - m))) = exp m)
    by (unfold m; ring).
  lra.
Qed.

Lemma sumR_le'' : forall {A} (f g : A -> R) L, (forall y, In y L -> f y <= g y) ->
  sumR (map f L) <= sumR (map g L).
Proof.
  induction L as [|y L IH]; simpl; intros H; [lra|].
  pose proof (H y (or_introl eq_refl)). pose proof (IH (fun z Hz => H z (or_intror Hz))). lra.
Qed.

Lemma sumR_plus : forall {A} (f g : A -> R) L,
  sumR (map (fun y => f y + g y) L) = sumR (map f L) + sumR (map g L).
Proof. induction L; simpl; [ring|rewrite IHL; ring]. Qed.

(** THEOREM: for instances with the same weights and a in [0,1],
    gamma ln Z(a theta1 + (1-a) theta2) <= a gamma ln Z(theta1) + (1-a) gamma ln Z(theta2). *)
Theorem shannon_value_convex : forall g m l1 l2 C a, 0 < g -> 0 <= a <= 1 ->
  same_weights l1 l2 -> 0 < Zdp g m l1 C -> 0 < Zdp g m l2 C ->
  g * ln (Zdp g m (mix a l1 l2) C)
  <= a * (g * ln (Zdp g m l1 C)) + (1 - a) * (g * ln (Zdp g m l2 C)).
Proof.
  intros g m l1 l2 C a Hg Ha Hw HZ1 HZ2.
  set (Z1 := Zdp g m l1 C) in *. set (Z2 := Zdp g m l2 C) in *.
  set (K := exp (a * ln Z1 + (1 - a) * ln Z2)).
  assert (Hlen2 : length l2 = length l1).
  { unfold same_weights in Hw. rewrite <- (map_length snd l1), <- (map_length snd l2), Hw.
    reflexivity. }
  (* Z(mix) = sum_y [feas] exp(a s1 + (1-a) s2) <= K * sum_y (a g1/Z1 + (1-a) g2/Z2) = K *)
  assert (HZ : Zdp g m (mix a l1 l2) C <= K).
  { rewrite Zdp_is_partition by lra. unfold partition. rewrite mix_length by exact Hw.
    apply Rle_trans with
      (sumR (map (fun y => K * (a * (gibbs g m l1 C y / Z1) + (1 - a) * (gibbs g m l2 C y / Z2)))
                 (allsel (length l1)))).
    - apply sumR_le''. intros y Hy. unfold gibbs.
      rewrite mix_weight, (weight_same l1 l2 y Hw) by exact Hw.
      destruct (okb m C (weight l1 y)); [|unfold Rdiv; rewrite !Rmult_0_l; lra].
      rewrite mix_score by exact Hw.
      set (s1 := score l1 y / g). set (s2 := score l2 y / g).
      replace ((a * score l1 y + (1 - a) * score l2 y) / g) with (a * s1 + (1 - a) * s2)
        by (unfold s1, s2; field; lra).
      replace (a * s1 + (1 - a) * s2)
        with ((a * (s1 - ln Z1) + (1 - a) * (s2 - ln Z2)) + (a * ln Z1 + (1 - a) * ln Z2))
        by ring.
      rewrite exp_plus. fold K. rewrite Rmult_comm.
      assert (E1 : exp s1 / Z1 = exp (s1 - ln Z1)).
      { unfold Rminus. rewrite exp_plus, exp_Ropp, exp_ln by exact HZ1. reflexivity. }
      assert (E2 : exp s2 / Z2 = exp (s2 - ln Z2)).
      { unfold Rminus. rewrite exp_plus, exp_Ropp, exp_ln by exact HZ2. reflexivity. }
      rewrite E1, E2. apply Rmult_le_compat_l; [apply Rlt_le, exp_pos|]. apply exp_convex.
      exact Ha.
    - rewrite sumR_scale, sumR_plus, !sumR_scale.
      assert (S1 : sumR (map (fun y => gibbs g m l1 C y / Z1) (allsel (length l1))) = 1).
      { unfold Rdiv. rewrite (sumR_ext _ (fun y => / Z1 * gibbs g m l1 C y))
          by (intros; ring).
        rewrite sumR_scale. fold (partition g m l1 C). rewrite <- Zdp_is_partition by lra.
        fold Z1. field. lra. }
      assert (S2 : sumR (map (fun y => gibbs g m l2 C y / Z2) (allsel (length l1))) = 1).
      { unfold Rdiv. rewrite (sumR_ext _ (fun y => / Z2 * gibbs g m l2 C y))
          by (intros; ring).
        rewrite sumR_scale. rewrite <- Hlen2. fold (partition g m l2 C).
        rewrite <- Zdp_is_partition by lra. fold Z2. field. lra. }
      rewrite S1, S2. lra. }
  assert (HZm : 0 < Zdp g m (mix a l1 l2) C \/ Zdp g m (mix a l1 l2) C = 0).
  { pose proof (Zdp_nonneg g m (mix a l1 l2) C). lra. }
  destruct HZm as [HZm|HZm].
  - assert (ln (Zdp g m (mix a l1 l2) C) <= ln K).
    { destruct (Req_dec (Zdp g m (mix a l1 l2) C) K) as [E|E]; [rewrite E; lra|].
      apply Rlt_le, ln_increasing; lra. }
    unfold K in H. rewrite ln_exp in H.
    apply (Rmult_le_compat_l g) in H; lra.
  - (* Z(mix) = 0 is impossible: a set feasible for l1 is feasible for the mix (same weights). *)
    exfalso.
    assert (Hex : exists y, In y (allsel (length l1)) /\ okb m C (weight l1 y) = true).
    { unfold Z1 in HZ1. rewrite Zdp_is_partition in HZ1 by lra. unfold partition in HZ1.
      clear - HZ1. induction (allsel (length l1)) as [|y L IH]; simpl in HZ1; [lra|].
      unfold gibbs at 1 in HZ1. destruct (okb m C (weight l1 y)) eqn:E.
      - exists y. split; [left; reflexivity|exact E].
      - destruct IH as [y' [H1 H2]]; [lra|]. exists y'. split; [right; exact H1|exact H2]. }
    destruct Hex as [y [Hy Hok]]. apply allsel_length in Hy. apply okb_ok in Hok.
    rewrite <- (mix_weight a l1 l2 y Hw) in Hok.
    assert (Hy' : length y = length (mix a l1 l2)) by (rewrite mix_length; auto).
    pose proof (Zdp_ge_gibbs g m (mix a l1 l2) C y ltac:(lra) Hy' Hok).
    pose proof (exp_pos (score (mix a l1 l2) y / g)). lra.
Qed.
