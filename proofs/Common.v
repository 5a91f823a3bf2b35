(** Common definitions: items, selection vectors, feasibility.

    An instance is a list of items [(theta, w)].  The DP processes item 1 first and item n last;
    in these models the list is written in *reverse processing order*: the head of the list is
    the item processed last (item n), and [l] in [it :: l] is the instance made of items 1..n-1.
    This matches the recursion V_i = F(V_{i-1}) directly.  A selection is a vector
    [y : list bool] aligned with the list (y_i = true means item i is picked). *)

From Coq Require Import List Arith Lia.
Import ListNotations.

(** Weight of a selection: sum of w_i y_i. *)
Fixpoint weight {A : Type} (l : list (A * nat)) (y : list bool) : nat :=
  match l, y with
  | (_, w) :: l', b :: y' => (if b then w else 0) + weight l' y'
  | _, _ => 0
  end.

(** The two constraints of SPEC A.1. *)
Inductive mode := Knapsack | Exact.

(** Feasibility of total weight [wt] for capacity [c]. *)
Definition ok (m : mode) (c wt : nat) : Prop :=
  match m with Knapsack => wt <= c | Exact => wt = c end.

Definition okb (m : mode) (c wt : nat) : bool :=
  match m with Knapsack => Nat.leb wt c | Exact => Nat.eqb wt c end.

Lemma okb_ok : forall m c wt, okb m c wt = true <-> ok m c wt.
Proof.
  intros [] c wt; simpl; [apply Nat.leb_le | apply Nat.eqb_eq].
Qed.

(** Taking an item of weight [w] changes the remaining capacity from [c] to [c - w]. *)
Lemma ok_pick : forall m c w wt, ok m c (w + wt) <-> (w <= c /\ ok m (c - w) wt).
Proof. intros [] c w wt; simpl; lia. Qed.

Lemma okb_pick : forall m c w wt,
  okb m c (w + wt) = andb (Nat.leb w c) (okb m (c - w) wt).
Proof.
  intros m c w wt.
  destruct (okb m c (w + wt)) eqn:E; symmetry.
  - apply okb_ok in E. apply ok_pick in E. destruct E as [H1 H2].
    apply andb_true_intro; split; [apply Nat.leb_le; exact H1 | apply okb_ok; exact H2].
  - apply Bool.not_true_iff_false. intro H. apply andb_prop in H. destruct H as [H1 H2].
    apply Nat.leb_le in H1. apply okb_ok in H2.
    assert (ok m c (w + wt)) by (apply ok_pick; auto).
    apply okb_ok in H. congruence.
Qed.

Lemma okb_pick_big : forall m c w wt, c < w -> okb m c (w + wt) = false.
Proof.
  intros m c w wt H. rewrite okb_pick. replace (Nat.leb w c) with false; [reflexivity|].
  symmetry. apply Nat.leb_gt. exact H.
Qed.

(** All 2^n selection vectors of length n. *)
Fixpoint allsel (n : nat) : list (list bool) :=
  match n with
  | 0 => [ [] ]
  | S n' => map (cons false) (allsel n') ++ map (cons true) (allsel n')
  end.

Lemma allsel_length : forall n y, In y (allsel n) -> length y = n.
Proof.
  induction n as [|n IH]; simpl; intros y H.
  - destruct H as [H|[]]; subst; reflexivity.
  - apply in_app_or in H. destruct H as [H|H]; apply in_map_iff in H;
      destruct H as [y' [<- H]]; simpl; f_equal; auto.
Qed.

Lemma allsel_complete : forall y, In y (allsel (length y)).
Proof.
  induction y as [|b y IH]; simpl; [left; reflexivity|].
  apply in_or_app. destruct b; [right|left]; apply in_map; exact IH.
Qed.

Lemma NoDup_app_disj {A : Type} : forall (l1 l2 : list A),
  NoDup l1 -> NoDup l2 -> (forall x, In x l1 -> ~ In x l2) -> NoDup (l1 ++ l2).
Proof.
  induction l1 as [|a l1 IH]; simpl; intros l2 H1 H2 H; [exact H2|].
  inversion H1; subst. constructor.
  - intro Hin. apply in_app_or in Hin. destruct Hin as [Hin|Hin]; [contradiction|].
    exact (H a (or_introl eq_refl) Hin).
  - apply IH; auto.
Qed.

Lemma NoDup_map_cons : forall (b : bool) (l : list (list bool)),
  NoDup l -> NoDup (map (cons b) l).
Proof.
  intros b l H. induction H as [|x l Hx H IH]; simpl; constructor; auto.
  intro Hin. apply in_map_iff in Hin. destruct Hin as [x' [E Hin]].
  injection E as ->. contradiction.
Qed.

Lemma allsel_NoDup : forall n, NoDup (allsel n).
Proof.
  induction n as [|n IH]; simpl.
  - constructor; [intros []| constructor].
  - apply NoDup_app_disj.
    + apply NoDup_map_cons; exact IH.
    + apply NoDup_map_cons; exact IH.
    + intros y H1 H2. apply in_map_iff in H1, H2.
      destruct H1 as [? [<- _]]. destruct H2 as [? [H _]]. discriminate.
Qed.
