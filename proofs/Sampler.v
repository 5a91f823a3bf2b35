(** Theorem 5: the ancestral sampler.  Start at c = C; for i = n..1: if c >= w_i, pick item i
    with probability Q_i(c) and set c <- c - w_i (otherwise item i is skipped).
    (a) For ANY table Q, the probabilities of all 2^n paths sum to one (and are in [0,1] when
        Q is); every path of nonzero probability is knapsack-feasible (weight <= C).
    (b) For Shannon, Q_i(c) = exp(theta_i/gamma) Z_{i-1}(c - w_i) / Z_i(c), the probability of
        a set is its Gibbs weight exp(<theta,y>/gamma) / Z_n(C). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP.
Import ListNotations.
Open Scope R_scope.

(** A table of local pick probabilities: [Qf (it :: l) c] is Q_i(c) where [it] is item i and
    [l] holds items 1..i-1 (same list convention as the DPs). *)
Definition qtable := list itemR -> nat -> R.

(** Probability that the sampler, started at capacity c, outputs the selection y
    (a product of Q or 1 - Q along the path; an impossible pick has probability 0). *)
Fixpoint pathprob (Qf : qtable) (l : list itemR) (c : nat) (y : list bool) : R :=
  match l, y with
  | [], [] => 1
  | (t, w) :: l', b :: y' =>
      if Nat.leb w c then
        (if b then Qf ((t, w) :: l') c * pathprob Qf l' (c - w) y'
         else (1 - Qf ((t, w) :: l') c) * pathprob Qf l' c y')
      else (if b then 0 else pathprob Qf l' c y')
  | _, _ => 0
  end.

(** THEOREM 5a: the path probabilities sum to one, whatever the table Q. *)
Theorem sampler_paths_sum_to_one : forall Qf l c,
  sumR (map (pathprob Qf l c) (allsel (length l))) = 1.
Proof.
  intros Qf l. induction l as [|[t w] l IH]; intros c; simpl; [ring|].
  rewrite map_app, sumR_app, !map_map. simpl.
  destruct (Nat.leb w c).
  - rewrite (sumR_scale (pathprob Qf l c)), (sumR_scale (pathprob Qf l (c - w))).
    rewrite !IH. ring.
  - rewrite (sumR_zero (fun x => 0)) by reflexivity. rewrite IH. ring.
Qed.

Definition qtable_ok (Qf : qtable) : Prop := forall l c, 0 <= Qf l c <= 1.

Lemma pathprob_range : forall Qf l c y, qtable_ok Qf -> 0 <= pathprob Qf l c y <= 1.
Proof.
  intros Qf l. induction l as [|[t w] l IH]; intros c y HQ; destruct y as [|b y]; simpl;
    try lra.
  pose proof (HQ ((t, w) :: l) c). destruct (Nat.leb w c); destruct b;
    try (pose proof (IH (c - w)%nat y HQ)); try (pose proof (IH c y HQ)); try nra; lra.
Qed.

(** Every sample (nonzero probability) respects the capacity: weight <= c. *)
Lemma pathprob_feasible : forall Qf l c y,
  pathprob Qf l c y <> 0 -> (weight l y <= c)%nat.
Proof.
  intros Qf l. induction l as [|[t w] l IH]; intros c y H; destruct y as [|b y]; simpl in *;
    try lia; try (exfalso; apply H; reflexivity).
  destruct (Nat.leb_spec w c); destruct b.
  - assert (pathprob Qf l (c - w) y <> 0) by (intro E; apply H; rewrite E; ring).
    specialize (IH _ _ H1). lia.
  - assert (pathprob Qf l c y <> 0) by (intro E; apply H; rewrite E; ring).
    specialize (IH _ _ H1). lia.
  - exfalso; apply H; reflexivity.
  - exact (IH _ _ H).
Qed.

(** ** Shannon: the sampler draws exactly from the Gibbs distribution *)

Definition Qshannon (g : R) (m : mode) : qtable :=
  fun l c => match l with
             | [] => 0
             | (t, w) :: l' =>
                 if Nat.leb w c then exp (t / g) * Zdp g m l' (c - w) / Zdp g m l c else 0
             end.

Lemma ratio_range : forall a z, 0 <= a -> 0 <= z -> 0 <= a / (z + a) <= 1.
Proof.
  intros a z Ha Hz. destruct (Req_dec (z + a) 0) as [E|E].
  - assert (Ha0 : a = 0) by lra. rewrite Ha0. unfold Rdiv. rewrite Rmult_0_l. lra.
  - split; [apply Rmult_le_pos; [lra | apply Rlt_le, Rinv_0_lt_compat; lra]|].
    apply (Rmult_le_reg_r (z + a)); [lra|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra.
Qed.

Lemma Qshannon_ok : forall g m, qtable_ok (Qshannon g m).
Proof.
  intros g m l c. destruct l as [|[t w] l]; [simpl; lra|]. unfold Qshannon. simpl Zdp.
  destruct (Nat.leb w c); [|lra].
  pose proof (Zdp_nonneg g m l c). pose proof (Zdp_nonneg g m l (c - w)).
  pose proof (exp_pos (t / g)).
  rewrite (Rmult_comm (Zdp g m l (c - w))). apply ratio_range; [apply Rmult_le_pos|]; lra.
Qed.

Lemma gibbs_cons_false : forall g m t w l c y, g <> 0 ->
  gibbs g m ((t, w) :: l) c (false :: y) = gibbs g m l c y.
Proof. intros. unfold gibbs. simpl. rewrite Rplus_0_l. reflexivity. Qed.

Lemma gibbs_cons_true : forall g m t w l c y, g <> 0 ->
  gibbs g m ((t, w) :: l) c (true :: y) =
  if Nat.leb w c then exp (t / g) * gibbs g m l (c - w) y else 0.
Proof.
  intros g m t w l c y Hg. unfold gibbs. simpl. rewrite okb_pick.
  destruct (Nat.leb w c); simpl; [|reflexivity].
  destruct (okb m (c - w) (weight l y)); [|ring].
  rewrite <- exp_plus. f_equal. field. exact Hg.
Qed.

Lemma gibbs_zero_if_Z_zero : forall g m l c y, g <> 0 -> length y = length l ->
  Zdp g m l c = 0 -> gibbs g m l c y = 0.
Proof.
  intros g m l c y Hg Hlen HZ. unfold gibbs.
  destruct (okb m c (weight l y)) eqn:E; [|reflexivity].
  apply okb_ok in E. pose proof (Zdp_ge_gibbs g m l c y Hg Hlen E).
  pose proof (exp_pos (score l y / g)). lra.
Qed.

(** THEOREM 5b: with the Shannon table, P(sample = y) = exp(<theta,y>/gamma) [y feasible] / Z. *)
Theorem shannon_sampler_is_gibbs : forall g m l c y, 0 < g ->
  0 < Zdp g m l c -> length y = length l ->
  pathprob (Qshannon g m) l c y = gibbs g m l c y / Zdp g m l c.
Proof.
  intros g m l. induction l as [|[t w] l IH]; intros c y Hg HZ Hlen.
  - destruct y; [|discriminate]. simpl in *. unfold gibbs. simpl.
    destruct m; simpl in *.
    + rewrite Rdiv_0_l, exp_0. field.
    + destruct (Nat.eqb_spec c 0) as [->|]; [|lra]. simpl. rewrite Rdiv_0_l, exp_0. field.
  - destruct y as [|b y]; [discriminate|]. injection Hlen as Hlen.
    assert (Hg0 : g <> 0) by lra.
    pose proof (Zdp_nonneg g m l c) as N1. pose proof (Zdp_nonneg g m l (c - w)) as N2.
    pose proof (exp_pos (t / g)) as Ep.
    destruct b.
    + rewrite gibbs_cons_true by exact Hg0. simpl pathprob. unfold Qshannon.
      simpl Zdp in *. destruct (Nat.leb w c).
      * destruct (Req_dec (Zdp g m l (c - w)) 0) as [E|E].
        -- rewrite (gibbs_zero_if_Z_zero g m l (c - w) y Hg0 Hlen E), E.
           unfold Rdiv. ring.
        -- rewrite IH by (auto; lra). field. split; lra.
      * unfold Rdiv. ring.
    + rewrite gibbs_cons_false by exact Hg0. simpl pathprob. unfold Qshannon.
      simpl Zdp in *. destruct (Nat.leb w c).
      * assert (E1 : 1 - exp (t / g) * Zdp g m l (c - w) /
                         (Zdp g m l c + Zdp g m l (c - w) * exp (t / g))
                     = Zdp g m l c / (Zdp g m l c + Zdp g m l (c - w) * exp (t / g)))
          by (field; lra).
        rewrite E1.
        destruct (Req_dec (Zdp g m l c) 0) as [E|E].
        -- rewrite (gibbs_zero_if_Z_zero g m l c y Hg0 Hlen E), E. unfold Rdiv. ring.
        -- rewrite IH by (auto; lra). field. split; lra.
      * rewrite Rplus_0_r in *. apply IH; auto.
Qed.

(** Corollary: the log-probability of a feasible sample is <theta,y>/gamma - ln Z_n(C). *)
Corollary shannon_sample_log_prob : forall g m l C y, 0 < g ->
  length y = length l -> ok m C (weight l y) ->
  ln (pathprob (Qshannon g m) l C y) = score l y / g - ln (Zdp g m l C).
Proof.
  intros g m l C y Hg Hlen Hok.
  pose proof (Zdp_ge_gibbs g m l C y ltac:(lra) Hlen Hok) as Hge.
  pose proof (exp_pos (score l y / g)).
  rewrite shannon_sampler_is_gibbs by (auto; lra).
  unfold gibbs. apply okb_ok in Hok. rewrite Hok. unfold Rdiv at 1.
  rewrite ln_mult, ln_exp, ln_Rinv by (try apply Rinv_0_lt_compat; lra). ring.
Qed.
