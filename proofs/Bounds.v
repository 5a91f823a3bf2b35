(** DP-level bounds (SPEC A.4 "Bounds"): for any regularized two-way max with
    max(s,p) <= max_Omega(s,p) <= max(s,p) + gamma Hmax, the smoothed DP value satisfies
        V_hard <= V <= V_hard + n gamma Hmax
    at every cell (n = number of items processed), with -inf at exactly the same cells. *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP SmoothMax.
Import ListNotations.
Open Scope R_scope.

(** Two-way max on R extended with -inf (None), SPEC A.2: only p finite -> p, only s -> s. *)
Definition oop (op : R -> R -> R) (s p : option R) : option R :=
  match s, p with
  | Some a, Some b => Some (op a b)
  | Some a, None => Some a
  | None, Some b => Some b
  | None, None => None
  end.

(** The forward DP of SPEC A.3 over R with a given two-way max [op]. *)
Fixpoint Rdp (op : R -> R -> R) (m : mode) (l : list itemR) (c : nat) : option R :=
  match l with
  | [] => vrow0 m c
  | (t, w) :: l' =>
      oop op (Rdp op m l' c)
        (if Nat.leb w c then option_map (fun v => v + t) (Rdp op m l' (c - w)) else None)
  end.

(** The log-space Shannon DP of ShannonDP.v is this DP with op = smax. *)
Lemma Vdp_is_Rdp : forall g m l c, Vdp g m l c = Rdp (smax g) m l c.
Proof.
  intros g m l. induction l as [|[t w] l IH]; intros c; simpl; [reflexivity|].
  rewrite !IH. reflexivity.
Qed.

(** [rel k h v]: both -inf, or both finite with h <= v <= h + k. *)
Definition rel (k : R) (h v : option R) : Prop :=
  match h, v with
  | Some a, Some b => a <= b <= a + k
  | None, None => True
  | _, _ => False
  end.

Lemma rel_step : forall op d k sh sv ph pv, 0 <= d -> 0 <= k ->
  (forall s p, Rmax s p <= op s p <= Rmax s p + d) ->
  rel k sh sv -> rel k ph pv -> rel (k + d) (oop Rmax sh ph) (oop op sv pv).
Proof.
  intros op d k [a|] [b|] [x|] [y|] Hd Hk Hop Hs Hp; simpl in *; try contradiction; auto; try lra.
  pose proof (Hop b y). pose proof (Rmax_l a x). pose proof (Rmax_r a x).
  pose proof (Rmax_l b y). pose proof (Rmax_r b y).
  split.
  - apply Rle_trans with (Rmax b y); [|lra]. apply Rmax_lub; lra.
  - assert (Rmax b y <= Rmax a x + k).
    { apply Rmax_lub.
      - apply Rle_trans with (a + k); lra.
      - apply Rle_trans with (x + k); lra. }
    lra.
Qed.

Lemma rel_shift : forall k t h v, rel k h v ->
  rel k (option_map (fun z => z + t) h) (option_map (fun z => z + t) v).
Proof. intros k t [a|] [b|] H; simpl in *; auto; lra. Qed.

Lemma rel_weaken : forall k k' h v, k <= k' -> rel k h v -> rel k' h v.
Proof. intros k k' [a|] [b|] Hk H; simpl in *; auto; lra. Qed.

(** THEOREM: V_hard <= V <= V_hard + n d at every cell, -inf at the same cells. *)
Theorem dp_bounds : forall op d m l c, 0 <= d ->
  (forall s p, Rmax s p <= op s p <= Rmax s p + d) ->
  rel (INR (length l) * d) (Rdp Rmax m l c) (Rdp op m l c).
Proof.
  intros op d m l c Hd Hop. revert c. induction l as [|[t w] l IH]; intros c.
  - simpl. destruct m; simpl; [lra|]. destruct (Nat.eqb c 0); simpl; [lra|exact I].
  - cbn [Rdp length]. rewrite S_INR, Rmult_plus_distr_r, Rmult_1_l.
    assert (Hk : 0 <= INR (length l) * d) by (apply Rmult_le_pos; [apply pos_INR|lra]).
    apply rel_step; auto.
    destruct (Nat.leb w c); [apply rel_shift; apply IH | exact I].
Qed.

Lemma gap_hyp : forall op d, (forall s p, 0 <= op s p - Rmax s p <= d) ->
  forall s p, Rmax s p <= op s p <= Rmax s p + d.
Proof. intros op d H s p. specialize (H s p). lra. Qed.

Definition gini_op (g : R) := fun s p => obj H_gini g s p (q_gini g s p).
Definition tsallis_op (g : R) := fun s p => obj H_tsallis g s p (q_tsallis g s p).

Corollary shannon_dp_bounds : forall g m l c, 0 < g ->
  rel (INR (length l) * (g * ln 2)) (Rdp Rmax m l c) (Vdp g m l c).
Proof.
  intros g m l c Hg. rewrite Vdp_is_Rdp. apply dp_bounds.
  - apply Rmult_le_pos; [lra|]. rewrite <- ln_1. apply Rlt_le, ln_increasing; lra.
  - apply gap_hyp. intros s p. rewrite <- shannon_value_is_smax by exact Hg.
    apply shannon_gap. exact Hg.
Qed.

Corollary gini_dp_bounds : forall g m l c, 0 < g ->
  rel (INR (length l) * (g * (1 / 4))) (Rdp Rmax m l c) (Rdp (gini_op g) m l c).
Proof.
  intros g m l c Hg. apply dp_bounds; [lra|].
  apply gap_hyp. intros s p. apply gini_gap. exact Hg.
Qed.

Corollary tsallis_dp_bounds : forall g m l c, 0 < g ->
  rel (INR (length l) * (g * Hmax_tsallis)) (Rdp Rmax m l c) (Rdp (tsallis_op g) m l c).
Proof.
  intros g m l c Hg. apply dp_bounds.
  - apply Rmult_le_pos; [lra|]. pose proof (H_tsallis_le (/ 2) ltac:(lra)).
    rewrite H_tsallis_half in H. unfold Hmax_tsallis.
    assert (sqrt (/ 2) <= 1).
    { rewrite <- sqrt_1. apply sqrt_le_1_alt. lra. }
    lra.
  - apply gap_hyp. intros s p. apply tsallis_gap. exact Hg.
Qed.

(** Shannon only: V <= V_hard + gamma ln |Y|, with |Y| the number of feasible sets. *)
Definition nfeasible (m : mode) (l : list itemR) (c : nat) : nat :=
  length (filter (fun y => okb m c (weight l y)) (allsel (length l))).

(** Hard DP over R is an upper bound on every feasible score (as HardDP.dp_upper over Z). *)
Lemma Rdp_hard_upper : forall m l y c,
  length y = length l -> ok m c (weight l y) ->
  exists h, Rdp Rmax m l c = Some h /\ score l y <= h.
Proof.
  intros m l. induction l as [|[t w] l IH]; intros y c Hlen Hok.
  - destruct y; [|discriminate]. simpl in *. destruct m; simpl in *.
    + exists 0; split; [reflexivity|lra].
    + subst c. exists 0; split; [reflexivity|lra].
  - destruct y as [|b y]; [discriminate|]. simpl in Hlen. injection Hlen as Hlen.
    simpl in Hok |- *. destruct b.
    + apply ok_pick in Hok. destruct Hok as [Hw Hok].
      destruct (IH y (c - w)%nat Hlen Hok) as [v [Hv Hle]].
      replace (Nat.leb w c) with true by (symmetry; apply Nat.leb_le; exact Hw).
      rewrite Hv. simpl. destruct (Rdp Rmax m l c) as [a|]; simpl.
      * eexists; split; [reflexivity|]. pose proof (Rmax_r a (v + t)). lra.
      * eexists; split; [reflexivity|]. lra.
    + simpl in Hok. destruct (IH y c Hlen Hok) as [v [Hv Hle]]. rewrite Hv.
      destruct (if Nat.leb w c then option_map (fun z => z + t) (Rdp Rmax m l (c - w)) else None)
        as [p|]; simpl.
      * eexists; split; [reflexivity|]. pose proof (Rmax_l v p). lra.
      * eexists; split; [reflexivity|]. lra.
Qed.

Lemma sumR_le : forall {A} (f g : A -> R) L, (forall y, In y L -> f y <= g y) ->
  sumR (map f L) <= sumR (map g L).
Proof.
  induction L as [|y L IH]; simpl; intros H; [lra|].
  pose proof (H y (or_introl eq_refl)). pose proof (IH (fun z Hz => H z (or_intror Hz))). lra.
Qed.

Lemma sumR_indicator : forall {A} (P : A -> bool) a L,
  sumR (map (fun y => if P y then a else 0) L) = INR (length (filter P L)) * a.
Proof.
  induction L as [|y L IH]; [simpl; ring|]. cbn [map sumR filter].
  destruct (P y); cbn [length]; rewrite IH; [rewrite S_INR|]; ring.
Qed.

Lemma exp_le_mono : forall x y, x <= y -> exp x <= exp y.
Proof.
  intros x y H. destruct (Req_dec x y) as [->|Hne]; [lra|].
  apply Rlt_le, exp_increasing. lra.
Qed.

(** THEOREM (Shannon): if some set is feasible, V = gamma ln Z <= V_hard + gamma ln |Y|. *)
Theorem shannon_le_hard_plus_log_count : forall g m l C h, 0 < g ->
  Rdp Rmax m l C = Some h -> (0 < nfeasible m l C)%nat ->
  g * ln (Zdp g m l C) <= h + g * ln (INR (nfeasible m l C)).
Proof.
  intros g m l C h Hg Hh Hn.
  assert (HZ : Zdp g m l C <= INR (nfeasible m l C) * exp (h / g)).
  { rewrite Zdp_is_partition by lra. unfold partition, nfeasible.
    rewrite <- sumR_indicator. apply sumR_le. intros y Hy. apply allsel_length in Hy.
    unfold gibbs. destruct (okb m C (weight l y)) eqn:E; [|lra].
    apply okb_ok in E. destruct (Rdp_hard_upper m l y C Hy E) as [h' [Hh' Hle]].
    rewrite Hh in Hh'. injection Hh' as <-. apply exp_le_mono.
    unfold Rdiv. apply Rmult_le_compat_r; [apply Rlt_le, Rinv_0_lt_compat; lra | exact Hle]. }
  assert (Hpos : 0 < Zdp g m l C).
  { unfold nfeasible in Hn. destruct (filter (fun y => okb m C (weight l y)) (allsel (length l)))
      as [|y L] eqn:EF; simpl in Hn; [lia|].
    assert (Hin : In y (filter (fun y => okb m C (weight l y)) (allsel (length l))))
      by (rewrite EF; left; reflexivity).
    apply filter_In in Hin. destruct Hin as [Hin Hok]. apply allsel_length in Hin.
    apply okb_ok in Hok. pose proof (Zdp_ge_gibbs g m l C y ltac:(lra) Hin Hok).
    pose proof (exp_pos (score l y / g)). lra. }
  assert (HnR : 0 < INR (nfeasible m l C)) by (apply lt_0_INR; exact Hn).
  assert (ln (Zdp g m l C) <= ln (INR (nfeasible m l C)) + h / g).
  { replace (ln (INR (nfeasible m l C)) + h / g)
      with (ln (INR (nfeasible m l C)) + ln (exp (h / g))) by (rewrite ln_exp; reflexivity).
    pose proof (exp_pos (h / g)).
    rewrite <- ln_mult by lra.
    destruct (Req_dec (Zdp g m l C) (INR (nfeasible m l C) * exp (h / g))) as [E|E];
      [rewrite E; lra|].
    apply Rlt_le, ln_increasing; lra. }
  apply (Rmult_le_compat_l g) in H; [|lra].
  replace (g * (ln (INR (nfeasible m l C)) + h / g)) with (h + g * ln (INR (nfeasible m l C)))
    in H by (field; lra).
  exact H.
Qed.

(** ** Gini and tsallis reach the hard DP exactly at a finite gamma (SPEC A.4 "Limits")

    [gaps_ok d m l]: at every cell of the hard DP where both s and p are finite, |p - s| >= d. *)
Fixpoint gaps_ok (d : R) (m : mode) (l : list itemR) : Prop :=
  match l with
  | [] => True
  | (t, w) :: l' =>
      gaps_ok d m l' /\
      forall c, match Rdp Rmax m l' c,
                      (if Nat.leb w c then option_map (fun v => v + t) (Rdp Rmax m l' (c - w))
                       else None) with
                | Some a, Some b => d <= Rabs (b - a)
                | _, _ => True
                end
  end.

Lemma dp_equal_hard : forall op d m l, (forall s p, d <= Rabs (p - s) -> op s p = Rmax s p) ->
  gaps_ok d m l -> forall c, Rdp op m l c = Rdp Rmax m l c.
Proof.
  intros op d m l Hop. induction l as [|[t w] l IH]; intros Hg c; [reflexivity|].
  destruct Hg as [Hg Hc]. cbn [Rdp]. rewrite !IH by exact Hg.
  specialize (Hc c).
  destruct (Rdp Rmax m l c) as [a|]; destruct (Nat.leb w c);
    try destruct (Rdp Rmax m l (c - w)) as [b|]; simpl in *; try reflexivity.
  rewrite Hop by exact Hc. reflexivity.
Qed.

Theorem gini_equals_hard : forall g m l, 0 < g -> gaps_ok g m l ->
  forall c, Rdp (gini_op g) m l c = Rdp Rmax m l c.
Proof.
  intros g m l Hg. apply dp_equal_hard. intros s p Hd. unfold gini_op.
  apply gini_value_sparse; assumption.
Qed.

Theorem tsallis_equals_hard : forall g m l, 0 < g -> gaps_ok (2 * g) m l ->
  forall c, Rdp (tsallis_op g) m l c = Rdp Rmax m l c.
Proof.
  intros g m l Hg. apply dp_equal_hard. intros s p Hd. unfold tsallis_op.
  destruct (tsallis_sparse g s p Hg) as [H1 H0].
  unfold Rabs in Hd. destruct (Rcase_abs (p - s)).
  - rewrite H0 by lra. rewrite obj_0 by exact H_tsallis_0. rewrite Rmax_left by lra. reflexivity.
  - rewrite H1 by lra. rewrite obj_1 by exact H_tsallis_1. rewrite Rmax_right by lra. reflexivity.
Qed.

(** Shannon approaches the hard value: |V - V_hard| <= n gamma ln 2, hence -> 0 as gamma -> 0. *)
Corollary shannon_to_hard : forall m l c eps, 0 < eps ->
  exists g0, 0 < g0 /\ forall g, 0 < g < g0 ->
    match Rdp Rmax m l c, Vdp g m l c with
    | Some h, Some v => Rabs (v - h) < eps
    | None, None => True
    | _, _ => False
    end.
Proof.
  intros m l c eps He.
  assert (Hl2 : 0 < ln 2) by (rewrite <- ln_1; apply ln_increasing; lra).
  set (K := (INR (length l) + 1) * ln 2).
  assert (HK : 0 < K) by (unfold K; apply Rmult_lt_0_compat; [pose proof (pos_INR (length l)); lra|lra]).
  exists (eps / K). split; [apply Rdiv_lt_0_compat; lra|].
  intros g [Hg Hg0]. pose proof (shannon_dp_bounds g m l c Hg) as B. unfold rel in B.
  destruct (Rdp Rmax m l c) as [h|]; destruct (Vdp g m l c) as [v|]; try contradiction; auto.
  assert (g * K < eps).
  { apply (Rmult_lt_compat_r K) in Hg0; [|exact HK]. unfold Rdiv in Hg0.
    rewrite Rmult_assoc, Rinv_l, Rmult_1_r in Hg0 by lra. lra. }
  assert (INR (length l) * (g * ln 2) < g * K).
  { unfold K. assert (0 < g * ln 2) by (apply Rmult_lt_0_compat; lra). nra. }
  rewrite Rabs_pos_eq by lra. lra.
Qed.

(** ** Exact count of feasible sets by an integer DP (SPEC A.4: |Y| counted exactly) *)
Fixpoint cdp (m : mode) (l : list itemR) (c : nat) : nat :=
  match l with
  | [] => if okb m c 0 then 1 else 0
  | (t, w) :: l' => cdp m l' c + (if Nat.leb w c then cdp m l' (c - w) else 0)
  end.

Lemma length_filter_map : forall {A B} (f : B -> bool) (g : A -> B) L,
  length (filter f (map g L)) = length (filter (fun y => f (g y)) L).
Proof.
  induction L as [|y L IH]; simpl; [reflexivity|]. destruct (f (g y)); simpl; auto.
Qed.

Lemma length_filter_false : forall {A} (f : A -> bool) L, (forall y, f y = false) ->
  length (filter f L) = 0%nat.
Proof. induction L as [|y L IH]; intros H; simpl; [reflexivity|]. rewrite H. auto. Qed.

Lemma length_filter_ext : forall {A} (f g : A -> bool) L, (forall y, f y = g y) ->
  length (filter f L) = length (filter g L).
Proof. induction L as [|y L IH]; intros H; simpl; [reflexivity|]. rewrite H. destruct (g y); simpl; auto. Qed.

Theorem cdp_counts_feasible : forall m l c, cdp m l c = nfeasible m l c.
Proof.
  intros m l. unfold nfeasible. induction l as [|[t w] l IH]; intros c.
  - simpl. destruct (okb m c 0); reflexivity.
  - cbn [cdp length allsel]. rewrite filter_app, app_length, !length_filter_map.
    f_equal.
    + rewrite IH. apply length_filter_ext. intros y. reflexivity.
    + destruct (Nat.leb_spec w c) as [Hw|Hw].
      * rewrite IH. apply length_filter_ext. intros y. simpl. rewrite okb_pick.
        replace (Nat.leb w c) with true by (symmetry; apply Nat.leb_le; exact Hw). reflexivity.
      * symmetry. apply length_filter_false. intros y. simpl. apply okb_pick_big. exact Hw.
Qed.
