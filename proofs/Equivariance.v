(** Shannon equivariance of the marginals: swapping two adjacent items swaps their marginals
    and leaves all other marginals (and V) unchanged.  Adjacent transpositions generate all
    permutations, so this is equivariance under every permutation, applied one transposition at
    a time (the composition itself is not formalised). *)

From Coq Require Import List Arith Lia Reals Lra Permutation.
From DiffKnap Require Import Common ShannonDP Sampler Marginals.
Import ListNotations.
Open Scope R_scope.

(** Swap the elements at positions j and j+1 (no-op if the list is too short). *)
Fixpoint swapn {A : Type} (j : nat) (l : list A) : list A :=
  match j, l with
  | O, a :: b :: r => b :: a :: r
  | S j', a :: r => a :: swapn j' r
  | _, _ => l
  end.

(** The transposition of indices j and j+1. *)
Definition tau (j k : nat) : nat :=
  if Nat.eqb k j then S j else if Nat.eqb k (S j) then j else k.

Lemma swapn_length : forall {A} j (l : list A), length (swapn j l) = length l.
Proof.
  intros A j. induction j as [|j IH]; intros l.
  - destruct l as [|a [|b r]]; reflexivity.
  - destruct l as [|a r]; simpl; [reflexivity|]. rewrite IH. reflexivity.
Qed.

Lemma swapn_perm : forall {A} j (l : list A), Permutation (swapn j l) l.
Proof.
  intros A j. induction j as [|j IH]; intros l.
  - destruct l as [|a [|b r]]; try reflexivity. apply perm_swap.
  - destruct l as [|a r]; simpl; [reflexivity|]. apply perm_skip, IH.
Qed.

Lemma nth_swapn : forall {A} j k (l : list A) d, (S j < length l)%nat ->
  nth k (swapn j l) d = nth (tau j k) l d.
Proof.
  intros A j. unfold tau. induction j as [|j IH]; intros k l d Hl.
  - destruct l as [|a [|b r]]; simpl in Hl; try lia.
    destruct k as [|[|k]]; reflexivity.
  - destruct l as [|a r]; simpl in Hl; [lia|]. simpl swapn.
    destruct k as [|k]; [reflexivity|]. simpl nth. rewrite IH by lia.
    destruct (Nat.eqb_spec k j); destruct (Nat.eqb_spec (S k) (S j)); try lia;
    destruct (Nat.eqb_spec k (S j)); destruct (Nat.eqb_spec (S k) (S (S j))); try lia;
    subst; reflexivity.
Qed.

Lemma weight_swapn : forall j (l : list itemR) y, length y = length l ->
  weight (swapn j l) (swapn j y) = weight l y.
Proof.
  induction j as [|j IH]; intros l y Hlen.
  - destruct l as [|[ta wa] [|[tb wb] r]]; destruct y as [|x1 [|x2 y]]; simpl in *;
      try discriminate; try reflexivity. lia.
  - destruct l as [|[t w] r]; destruct y as [|x y]; simpl in *; try discriminate;
      try reflexivity. rewrite IH by lia. reflexivity.
Qed.

Lemma score_swapn : forall j (l : list itemR) y, length y = length l ->
  score (swapn j l) (swapn j y) = score l y.
Proof.
  induction j as [|j IH]; intros l y Hlen.
  - destruct l as [|[ta wa] [|[tb wb] r]]; destruct y as [|x1 [|x2 y]]; simpl in *;
      try discriminate; try reflexivity. ring.
  - destruct l as [|[t w] r]; destruct y as [|x y]; simpl in *; try discriminate;
      try reflexivity. rewrite IH by lia. reflexivity.
Qed.

Lemma gibbs_swapn : forall g m j (l : list itemR) C y, length y = length l ->
  gibbs g m (swapn j l) C (swapn j y) = gibbs g m l C y.
Proof.
  intros g m j l C y H. unfold gibbs. rewrite weight_swapn, score_swapn by exact H.
  reflexivity.
Qed.

Lemma sumR_map_app : forall (f : list bool -> R) L1 L2,
  sumR (map f (L1 ++ L2)) = sumR (map f L1) + sumR (map f L2).
Proof. intros. rewrite map_app, sumR_app. reflexivity. Qed.

(** The sum over all selections is invariant under swapping two adjacent coordinates. *)
Lemma sum_allsel_swapn : forall j n (F : list bool -> R),
  sumR (map (fun y => F (swapn j y)) (allsel n)) = sumR (map F (allsel n)).
Proof.
  induction j as [|j IH]; intros n F.
  - destruct n as [|[|n]].
    + reflexivity.
    + simpl. reflexivity.
    + cbn [allsel]. repeat first [rewrite map_app | rewrite map_map | rewrite sumR_app].
      simpl swapn. ring.
  - destruct n as [|n]; [reflexivity|]. cbn [allsel].
    repeat first [rewrite map_app | rewrite map_map | rewrite sumR_app]. simpl swapn.
    rewrite (IH n (fun y => F (false :: y))), (IH n (fun y => F (true :: y))). reflexivity.
Qed.

(** Gibbs marginal of position k. *)
Definition gibbs_marg (g : R) (m : mode) (l : list itemR) (C k : nat) : R :=
  sumR (map (fun y => if nth k y false then gibbs g m l C y else 0) (allsel (length l)))
  / Zdp g m l C.

Lemma gibbs_marg_swapn : forall g m j l C k, (S j < length l)%nat ->
  gibbs_marg g m (swapn j l) C k = gibbs_marg g m l C (tau j k).
Proof.
  intros g m j l C k Hj. unfold gibbs_marg.
  rewrite (Zdp_perm g m (swapn j l) l (swapn_perm j l)). f_equal.
  rewrite swapn_length.
  rewrite <- (sum_allsel_swapn j (length l)).
  apply sumR_ext. intros y Hy. apply allsel_length in Hy.
  rewrite nth_swapn by lia. rewrite gibbs_swapn by exact Hy. reflexivity.
Qed.

(** THEOREM (Shannon equivariance of the marginals under an adjacent transposition): the
    marginal of position k after swapping items j and j+1 is the marginal of position tau_j(k)
    before; the value V is unchanged (ShannonDP.shannon_permutation_invariance). *)
Theorem shannon_marginals_swap : forall g m j l C k, 0 < g -> 0 < Zdp g m l C ->
  (S j < length l)%nat -> (k < length l)%nat ->
  nth k (marginals (Qshannon g m) (swapn j l) C) 0
  = nth (tau j k) (marginals (Qshannon g m) l C) 0.
Proof.
  intros g m j l C k Hg HZ Hj Hk.
  assert (HZ' : 0 < Zdp g m (swapn j l) C)
    by (rewrite (Zdp_perm g m (swapn j l) l (swapn_perm j l)); exact HZ).
  assert (Htk : (tau j k < length l)%nat).
  { unfold tau. destruct (Nat.eqb_spec k j); [lia|]. destruct (Nat.eqb_spec k (S j)); lia. }
  rewrite shannon_marginals_are_gibbs by (rewrite ?swapn_length; auto).
  rewrite shannon_marginals_are_gibbs by auto.
  apply gibbs_marg_swapn. exact Hj.
Qed.
