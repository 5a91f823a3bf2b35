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

(** ** From adjacent transpositions to arbitrary permutations *)

Definition apply_swaps {A : Type} (js : list nat) (l : list A) : list A :=
  fold_left (fun acc j => swapn j acc) js l.

(** Index map of a sequence of swaps: position k after all swaps came from [taus js k]. *)
Fixpoint taus (js : list nat) (k : nat) : nat :=
  match js with [] => k | j :: js' => tau j (taus js' k) end.

Definition valid_swaps (js : list nat) (n : nat) : Prop := Forall (fun j => (S j < n)%nat) js.

Lemma apply_swaps_length : forall {A} js (l : list A), length (apply_swaps js l) = length l.
Proof.
  intros A js. induction js as [|j js IH]; intros l; simpl; [reflexivity|].
  unfold apply_swaps in *. simpl. rewrite IH, swapn_length. reflexivity.
Qed.

Lemma apply_swaps_skip : forall {A} js (x : A) l,
  apply_swaps (map S js) (x :: l) = x :: apply_swaps js l.
Proof.
  intros A js. induction js as [|j js IH]; intros x l; [reflexivity|].
  unfold apply_swaps in *. simpl. apply IH.
Qed.

Lemma apply_swaps_app : forall {A} js1 js2 (l : list A),
  apply_swaps (js1 ++ js2) l = apply_swaps js2 (apply_swaps js1 l).
Proof. intros. unfold apply_swaps. apply fold_left_app. Qed.

(** Every permutation is a sequence of valid adjacent transpositions. *)
Lemma perm_as_swaps : forall {A} (l l' : list A), Permutation l l' ->
  exists js, valid_swaps js (length l) /\ l' = apply_swaps js l.
Proof.
  intros A l l' HP. induction HP as [| x l l' HP IH | x y l | l l' l'' H1 IH1 H2 IH2].
  - exists []. split; [constructor|reflexivity].
  - destruct IH as [js [Hv ->]]. exists (map S js). split.
    + unfold valid_swaps in *. apply Forall_map. simpl.
      eapply Forall_impl; [|exact Hv]. simpl. intros; lia.
    + rewrite apply_swaps_skip. reflexivity.
  - exists [0%nat]. split; [|reflexivity].
    unfold valid_swaps. constructor; [simpl; lia | constructor].
  - destruct IH1 as [js1 [Hv1 ->]]. destruct IH2 as [js2 [Hv2 ->]].
    exists (js1 ++ js2). split.
    + unfold valid_swaps in *. apply Forall_app. split; [exact Hv1|].
      rewrite apply_swaps_length in Hv2. exact Hv2.
    + rewrite apply_swaps_app. reflexivity.
Qed.

Lemma tau_lt : forall j k n, (S j < n)%nat -> (k < n)%nat -> (tau j k < n)%nat.
Proof.
  intros j k n Hj Hk. unfold tau.
  destruct (Nat.eqb_spec k j); [lia|]. destruct (Nat.eqb_spec k (S j)); lia.
Qed.

Lemma taus_lt : forall js k n, valid_swaps js n -> (k < n)%nat -> (taus js k < n)%nat.
Proof.
  induction js as [|j js IH]; intros k n Hv Hk; simpl; [exact Hk|].
  inversion Hv; subst. apply tau_lt; auto.
Qed.

Lemma nth_apply_swaps : forall {A} js (l : list A) k d, valid_swaps js (length l) ->
  (k < length l)%nat -> nth k (apply_swaps js l) d = nth (taus js k) l d.
Proof.
  intros A js. induction js as [|j js IH] using rev_ind; intros l k d Hv Hk; [reflexivity|].
  unfold valid_swaps in Hv. apply Forall_app in Hv. destruct Hv as [Hv Hj].
  inversion Hj; subst.
  rewrite apply_swaps_app. unfold apply_swaps at 1. simpl.
  rewrite nth_swapn by (rewrite apply_swaps_length; exact H1).
  rewrite IH by (auto; apply tau_lt; auto).
  f_equal. clear. induction js as [|j' js IH]; simpl; [reflexivity|]. rewrite IH. reflexivity.
Qed.

Lemma marginals_apply_swaps : forall g m js l C k, 0 < g -> 0 < Zdp g m l C ->
  valid_swaps js (length l) -> (k < length l)%nat ->
  nth k (marginals (Qshannon g m) (apply_swaps js l) C) 0
  = nth (taus js k) (marginals (Qshannon g m) l C) 0.
Proof.
  intros g m js. induction js as [|j js IH] using rev_ind; intros l C k Hg HZ Hv Hk;
    [reflexivity|].
  unfold valid_swaps in Hv. apply Forall_app in Hv. destruct Hv as [Hv Hj].
  inversion Hj; subst.
  rewrite apply_swaps_app. unfold apply_swaps at 1. simpl.
  assert (HZ' : 0 < Zdp g m (apply_swaps js l) C).
  { rewrite (Zdp_perm g m (apply_swaps js l) l); [exact HZ|].
    clear. revert l. induction js as [|j js IH]; intros l; [reflexivity|].
    unfold apply_swaps in *. simpl. eapply perm_trans; [apply IH|]. apply swapn_perm. }
  rewrite shannon_marginals_swap; auto; rewrite ?apply_swaps_length; auto.
  rewrite IH by (auto; apply tau_lt; auto).
  f_equal. clear. induction js as [|j' js IH]; simpl; [reflexivity|]. rewrite IH. reflexivity.
Qed.

Lemma tau_invol : forall j k, tau j (tau j k) = k.
Proof.
  intros j k. unfold tau.
  destruct (Nat.eqb_spec k j) as [->|H1].
  - rewrite (proj2 (Nat.eqb_neq (S j) j)) by lia. rewrite Nat.eqb_refl. reflexivity.
  - destruct (Nat.eqb_spec k (S j)) as [->|H2].
    + rewrite Nat.eqb_refl. reflexivity.
    + rewrite (proj2 (Nat.eqb_neq k j)) by exact H1.
      rewrite (proj2 (Nat.eqb_neq k (S j))) by exact H2. reflexivity.
Qed.

Lemma taus_inj : forall js a b, taus js a = taus js b -> a = b.
Proof.
  induction js as [|j js IH]; intros a b H; simpl in H; [exact H|].
  apply IH. rewrite <- (tau_invol j (taus js a)), <- (tau_invol j (taus js b)), H.
  reflexivity.
Qed.

(** THEOREM (Shannon permutation equivariance of the marginals): if l' is a permutation of l
    (and Z_n(C) > 0), there is an index map sigma of [0, n) -- realised by a sequence of adjacent
    transpositions -- with item_k(l') = item_sigma(k)(l) and y_k(l') = y_sigma(k)(l) for all
    k < n. *)
Theorem shannon_marginals_equivariant : forall g m l l' C, 0 < g -> 0 < Zdp g m l C ->
  Permutation l l' ->
  exists sigma : nat -> nat,
    (forall k, (k < length l)%nat -> (sigma k < length l)%nat) /\
    (forall a b, sigma a = sigma b -> a = b) /\
    (forall k d, (k < length l)%nat -> nth k l' d = nth (sigma k) l d) /\
    (forall k, (k < length l)%nat ->
       nth k (marginals (Qshannon g m) l' C) 0 = nth (sigma k) (marginals (Qshannon g m) l C) 0).
Proof.
  intros g m l l' C Hg HZ HP.
  destruct (perm_as_swaps l l' HP) as [js [Hv ->]].
  exists (taus js). split; [|split; [|split]].
  - intros k Hk. apply taus_lt; auto.
  - apply taus_inj.
  - intros k d Hk. apply nth_apply_swaps; auto.
  - intros k Hk. apply marginals_apply_swaps; auto.
Qed.
