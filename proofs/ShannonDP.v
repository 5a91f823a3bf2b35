(** Theorem 2: the Shannon DP in exp space computes the partition function, the log-space DP
    with the smoothed max computes gamma * ln Z, and both are invariant under permutations
    of the items. *)

From Coq Require Import List Arith Lia Reals Lra Permutation.
From DiffKnap Require Import Common.
Import ListNotations.
Open Scope R_scope.

Notation itemR := (R * nat)%type.

(** <theta, y>. *)
Fixpoint score (l : list itemR) (y : list bool) : R :=
  match l, y with
  | (t, _) :: l', b :: y' => (if b then t else 0) + score l' y'
  | _, _ => 0
  end.

Fixpoint sumR (l : list R) : R :=
  match l with [] => 0 | x :: l' => x + sumR l' end.

Lemma sumR_app : forall l1 l2, sumR (l1 ++ l2) = sumR l1 + sumR l2.
Proof. induction l1; simpl; intros; [ring | rewrite IHl1; ring]. Qed.

Lemma sumR_scale : forall {A} (f : A -> R) a l,
  sumR (map (fun y => a * f y) l) = a * sumR (map f l).
Proof. induction l; simpl; [ring | rewrite IHl; ring]. Qed.

Lemma sumR_ext : forall {A} (f g : A -> R) l,
  (forall y, In y l -> f y = g y) -> sumR (map f l) = sumR (map g l).
Proof.
  induction l; simpl; intros H; [reflexivity|].
  rewrite H by auto. rewrite IHl by auto. reflexivity.
Qed.

Lemma sumR_zero : forall {A} (f : A -> R) l,
  (forall y, In y l -> f y = 0) -> sumR (map f l) = 0.
Proof. induction l; simpl; intros H; [reflexivity|]. rewrite H, IHl by auto. ring. Qed.

Lemma Rdiv_0_l : forall g, 0 / g = 0.
Proof. intros; unfold Rdiv; ring. Qed.

(** Exp-space row 0: knapsack all ones; exact 1 at c = 0 and 0 elsewhere. *)
Definition zrow0 (m : mode) (c : nat) : R :=
  match m with
  | Knapsack => 1
  | Exact => if Nat.eqb c 0 then 1 else 0
  end.

(** Z_i(c) = Z_{i-1}(c) + [c >= w_i] Z_{i-1}(c - w_i) exp(theta_i / gamma). *)
Fixpoint Zdp (g : R) (m : mode) (l : list itemR) (c : nat) : R :=
  match l with
  | [] => zrow0 m c
  | (t, w) :: l' =>
      Zdp g m l' c + (if Nat.leb w c then Zdp g m l' (c - w) * exp (t / g) else 0)
  end.

(** Gibbs weight of a selection, zero if infeasible. *)
Definition gibbs (g : R) (m : mode) (l : list itemR) (c : nat) (y : list bool) : R :=
  if okb m c (weight l y) then exp (score l y / g) else 0.

(** The partition function: sum over all 2^n selections of the Gibbs weight. *)
Definition partition (g : R) (m : mode) (l : list itemR) (c : nat) : R :=
  sumR (map (gibbs g m l c) (allsel (length l))).

(** THEOREM 2a: Z_n(C) is the sum over feasible sets of exp(<theta,y>/gamma). *)
Theorem Zdp_is_partition : forall g m l c, g <> 0 -> Zdp g m l c = partition g m l c.
Proof.
  intros g m l. unfold partition. induction l as [|[t w] l IH]; intros c Hg.
  - simpl. unfold gibbs. simpl. destruct m; simpl.
    + rewrite Rdiv_0_l, exp_0. ring.
    + destruct c; simpl; [rewrite Rdiv_0_l, exp_0|]; ring.
  - simpl. rewrite map_app, sumR_app, !map_map. f_equal.
    + rewrite IH by exact Hg. apply sumR_ext. intros y _. unfold gibbs. simpl.
      rewrite Rplus_0_l. reflexivity.
    + unfold gibbs at 1. simpl.
      destruct (Nat.leb_spec w c) as [Hw|Hw].
      * rewrite IH by exact Hg. rewrite Rmult_comm, <- sumR_scale.
        apply sumR_ext. intros y _. unfold gibbs. rewrite okb_pick.
        replace (Nat.leb w c) with true by (symmetry; apply Nat.leb_le; exact Hw).
        simpl. destruct (okb m (c - w) (weight l y)); [|ring].
        rewrite <- exp_plus. f_equal. field. exact Hg.
      * symmetry. apply sumR_zero. intros y _. rewrite okb_pick_big by exact Hw. reflexivity.
Qed.

Lemma zrow0_nonneg : forall m c, 0 <= zrow0 m c.
Proof. intros [] c; simpl; [lra|destruct (Nat.eqb c 0); lra]. Qed.

Lemma Zdp_nonneg : forall g m l c, 0 <= Zdp g m l c.
Proof.
  intros g m l; induction l as [|[t w] l IH]; intros c; simpl; [apply zrow0_nonneg|].
  destruct (Nat.leb w c); [|specialize (IH c); lra].
  pose proof (exp_pos (t / g)). pose proof (IH c). pose proof (IH (c - w)%nat). nra.
Qed.

(** Every feasible set contributes: Z_n(C) >= its Gibbs weight (so Z > 0 iff Y is nonempty). *)
Lemma Zdp_ge_gibbs : forall g m l c y, g <> 0 ->
  length y = length l -> ok m c (weight l y) -> exp (score l y / g) <= Zdp g m l c.
Proof.
  intros g m l. induction l as [|[t w] l IH]; intros c y Hg Hlen Hok.
  - destruct y; [|discriminate]. simpl in *. rewrite Rdiv_0_l, exp_0.
    destruct m; simpl in *; [lra|subst; simpl; lra].
  - destruct y as [|b y]; [discriminate|]. injection Hlen as Hlen. simpl in *.
    destruct b.
    + apply ok_pick in Hok. destruct Hok as [Hw Hok].
      replace (Nat.leb w c) with true by (symmetry; apply Nat.leb_le; exact Hw).
      pose proof (IH _ _ Hg Hlen Hok). pose proof (Zdp_nonneg g m l c).
      pose proof (exp_pos (t / g)).
      replace ((t + score l y) / g) with (score l y / g + t / g) by (field; exact Hg).
      rewrite exp_plus. nra.
    + replace ((0 + score l y) / g) with (score l y / g) by (field; exact Hg).
      pose proof (IH _ _ Hg Hlen Hok). destruct (Nat.leb w c); [|lra].
      pose proof (Zdp_nonneg g m l (c - w)). pose proof (exp_pos (t / g)). nra.
Qed.

(** ** Smoothed max in log space *)

(** The Shannon two-way max as the fast kernels compute it (SPEC A.2). *)
Definition smax (g s p : R) : R := Rmax s p + g * ln (1 + exp (- Rabs (p - s) / g)).

(** THEOREM 2b: the smoothed max is a two-way log-sum-exp. *)
Theorem smax_is_lse : forall g s p, 0 < g ->
  smax g s p = g * ln (exp (s / g) + exp (p / g)).
Proof.
  intros g s p Hg. unfold smax, Rmax, Rabs.
  destruct (Rle_dec s p) as [H|H]; destruct (Rcase_abs (p - s)) as [H'|H']; try lra.
  - replace (exp (s / g) + exp (p / g)) with (exp (p / g) * (1 + exp (- (p - s) / g))).
    + rewrite ln_mult by (apply exp_pos || (pose proof (exp_pos (- (p - s) / g)); lra)).
      rewrite ln_exp. field. lra.
    + rewrite Rmult_plus_distr_l, <- exp_plus. replace (p / g + - (p - s) / g) with (s / g)
        by (field; lra). ring.
  - replace (exp (s / g) + exp (p / g)) with (exp (s / g) * (1 + exp (- - (p - s) / g))).
    + rewrite ln_mult by (apply exp_pos || (pose proof (exp_pos (- - (p - s) / g)); lra)).
      rewrite ln_exp. field. lra.
    + rewrite Rmult_plus_distr_l, <- exp_plus. replace (s / g + - - (p - s) / g) with (p / g)
        by (field; lra). ring.
Qed.

(** The log-space DP of SPEC A.3 with the Shannon smoothed max; -inf is [None]. *)
Definition vrow0 (m : mode) (c : nat) : option R :=
  match m with
  | Knapsack => Some 0
  | Exact => if Nat.eqb c 0 then Some 0 else None
  end.

Definition osmax (g : R) (s p : option R) : option R :=
  match s, p with
  | Some a, Some b => Some (smax g a b)
  | Some a, None => Some a
  | None, Some b => Some b
  | None, None => None
  end.

Fixpoint Vdp (g : R) (m : mode) (l : list itemR) (c : nat) : option R :=
  match l with
  | [] => vrow0 m c
  | (t, w) :: l' =>
      osmax g (Vdp g m l' c)
        (if Nat.leb w c then option_map (fun v => v + t) (Vdp g m l' (c - w)) else None)
  end.

(** gamma * ln z, with gamma * ln 0 = -inf. *)
Definition glog (g z : R) : option R :=
  if Rlt_dec 0 z then Some (g * ln z) else None.

Lemma glog_pos : forall g z, 0 < z -> glog g z = Some (g * ln z).
Proof. intros g z H. unfold glog. destruct (Rlt_dec 0 z); [reflexivity|lra]. Qed.

Lemma glog_zero : forall g, glog g 0 = None.
Proof. intros g. unfold glog. destruct (Rlt_dec 0 0); [lra|reflexivity]. Qed.

(** THEOREM 2c: the log-space DP equals gamma * ln of the exp-space DP, at every cell. *)
Theorem Vdp_is_glog_Zdp : forall g m l c, 0 < g -> Vdp g m l c = glog g (Zdp g m l c).
Proof.
  intros g m l. induction l as [|[t w] l IH]; intros c Hg.
  - simpl. destruct m; simpl.
    + rewrite glog_pos by lra. rewrite ln_1. f_equal. ring.
    + destruct (Nat.eqb c 0); [rewrite glog_pos by lra; rewrite ln_1; f_equal; ring|].
      rewrite glog_zero. reflexivity.
  - simpl. rewrite !IH by exact Hg.
    pose proof (Zdp_nonneg g m l c) as H1.
    pose proof (Zdp_nonneg g m l (c - w)) as H2.
    pose proof (exp_pos (t / g)) as He.
    assert (Hglog : forall z, 0 <= z -> glog g z = None -> z = 0).
    { intros z Hz. unfold glog. destruct (Rlt_dec 0 z); [discriminate|]. lra. }
    destruct (Nat.leb w c).
    + destruct (Req_dec (Zdp g m l c) 0) as [E1|E1];
      destruct (Req_dec (Zdp g m l (c - w)) 0) as [E2|E2].
      * rewrite E1, E2, glog_zero. simpl. rewrite Rmult_0_l, Rplus_0_r, glog_zero.
        reflexivity.
      * rewrite E1, glog_zero, glog_pos by lra. simpl. rewrite Rplus_0_l, glog_pos by nra.
        f_equal. rewrite ln_mult, ln_exp by lra. field. lra.
      * rewrite E2, glog_zero, glog_pos by lra. simpl. rewrite Rmult_0_l, Rplus_0_r.
        rewrite glog_pos by lra. reflexivity.
      * rewrite !glog_pos by nra. simpl. f_equal.
        rewrite smax_is_lse by exact Hg.
        replace (g * ln (Zdp g m l c) / g) with (ln (Zdp g m l c)) by (field; lra).
        replace ((g * ln (Zdp g m l (c - w)) + t) / g)
          with (ln (Zdp g m l (c - w)) + t / g) by (field; lra).
        rewrite exp_plus, !exp_ln by lra. reflexivity.
    + rewrite Rplus_0_r. destruct (glog g (Zdp g m l c)); reflexivity.
Qed.

(** Corollary: the value V = V_n(C) of the log-space DP is gamma * ln (sum over feasible sets of
    exp(<theta,y>/gamma)), i.e. the log-partition (and -inf iff no set is feasible). *)
Corollary shannon_value_is_log_partition : forall g m l C, 0 < g ->
  Vdp g m l C = glog g (partition g m l C).
Proof.
  intros g m l C Hg. rewrite Vdp_is_glog_Zdp, Zdp_is_partition by lra. reflexivity.
Qed.

(** ** Permutation invariance *)

Lemma Zdp_swap : forall g m a b l c, Zdp g m (a :: b :: l) c = Zdp g m (b :: a :: l) c.
Proof.
  intros g m [ta wa] [tb wb] l c. simpl.
  destruct (Nat.leb_spec wa c); destruct (Nat.leb_spec wb c);
  destruct (Nat.leb_spec wb (c - wa)); destruct (Nat.leb_spec wa (c - wb)); try lia;
  try (replace (c - wa - wb)%nat with (c - wb - wa)%nat by lia); ring.
Qed.

(** THEOREM 2d: Z is invariant under any permutation of the items (generated by adjacent
    swaps), at every capacity. *)
Theorem Zdp_perm : forall g m l l', Permutation l l' -> forall c, Zdp g m l c = Zdp g m l' c.
Proof.
  intros g m l l' HP. induction HP as [| [t w] l l' HP IH | a b l | l l' l'' _ IH1 _ IH2];
    intros c.
  - reflexivity.
  - simpl. rewrite !IH. reflexivity.
  - symmetry. apply Zdp_swap.
  - rewrite IH1, IH2. reflexivity.
Qed.

Corollary shannon_permutation_invariance : forall g m l l' C, 0 < g ->
  Permutation l l' -> Vdp g m l C = Vdp g m l' C.
Proof.
  intros g m l l' C Hg HP. rewrite !Vdp_is_glog_Zdp by exact Hg.
  rewrite (Zdp_perm g m l l' HP). reflexivity.
Qed.
