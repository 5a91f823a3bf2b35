(** Gini and tsallis at the DP level (SPEC A.4): convexity of V in theta, a tsallis
    non-equivariance witness, and the sparse marginals equal the indicator of the hard optimum
    under the gap condition.  (The derivative facts are in GTDerivative.v.) *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP SmoothMax Sampler Marginals Bounds Constraints
  Convexity HardLimit Sparsity.
Import ListNotations.
Open Scope R_scope.

(** ** Convexity *)

Definition op_convex (op : R -> R -> R) : Prop := forall a s1 p1 s2 p2, 0 <= a <= 1 ->
  op (a * s1 + (1 - a) * s2) (a * p1 + (1 - a) * p2) <= a * op s1 p1 + (1 - a) * op s2 p2.

Definition op_mono (op : R -> R -> R) : Prop := forall s p s' p', s <= s' -> p <= p' ->
  op s p <= op s' p'.

(** A two-way max of the form max over q in [0,1] of q p + (1-q) s + gamma H(q), attained at
    qop(s,p) in [0,1], is convex (a supremum of affine functions) and nondecreasing in both
    arguments (each affine function has nonnegative coefficients q, 1 - q). *)
Lemma max_Omega_convex_mono : forall H g qop,
  (forall s p, 0 <= qop s p <= 1) ->
  (forall s p q, 0 <= q <= 1 -> obj H g s p q <= obj H g s p (qop s p)) ->
  op_convex (fun s p => obj H g s p (qop s p)) /\ op_mono (fun s p => obj H g s p (qop s p)).
Proof.
  intros H g qop Hq Hmax. split.
  - intros a s1 p1 s2 p2 Ha. cbv beta.
    set (q := qop (a * s1 + (1 - a) * s2) (a * p1 + (1 - a) * p2)).
    pose proof (Hq (a * s1 + (1 - a) * s2) (a * p1 + (1 - a) * p2)) as Hq'. fold q in Hq'.
    pose proof (Hmax s1 p1 q Hq'). pose proof (Hmax s2 p2 q Hq').
    assert (E : obj H g (a * s1 + (1 - a) * s2) (a * p1 + (1 - a) * p2) q
                = a * obj H g s1 p1 q + (1 - a) * obj H g s2 p2 q) by (unfold obj; ring).
    rewrite E.
    apply Rplus_le_compat; apply Rmult_le_compat_l; lra.
  - intros s p s' p' Hs Hp. cbv beta.
    pose proof (Hq s p) as Hq'. pose proof (Hmax s' p' (qop s p) Hq').
    assert (obj H g s p (qop s p) <= obj H g s' p' (qop s p)).
    { unfold obj. assert (qop s p * p <= qop s p * p') by (apply Rmult_le_compat_l; lra).
      assert ((1 - qop s p) * s <= (1 - qop s p) * s') by (apply Rmult_le_compat_l; lra).
      lra. }
    lra.
Qed.

Lemma same_weights_cons : forall t1 w1 r1 t2 w2 r2,
  same_weights ((t1, w1) :: r1) ((t2, w2) :: r2) -> w2 = w1 /\ same_weights r1 r2.
Proof. intros. unfold same_weights in *. simpl in H. injection H as -> H. auto. Qed.

(** [V(mix) <= a V(theta1) + (1 - a) V(theta2)], with -inf at the same cells for all three. *)
Definition convex_at (v v1 v2 : option R) (a : R) : Prop :=
  match v, v1, v2 with
  | Some x, Some x1, Some x2 => x <= a * x1 + (1 - a) * x2
  | None, None, None => True
  | _, _, _ => False
  end.

(** THEOREM: for any convex, nondecreasing two-way max, the DP value is convex in theta at
    every cell (induction over the rows). *)
Theorem dp_convex : forall op m l1 l2 a c, op_convex op -> op_mono op -> 0 <= a <= 1 ->
  same_weights l1 l2 ->
  convex_at (Rdp op m (mix a l1 l2) c) (Rdp op m l1 c) (Rdp op m l2 c) a.
Proof.
  intros op m l1. induction l1 as [|[t1 w] r1 IH]; intros [|[t2 w2] r2] a c Hc Hm Ha Hw;
    try (unfold same_weights in Hw; discriminate).
  - simpl. destruct m; simpl; [lra|]. destruct (Nat.eqb c 0); simpl; [lra|exact I].
  - apply same_weights_cons in Hw. destruct Hw as [-> Hw].
    cbn [mix Rdp].
    pose proof (IH r2 a c Hc Hm Ha Hw) as Hs.
    assert (Hp : convex_at
      (if Nat.leb w c then option_map (fun v => v + (a * t1 + (1 - a) * t2)) (Rdp op m (mix a r1 r2) (c - w)) else None)
      (if Nat.leb w c then option_map (fun v => v + t1) (Rdp op m r1 (c - w)) else None)
      (if Nat.leb w c then option_map (fun v => v + t2) (Rdp op m r2 (c - w)) else None) a).
    { destruct (Nat.leb w c); [|exact I].
      pose proof (IH r2 a (c - w)%nat Hc Hm Ha Hw) as Hp.
      destruct (Rdp op m (mix a r1 r2) (c - w)); destruct (Rdp op m r1 (c - w));
        destruct (Rdp op m r2 (c - w)); simpl in *; try contradiction; auto. lra. }
    revert Hs Hp.
    destruct (Rdp op m (mix a r1 r2) c) as [x|]; destruct (Rdp op m r1 c) as [x1|];
      destruct (Rdp op m r2 c) as [x2|]; intros Hs; simpl in Hs; try contradiction;
    destruct (if Nat.leb w c then option_map (fun v => v + (a * t1 + (1 - a) * t2)) (Rdp op m (mix a r1 r2) (c - w)) else None) as [y|];
    destruct (if Nat.leb w c then option_map (fun v => v + t1) (Rdp op m r1 (c - w)) else None) as [y1|];
    destruct (if Nat.leb w c then option_map (fun v => v + t2) (Rdp op m r2 (c - w)) else None) as [y2|];
    intros Hp; simpl in Hp |- *; try contradiction; auto.
    apply Rle_trans with (op (a * x1 + (1 - a) * x2) (a * y1 + (1 - a) * y2)).
    + apply Hm; assumption.
    + apply Hc. exact Ha.
Qed.

Theorem gini_value_convex : forall g m l1 l2 a c, 0 < g -> 0 <= a <= 1 -> same_weights l1 l2 ->
  convex_at (Rdp (gini_op g) m (mix a l1 l2) c) (Rdp (gini_op g) m l1 c)
            (Rdp (gini_op g) m l2 c) a.
Proof.
  intros g m l1 l2 a c Hg Ha Hw.
  destruct (max_Omega_convex_mono H_gini g (q_gini g) (q_gini_range g)) as [Hc Hm].
  - intros s p q Hq. apply gini_closed_form_maximises; assumption.
  - apply dp_convex; assumption.
Qed.

Lemma q_tsallis_range : forall g s p, 0 <= q_tsallis g s p <= 1.
Proof. intros g s p. apply (q_of_c_sqrt (c_tsallis g s p)), clip11_range. Qed.

Theorem tsallis_value_convex : forall g m l1 l2 a c, 0 < g -> 0 <= a <= 1 -> same_weights l1 l2 ->
  convex_at (Rdp (tsallis_op g) m (mix a l1 l2) c) (Rdp (tsallis_op g) m l1 c)
            (Rdp (tsallis_op g) m l2 c) a.
Proof.
  intros g m l1 l2 a c Hg Ha Hw.
  destruct (max_Omega_convex_mono H_tsallis g (q_tsallis g) (q_tsallis_range g)) as [Hc Hm].
  - intros s p q Hq. apply tsallis_closed_form_maximises; assumption.
  - apply dp_convex; assumption.
Qed.

(** ** Tsallis is not permutation invariant: a witness *)

(** Inside the smoothing band |p - s| < 2 gamma the tsallis max is strictly above max(s,p):
    with c = (p - s)/(2 gamma) and r = sqrt(2 - c^2), max_Omega - p = gamma (4 - 3c - r^3)/3
    and (4 - 3c)^2 - r^6 = (1 - c)^3 (8 - 3c^2 - c^3) > 0 (symmetrically for s). *)
Lemma tsallis_gap_identity : forall g s p, 0 < g -> Rabs (p - s) < 2 * g ->
  let c := (p - s) / (2 * g) in let r := sqrt (2 - c * c) in
  tsallis_op g s p - p = g / 3 * (4 - 3 * c - r * (2 - c * c)) /\
  tsallis_op g s p - s = g / 3 * (4 + 3 * c - r * (2 - c * c)) /\ -1 < c < 1.
Proof.
  intros g s p Hg Hd c r.
  assert (Hc : -1 < c < 1).
  { unfold c. apply Rabs_def2 in Hd. split.
    - apply (Rmult_lt_reg_r (2 * g)); [lra|]. unfold Rdiv.
      rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra.
    - apply (Rmult_lt_reg_r (2 * g)); [lra|]. unfold Rdiv.
      rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
  assert (Hq : q_tsallis g s p = q_of_c c).
  { unfold q_tsallis, c_tsallis, clip11. fold c. rewrite Rmin_right by lra.
    rewrite Rmax_right by lra. reflexivity. }
  destruct (q_of_c_sqrt c ltac:(lra)) as [Hq01 [Su Sv]]. fold r in Su, Sv.
  assert (Hr2 : r * r = 2 - c * c) by (apply sqrt_sqrt; nra).
  assert (Hps : p - s = 2 * g * c) by (unfold c; field; lra).
  unfold tsallis_op, obj, H_tsallis, pow15. rewrite Hq, Su, Sv.
  unfold q_of_c. fold r. clearbody r c.
  split; [|split; [|exact Hc]].
  - replace s with (p - 2 * g * c) by lra. field.
  - replace p with (s + 2 * g * c) by lra. field.
Qed.

Lemma tsallis_band_pos : forall c r, -1 < c < 1 -> 0 <= r -> r * r = 2 - c * c ->
  0 < 4 - 3 * c - r * (2 - c * c).
Proof.
  intros c r Hc Hr Hr2.
  assert (Hu : 0 <= r * (2 - c * c)) by (apply Rmult_le_pos; nra).
  assert (Hsq : (r * (2 - c * c)) * (r * (2 - c * c)) < (4 - 3 * c) * (4 - 3 * c)).
  { replace ((r * (2 - c * c)) * (r * (2 - c * c))) with ((r * r) * (2 - c * c) * (2 - c * c))
      by ring.
    rewrite Hr2.
    assert (E : (4 - 3 * c) * (4 - 3 * c) - (2 - c * c) * (2 - c * c) * (2 - c * c)
                = (1 - c) * (1 - c) * (1 - c) * (8 - 3 * c * c - c * c * c)) by ring.
    assert (0 < (1 - c) * (1 - c) * (1 - c)) by (apply Rmult_lt_0_compat; [nra|lra]).
    assert (0 < 8 - 3 * c * c - c * c * c) by nra.
    assert (0 < (1 - c) * (1 - c) * (1 - c) * (8 - 3 * c * c - c * c * c))
      by (apply Rmult_lt_0_compat; assumption).
    lra. }
  nra.
Qed.

Theorem tsallis_strict_in_band : forall g s p, 0 < g -> Rabs (p - s) < 2 * g ->
  Rmax s p < tsallis_op g s p.
Proof.
  intros g s p Hg Hd.
  destruct (tsallis_gap_identity g s p Hg Hd) as [E1 [E2 Hc]].
  set (c := (p - s) / (2 * g)) in *. set (r := sqrt (2 - c * c)) in *.
  assert (Hr : 0 <= r) by apply sqrt_pos.
  assert (Hr2 : r * r = 2 - c * c) by (apply sqrt_sqrt; nra).
  pose proof (tsallis_band_pos c r Hc Hr Hr2) as P1.
  pose proof (tsallis_band_pos (- c) r ltac:(lra) Hr ltac:(lra)) as P2.
  replace (- c * - c) with (c * c) in P2 by ring.
  assert (0 < g / 3 * (4 - 3 * c - r * (2 - c * c))) by (apply Rmult_lt_0_compat; lra).
  assert (0 < g / 3 * (4 + 3 * c - r * (2 - c * c))) by (apply Rmult_lt_0_compat; lra).
  unfold Rmax. destruct (Rle_dec s p); lra.
Qed.

Lemma tsallis_op_sparse : forall g s p, 0 < g -> 2 * g <= Rabs (p - s) ->
  tsallis_op g s p = Rmax s p.
Proof.
  intros g s p Hg Hd. unfold tsallis_op.
  destruct (tsallis_sparse g s p Hg) as [H1 H0].
  unfold Rabs in Hd. destruct (Rcase_abs (p - s)).
  - rewrite H0 by lra. rewrite obj_0 by exact H_tsallis_0. rewrite Rmax_left by lra. reflexivity.
  - rewrite H1 by lra. rewrite obj_1 by exact H_tsallis_1. rewrite Rmax_right by lra. reflexivity.
Qed.

(** The two orders of the witness (list head = item processed last): knapsack, C = 1,
    items (theta, w) = (0, 1) and (2, 1), gamma = 1. *)
Definition ts_order_A : list itemR := [(2, 1%nat); (0, 1%nat)].
Definition ts_order_B : list itemR := [(0, 1%nat); (2, 1%nat)].

Lemma ts_value_A : forall op, Rdp op Knapsack ts_order_A 1 = Some (op (op 0 (0 + 0)) (0 + 2)).
Proof. reflexivity. Qed.

Lemma ts_value_B : forall op, Rdp op Knapsack ts_order_B 1 = Some (op (op 0 (0 + 2)) (0 + 0)).
Proof. reflexivity. Qed.

(** THEOREM (tsallis is not permutation invariant): processing (0,1) then (2,1) gives a value
    strictly above 2; processing (2,1) then (0,1) gives exactly 2 (both cells sparse). *)
Theorem tsallis_not_permutation_invariant :
  Permutation.Permutation ts_order_A ts_order_B /\
  exists vA vB, Rdp (tsallis_op 1) Knapsack ts_order_A 1 = Some vA /\
                Rdp (tsallis_op 1) Knapsack ts_order_B 1 = Some vB /\ vB = 2 /\ 2 < vA.
Proof.
  split; [apply Permutation.perm_swap|].
  eexists; eexists; split; [apply ts_value_A|]; split; [apply ts_value_B|]. split.
  - assert (A1 : tsallis_op 1 0 (0 + 2) = 2).
    { rewrite tsallis_op_sparse; [rewrite Rmax_right; lra | lra |].
      unfold Rabs; destruct (Rcase_abs _); lra. }
    rewrite A1.
    rewrite tsallis_op_sparse; [rewrite Rmax_left; lra | lra |].
    unfold Rabs; destruct (Rcase_abs _); lra.
  - set (h := tsallis_op 1 0 (0 + 0)).
    assert (Hh : 0 < h).
    { unfold h. pose proof (tsallis_strict_in_band 1 0 (0 + 0) ltac:(lra)) as S.
      rewrite Rplus_0_l, Rminus_0_r, Rabs_R0, Rmax_left in S by lra. rewrite Rplus_0_l. apply S. lra. }
    assert (Hh2 : h <= 4 / 3).
    { unfold h. pose proof (tsallis_gap 1 0 (0 + 0) ltac:(lra)) as G.
      unfold tsallis_op. rewrite Rmax_left in G by lra.
      assert (Hmax_tsallis <= 4 / 3).
      { unfold Hmax_tsallis. pose proof (sqrt_pos (/ 2)). lra. }
      lra. }
    pose proof (tsallis_strict_in_band 1 h (0 + 2) ltac:(lra)) as S.
    rewrite Rabs_pos_eq in S by lra. rewrite Rmax_right in S by lra.
    assert (0 + 2 < tsallis_op 1 h (0 + 2)) by (apply S; lra). lra.
Qed.

(** ** Sparse marginals are the indicator of the hard optimum *)

(** The hard DP's choice at a cell (ties go to skip, as in SPEC A.2). *)
Definition hpick (m : mode) (t : R) (w : nat) (l : list itemR) (c : nat) : bool :=
  if Nat.leb w c then
    match Rdp Rmax m l c, Rdp Rmax m l (c - w) with
    | Some a, Some b => if Rlt_dec a (b + t) then true else false
    | None, Some _ => true
    | _, None => false
    end
  else false.

(** The hard selection obtained by following the hard DP's choices backwards from c. *)
Fixpoint hsel (m : mode) (l : list itemR) (c : nat) : list bool :=
  match l with
  | [] => []
  | (t, w) :: l' => if hpick m t w l' c then true :: hsel m l' (c - w) else false :: hsel m l' c
  end.

Lemma hsel_length : forall m l c, length (hsel m l c) = length l.
Proof.
  intros m l. induction l as [|[t w] l IH]; intros c; simpl; [reflexivity|].
  destruct (hpick m t w l c); simpl; rewrite IH; reflexivity.
Qed.

(** THEOREM: [hsel] is a hard optimum: it is feasible and its score is the hard value, which is
    at least the score of every feasible set (Bounds.Rdp_hard_upper). *)
Theorem hsel_optimal : forall m l c v, Rdp Rmax m l c = Some v ->
  ok m c (weight l (hsel m l c)) /\ score l (hsel m l c) = v.
Proof.
  intros m l. induction l as [|[t w] l IH]; intros c v Hv.
  - simpl in *. destruct m; simpl in *.
    + injection Hv as <-. split; [lia|reflexivity].
    + destruct (Nat.eqb_spec c 0); [|discriminate]. injection Hv as <-. split; [lia|reflexivity].
  - cbn [Rdp] in Hv. simpl hsel. unfold hpick.
    destruct (Nat.leb_spec w c) as [Hw|Hw].
    + destruct (Rdp Rmax m l c) as [a|] eqn:Ea; destruct (Rdp Rmax m l (c - w)) as [b|] eqn:Eb;
        simpl in Hv.
      * destruct (Rlt_dec a (b + t)) as [Hlt|Hlt].
        -- destruct (IH (c - w)%nat b Eb) as [Hok Hs]. simpl.
           split; [apply ok_pick; split; [lia|exact Hok]|].
           rewrite Hs. injection Hv as <-. rewrite Rmax_right by lra. ring.
        -- destruct (IH c a Ea) as [Hok Hs]. simpl. split; [exact Hok|].
           rewrite Hs. injection Hv as <-. rewrite Rmax_left by lra. ring.
      * destruct (IH c a Ea) as [Hok Hs]. simpl. split; [exact Hok|].
        rewrite Hs. injection Hv as <-. ring.
      * destruct (IH (c - w)%nat b Eb) as [Hok Hs]. simpl.
        split; [apply ok_pick; split; [lia|exact Hok]|].
        rewrite Hs. injection Hv as <-. ring.
      * discriminate.
    + replace (Nat.leb w c) with false in Hv by (symmetry; apply Nat.leb_gt; exact Hw).
      destruct (Rdp Rmax m l c) as [a|] eqn:Ea; simpl in Hv; [|discriminate].
      destruct (IH c a Ea) as [Hok Hs]. simpl. split; [exact Hok|].
      rewrite Hs. injection Hv as <-. ring.
Qed.

(** A table that is, on every suffix, the 0/1 indicator of the hard choice. *)
Fixpoint hard_table (Qf : qtable) (m : mode) (l : list itemR) : Prop :=
  match l with
  | [] => True
  | (t, w) :: l' =>
      (forall c, Qf ((t, w) :: l') c = if hpick m t w l' c then 1 else 0) /\ hard_table Qf m l'
  end.

Lemma pathprob_hard : forall Qf m l c y, hard_table Qf m l -> length y = length l ->
  pathprob Qf l c y = if bool_list_eq_dec y (hsel m l c) then 1 else 0.
Proof.
  intros Qf m l. induction l as [|[t w] l IH]; intros c y Hq Hlen.
  - destruct y; [|discriminate]. simpl. reflexivity.
  - destruct y as [|b y]; [discriminate|]. injection Hlen as Hlen. destruct Hq as [Hq Hq'].
    simpl pathprob. simpl hsel.
    assert (Hfalse : Nat.leb w c = false -> hpick m t w l c = false).
    { intros E. unfold hpick. rewrite E. reflexivity. }
    destruct (Nat.leb w c) eqn:Ew.
    + rewrite Hq. destruct (hpick m t w l c); destruct b; rewrite ?IH by assumption;
        destruct (bool_list_eq_dec y _) as [E|E];
        destruct (bool_list_eq_dec (_ :: y) _) as [E'|E'];
        try (injection E' as E'); try discriminate; try subst; try ring; try congruence.
    + rewrite (Hfalse eq_refl). destruct b.
      * destruct (bool_list_eq_dec (true :: y) _) as [E'|E']; [discriminate|reflexivity].
      * rewrite IH by assumption.
        destruct (bool_list_eq_dec y _) as [E|E];
        destruct (bool_list_eq_dec (false :: y) _) as [E'|E'];
        try (injection E' as E'); try discriminate; try subst; try reflexivity; congruence.
Qed.

(** THEOREM: with a hard 0/1 table, the marginals are the indicator of the hard selection. *)
Theorem marginals_hard_indicator : forall Qf m l C k, hard_table Qf m l -> (k < length l)%nat ->
  nth k (marginals Qf l C) 0 = if nth k (hsel m l C) false then 1 else 0.
Proof.
  intros Qf m l C k Hq Hk. rewrite marginals_are_pick_probabilities by exact Hk.
  set (ys := hsel m l C).
  assert (Hin : In ys (allsel (length l))).
  { rewrite <- (hsel_length m l C). apply allsel_complete. }
  rewrite (sumR_split_one _ ys _ Hin (allsel_NoDup _)).
  rewrite sumR_zero.
  - rewrite (pathprob_hard Qf m l C ys Hq) by (apply hsel_length).
    destruct (bool_list_eq_dec ys (hsel m l C)) as [_|E]; [|exfalso; apply E; reflexivity].
    destruct (nth k ys false); ring.
  - intros y Hy. apply allsel_length in Hy.
    destruct (bool_list_eq_dec y ys) as [_|E]; [reflexivity|].
    rewrite (pathprob_hard Qf m l C y Hq Hy).
    destruct (bool_list_eq_dec y (hsel m l C)) as [E'|_]; [contradiction|].
    destruct (nth k y false); reflexivity.
Qed.

(** Under the gap condition the DP's own table of a smoothed max is the hard 0/1 table. *)
Lemma Qdp_hard_table : forall op qop m l d, 0 < d ->
  (forall s p, d <= p - s -> qop s p = 1) -> (forall s p, p - s <= - d -> qop s p = 0) ->
  (forall s p, d <= Rabs (p - s) -> op s p = Rmax s p) ->
  gaps_ok d m l -> hard_table (Qdp op qop m) m l.
Proof.
  intros op qop m l d Hd Hq1 Hq0 Hop. induction l as [|[t w] l IH]; intros Hgaps; [exact I|].
  destruct Hgaps as [Hg Hc]. split; [|apply IH; exact Hg].
  intros c. rewrite Qdp_cons. unfold hpick.
  destruct (Nat.leb w c) eqn:Ew; [|reflexivity].
  rewrite !(dp_equal_hard op d m l Hop Hg).
  specialize (Hc c). rewrite Ew in Hc.
  destruct (Rdp Rmax m l c) as [a|]; destruct (Rdp Rmax m l (c - w)) as [b|]; simpl in Hc;
    try reflexivity.
  unfold Rabs in Hc. destruct (Rcase_abs (b + t - a)).
  - rewrite Hq0 by lra. destruct (Rlt_dec a (b + t)); [lra|reflexivity].
  - rewrite Hq1 by lra. destruct (Rlt_dec a (b + t)); [reflexivity|lra].
Qed.

Lemma div2g_ge : forall g x k, 0 < g -> k * (2 * g) <= x -> k <= x / (2 * g).
Proof.
  intros g x k Hg H. apply (Rmult_le_reg_r (2 * g)); [lra|]. unfold Rdiv.
  rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. exact H.
Qed.

Lemma div2g_le : forall g x k, 0 < g -> x <= k * (2 * g) -> x / (2 * g) <= k.
Proof.
  intros g x k Hg H. apply (Rmult_le_reg_r (2 * g)); [lra|]. unfold Rdiv.
  rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. exact H.
Qed.

(** THEOREM (gini): if every hard-DP gap is >= gamma, the gini marginals are exactly the
    indicator of the hard optimum [hsel] (feasible, of maximal score: [hsel_optimal]). *)
Theorem gini_marginals_hard_indicator : forall g m l C k, 0 < g -> gaps_ok g m l ->
  (k < length l)%nat ->
  nth k (marginals (Qdp (gini_op g) (q_gini g) m) l C) 0
  = if nth k (hsel m l C) false then 1 else 0.
Proof.
  intros g m l C k Hg Hgaps Hk. apply marginals_hard_indicator; [|exact Hk].
  apply (Qdp_hard_table _ _ m l g Hg); [| | |exact Hgaps].
  - intros s p H. unfold q_gini. apply clip01_hi.
    pose proof (div2g_ge g (p - s) (/ 2) Hg ltac:(lra)). lra.
  - intros s p H. unfold q_gini. apply clip01_lo.
    pose proof (div2g_le g (p - s) (- / 2) Hg ltac:(lra)). lra.
  - intros s p Hd. unfold gini_op. apply gini_value_sparse; assumption.
Qed.

(** THEOREM (tsallis): the same with every hard-DP gap >= 2 gamma. *)
Theorem tsallis_marginals_hard_indicator : forall g m l C k, 0 < g -> gaps_ok (2 * g) m l ->
  (k < length l)%nat ->
  nth k (marginals (Qdp (tsallis_op g) (q_tsallis g) m) l C) 0
  = if nth k (hsel m l C) false then 1 else 0.
Proof.
  intros g m l C k Hg Hgaps Hk. apply marginals_hard_indicator; [|exact Hk].
  apply (Qdp_hard_table _ _ m l (2 * g) ltac:(lra)); [| | |exact Hgaps].
  - intros s p H. apply (tsallis_sparse g s p Hg). exact H.
  - intros s p H. apply (tsallis_sparse g s p Hg). exact H.
  - intros s p Hd. apply tsallis_op_sparse; assumption.
Qed.
