(** Theorem 1: the hard (gamma = 0) DP computes the maximum of <theta, y> over feasible sets.

    Scores are integers (the hard operator only uses +, max, and comparisons, so Z is a faithful
    model of exact arithmetic); -inf is modelled by [None]. *)

From Coq Require Import List Arith Lia ZArith.
From DiffKnap Require Import Common.
Import ListNotations.
Open Scope Z_scope.

Notation itemZ := (Z * nat)%type.

(** <theta, y>. *)
Fixpoint score (l : list itemZ) (y : list bool) : Z :=
  match l, y with
  | (t, _) :: l', b :: y' => (if b then t else 0) + score l' y'
  | _, _ => 0
  end.

(** Row 0 of SPEC A.1: knapsack all zeros; exact zero at c = 0, -inf elsewhere. *)
Definition row0 (m : mode) (c : nat) : option Z :=
  match m with
  | Knapsack => Some 0
  | Exact => if Nat.eqb c 0 then Some 0 else None
  end.

(** Hard two-way max (SPEC A.2, gamma = 0): pick iff p is finite and (s = -inf or p > s);
    ties go to skip. *)
Definition pickb (s p : option Z) : bool :=
  match s, p with
  | _, None => false
  | None, Some _ => true
  | Some a, Some b => Z.ltb a b
  end.

Definition hmax (s p : option Z) : option Z := if pickb s p then p else s.

(** Pick value p = V_{i-1}(c - w_i) + theta_i if c >= w_i, else -inf. *)
Definition pickv (V : nat -> option Z) (t : Z) (w c : nat) : option Z :=
  if Nat.leb w c then option_map (fun v => v + t) (V (c - w)%nat) else None.

(** The forward DP: [dp m (it :: l) c] is V_i(c) where [it] is item i and [l] items 1..i-1. *)
Fixpoint dp (m : mode) (l : list itemZ) (c : nat) : option Z :=
  match l with
  | [] => row0 m c
  | (t, w) :: l' => hmax (dp m l' c) (pickv (dp m l') t w c)
  end.

(** The selection obtained by following the DP's choices from capacity c (ties to skip). *)
Fixpoint argsel (m : mode) (l : list itemZ) (c : nat) : list bool :=
  match l with
  | [] => []
  | (t, w) :: l' =>
      if pickb (dp m l' c) (pickv (dp m l') t w c)
      then true :: argsel m l' (c - w)
      else false :: argsel m l' c
  end.

(** Order on Z extended with -inf. *)
Definition ole (x y : option Z) : Prop :=
  match x, y with
  | None, _ => True
  | Some _, None => False
  | Some a, Some b => a <= b
  end.

Lemma hmax_ge_l : forall s p, ole s (hmax s p).
Proof.
  intros [a|] [b|]; unfold hmax, pickb, ole; simpl; auto; try lia.
  destruct (Z.ltb_spec a b); lia.
Qed.

Lemma hmax_ge_r : forall s p, ole p (hmax s p).
Proof.
  intros [a|] [b|]; unfold hmax, pickb, ole; simpl; auto; try lia.
  destruct (Z.ltb_spec a b); lia.
Qed.

(** Upper bound: every feasible selection has a finite DP value above its score. *)
Lemma dp_upper : forall m l y c,
  length y = length l -> ok m c (weight l y) ->
  exists v, dp m l c = Some v /\ score l y <= v.
Proof.
  intros m l. induction l as [|[t w] l IH]; intros y c Hlen Hok.
  - destruct y; [|discriminate]. simpl in *. destruct m; simpl in *.
    + exists 0; split; [reflexivity|lia].
    + subst c. exists 0; split; [reflexivity|lia].
  - destruct y as [|b y]; [discriminate|]. simpl in Hlen. injection Hlen as Hlen.
    simpl in Hok |- *. destruct b.
    + apply ok_pick in Hok. destruct Hok as [Hw Hok].
      destruct (IH y (c - w)%nat Hlen Hok) as [v [Hv Hle]].
      assert (Hp : pickv (dp m l) t w c = Some (v + t)).
      { unfold pickv. apply Nat.leb_le in Hw. rewrite Hw, Hv. reflexivity. }
      pose proof (hmax_ge_r (dp m l c) (pickv (dp m l) t w c)) as H.
      destruct (hmax (dp m l c) (pickv (dp m l) t w c)) as [v'|];
        rewrite Hp in H;
        simpl in H; [|contradiction].
      exists v'; split; [reflexivity|lia].
    + simpl in Hok. destruct (IH y c Hlen Hok) as [v [Hv Hle]].
      pose proof (hmax_ge_l (dp m l c) (pickv (dp m l) t w c)) as H.
      destruct (hmax (dp m l c) (pickv (dp m l) t w c)) as [v'|];
        rewrite Hv in H;
        simpl in H; [|contradiction].
      exists v'; split; [reflexivity|lia].
Qed.

(** Attainment: when the DP value is finite, the selection traced back from the DP's choices
    is feasible and its score equals the DP value. *)
Lemma dp_attained : forall m l c v,
  dp m l c = Some v ->
  length (argsel m l c) = length l /\ ok m c (weight l (argsel m l c)) /\
  score l (argsel m l c) = v.
Proof.
  intros m l. induction l as [|[t w] l IH]; intros c v Hv.
  - simpl in *. destruct m; simpl in *.
    + injection Hv as <-. repeat split; lia.
    + destruct (Nat.eqb_spec c 0); [|discriminate]. injection Hv as <-.
      repeat split; lia.
  - simpl in Hv |- *. unfold hmax in Hv.
    destruct (pickb (dp m l c) (pickv (dp m l) t w c)) eqn:Hpick.
    + unfold pickv in Hv. destruct (Nat.leb_spec w c) as [Hw|Hw]; [|discriminate].
      destruct (dp m l (c - w)%nat) as [v0|] eqn:H0; [|discriminate].
      simpl in Hv. injection Hv as <-.
      destruct (IH (c - w)%nat v0 H0) as [H1 [H2 H3]].
      simpl. repeat split; [congruence| |lia].
      apply ok_pick. split; assumption.
    + destruct (IH c v Hv) as [H1 [H2 H3]]. simpl. repeat split; [congruence|exact H2|lia].
Qed.

(** -inf means infeasible (only possible for [Exact]). *)
Lemma dp_none_infeasible : forall m l c,
  dp m l c = None -> forall y, length y = length l -> ~ ok m c (weight l y).
Proof.
  intros m l c Hn y Hlen Hok. destruct (dp_upper m l y c Hlen Hok) as [v [Hv _]]. congruence.
Qed.

Lemma dp_knapsack_finite : forall l c, exists v, dp Knapsack l c = Some v.
Proof.
  intros l c. destruct (dp_upper Knapsack l (repeat false (length l)) c) as [v [Hv _]].
  - apply repeat_length.
  - simpl. clear. induction l as [|[t w] l IH]; simpl; lia.
  - exists v; exact Hv.
Qed.

(** THEOREM 1 (hard DP = maximum over feasible sets), for both constraints:
    (a) the DP value is an upper bound on the score of every feasible set (and finite then);
    (b) if the DP value is finite, it is attained by the feasible set traced back from the DP
        choices (ties to skip);
    (c) if the DP value is -inf, there is no feasible set. *)
Theorem hard_dp_is_max : forall m l C,
  (forall y, length y = length l -> ok m C (weight l y) ->
     exists v, dp m l C = Some v /\ score l y <= v) /\
  (forall v, dp m l C = Some v ->
     let y := argsel m l C in
     length y = length l /\ ok m C (weight l y) /\ score l y = v) /\
  (dp m l C = None -> forall y, length y = length l -> ~ ok m C (weight l y)).
Proof.
  intros m l C. split; [|split].
  - intros y; apply dp_upper.
  - intros v Hv. apply dp_attained; exact Hv.
  - apply dp_none_infeasible.
Qed.

(** Small sanity check by computation: items (theta, w) processed as 1:(3,2), 2:(2,1), 3:(4,2)
    (list written last-first), capacity 3: best knapsack set {2,3} of value 6. *)
Example hard_dp_example :
  dp Knapsack [(4, 2%nat); (2, 1%nat); (3, 2%nat)] 3 = Some 6
  /\ argsel Knapsack [(4, 2%nat); (2, 1%nat); (3, 2%nat)] 3 = [true; true; false].
Proof. split; reflexivity. Qed.

(** ** The same theorem with the items in processing order

    [items] lists item 1 first; the DP runs on [rev items] (our list convention) and selections
    [y] are aligned with [items]. *)

Lemma score_app : forall l1 l2 y1 y2, length y1 = length l1 ->
  score (l1 ++ l2) (y1 ++ y2) = score l1 y1 + score l2 y2.
Proof.
  induction l1 as [|[t w] l1 IH]; intros l2 y1 y2 H; destruct y1 as [|b y1]; simpl in *;
    try discriminate; [lia|]. rewrite IH by lia. lia.
Qed.

Lemma weight_app : forall {A} (l1 l2 : list (A * nat)) y1 y2, length y1 = length l1 ->
  weight (l1 ++ l2) (y1 ++ y2) = (weight l1 y1 + weight l2 y2)%nat.
Proof.
  intros A. induction l1 as [|[t w] l1 IH]; intros l2 y1 y2 H; destruct y1 as [|b y1];
    simpl in *; try discriminate; [lia|]. rewrite IH by lia. lia.
Qed.

Lemma score_rev : forall l y, length y = length l -> score (rev l) (rev y) = score l y.
Proof.
  induction l as [|[t w] l IH]; intros y H; destruct y as [|b y]; simpl in *; try discriminate;
    [reflexivity|].
  rewrite score_app by (rewrite !rev_length; lia). rewrite IH by lia. simpl. lia.
Qed.

Lemma weight_rev : forall {A} (l : list (A * nat)) y, length y = length l ->
  weight (rev l) (rev y) = weight l y.
Proof.
  intros A. induction l as [|[t w] l IH]; intros y H; destruct y as [|b y]; simpl in *;
    try discriminate; [reflexivity|].
  rewrite weight_app by (rewrite !rev_length; lia). rewrite IH by lia. simpl. lia.
Qed.

Theorem hard_dp_is_max_in_order : forall m items C,
  let V := dp m (rev items) C in
  (forall y, length y = length items -> ok m C (weight items y) ->
     exists v, V = Some v /\ score items y <= v) /\
  (forall v, V = Some v ->
     let y := rev (argsel m (rev items) C) in
     length y = length items /\ ok m C (weight items y) /\ score items y = v) /\
  (V = None -> forall y, length y = length items -> ~ ok m C (weight items y)).
Proof.
  intros m items C V.
  destruct (hard_dp_is_max m (rev items) C) as [H1 [H2 H3]].
  split; [|split].
  - intros y Hy Hok. destruct (H1 (rev y)) as [v [Hv Hle]].
    + rewrite !rev_length. exact Hy.
    + rewrite weight_rev by exact Hy. exact Hok.
    + exists v. split; [exact Hv|]. rewrite score_rev in Hle by exact Hy. exact Hle.
  - intros v Hv y. destruct (H2 v Hv) as [Hl [Hok Hs]].
    assert (Hly : length y = length items).
    { unfold y. rewrite rev_length, Hl, rev_length. reflexivity. }
    split; [exact Hly|].
    assert (Hr : rev y = argsel m (rev items) C) by (unfold y; apply rev_involutive).
    split.
    + rewrite <- (weight_rev items y Hly). rewrite Hr. exact Hok.
    + rewrite <- (score_rev items y Hly). rewrite Hr. exact Hs.
  - intros Hn y Hy Hok. apply (H3 Hn (rev y)).
    + rewrite !rev_length. exact Hy.
    + rewrite weight_rev by exact Hy. exact Hok.
Qed.
