(** The multilinear extension of a submodular set function is bilinear with a nonpositive cross
    term in any two coordinates; hence (with PairRounding.pair_rounding_no_loss) the mean-zero
    pair rounding step satisfies E[F(x')] >= F(x) (SPEC Part B, "F is convex along d"). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP PairRounding.
Import ListNotations.
Open Scope R_scope.

(** A set function on n items: f : list bool -> R (sets as indicator vectors).
    Multilinear extension F(x) = E[f(R(x))], R(x) containing item k independently with
    probability x_k, written by conditioning on the first coordinate. *)
Fixpoint ML (n : nat) (f : list bool -> R) (x : vec) : R :=
  match n with
  | O => f []
  | S n' => (1 - x 0%nat) * ML n' (fun s => f (false :: s)) (fun k => x (S k))
            + x 0%nat * ML n' (fun s => f (true :: s)) (fun k => x (S k))
  end.

(** Probability that R(x) = S (independent coordinates). *)
Fixpoint probR (x : vec) (s : list bool) : R :=
  match s with
  | [] => 1
  | b :: s' => (if b then x 0%nat else 1 - x 0%nat) * probR (fun k => x (S k)) s'
  end.

(** [ML] is the multilinear extension of SPEC Part B: F(x) = sum_S f(S) P(R(x) = S). *)
Lemma ML_is_expectation : forall n f x,
  ML n f x = sumR (map (fun s => f s * probR x s) (allsel n)).
Proof.
  induction n as [|n IH]; intros f x; simpl; [ring|].
  rewrite map_app, sumR_app, !map_map. simpl probR.
  rewrite (IH (fun s => f (false :: s))), (IH (fun s => f (true :: s))).
  rewrite <- !sumR_scale. f_equal; apply sumR_ext; intros; ring.
Qed.

(** Set coordinate k of s to b (no-op beyond the length). *)
Fixpoint upd (s : list bool) (k : nat) (b : bool) : list bool :=
  match s, k with
  | [], _ => []
  | _ :: s', O => b :: s'
  | c :: s', S k' => c :: upd s' k' b
  end.

(** Discrete derivative in coordinate k. *)
Definition delta (k : nat) (f : list bool -> R) : list bool -> R :=
  fun s => f (upd s k true) - f (upd s k false).

Lemma ML_ext : forall n f g x y, (forall s, f s = g s) -> (forall i, x i = y i) ->
  ML n f x = ML n g y.
Proof.
  induction n as [|n IH]; intros f g x y Hf Hx; simpl; [apply Hf|].
  rewrite (IH (fun s => f (false :: s)) (fun s => g (false :: s)) _ (fun k => y (S k))),
          (IH (fun s => f (true :: s)) (fun s => g (true :: s)) _ (fun k => y (S k))), Hx;
    auto.
Qed.

Lemma ML_minus : forall n f g x, ML n (fun s => f s - g s) x = ML n f x - ML n g x.
Proof.
  induction n as [|n IH]; intros f g x; simpl; [reflexivity|].
  rewrite (IH (fun s => f (false :: s)) (fun s => g (false :: s))),
          (IH (fun s => f (true :: s)) (fun s => g (true :: s))). ring.
Qed.

Definition inbox_all (x : vec) : Prop := forall i, 0 <= x i <= 1.

Lemma ML_nonpos : forall n f x, inbox_all x -> (forall s, length s = n -> f s <= 0) ->
  ML n f x <= 0.
Proof.
  induction n as [|n IH]; intros f x Hx Hf; simpl; [apply Hf; reflexivity|].
  assert (H0 : ML n (fun s => f (false :: s)) (fun k => x (S k)) <= 0)
    by (apply IH; [intros i; apply Hx | intros s Hs; apply Hf; simpl; rewrite Hs; reflexivity]).
  assert (H1 : ML n (fun s => f (true :: s)) (fun k => x (S k)) <= 0)
    by (apply IH; [intros i; apply Hx | intros s Hs; apply Hf; simpl; rewrite Hs; reflexivity]).
  pose proof (Hx 0%nat). nra.
Qed.

(** Moving one coordinate: F(x + u e_k) = F(x) + u F_{delta_k f}(x). *)
Lemma ML_affine : forall n f x k u,
  ML n f (fun i => x i + (if Nat.eqb i k then u else 0))
  = ML n f x + u * ML n (delta k f) x.
Proof.
  induction n as [|n IH]; intros f x k u.
  - simpl. unfold delta. simpl. ring.
  - destruct k as [|k].
    + cbn [ML]. simpl Nat.eqb. cbv beta iota.
      rewrite (ML_ext n (fun s => f (false :: s)) (fun s => f (false :: s))
                 (fun i => x (S i) + 0) (fun i => x (S i))) by (intros; ring || reflexivity).
      rewrite (ML_ext n (fun s => f (true :: s)) (fun s => f (true :: s))
                 (fun i => x (S i) + 0) (fun i => x (S i))) by (intros; ring || reflexivity).
      rewrite (ML_ext n (fun s => delta 0 f (false :: s)) (fun s => f (true :: s) - f (false :: s))
                 (fun i => x (S i)) (fun i => x (S i))) by (intros; reflexivity).
      rewrite (ML_ext n (fun s => delta 0 f (true :: s)) (fun s => f (true :: s) - f (false :: s))
                 (fun i => x (S i)) (fun i => x (S i))) by (intros; reflexivity).
      rewrite !ML_minus. ring.
    + cbn [ML]. simpl Nat.eqb. cbv beta iota.
      rewrite (IH (fun s => f (false :: s)) (fun i => x (S i)) k u).
      rewrite (IH (fun s => f (true :: s)) (fun i => x (S i)) k u).
      rewrite (ML_ext n (fun s => delta (S k) f (false :: s)) (delta k (fun s => f (false :: s)))
                 (fun i => x (S i)) (fun i => x (S i))) by (intros; reflexivity).
      rewrite (ML_ext n (fun s => delta (S k) f (true :: s)) (delta k (fun s => f (true :: s)))
                 (fun i => x (S i)) (fun i => x (S i))) by (intros; reflexivity).
      rewrite Rplus_0_r. ring.
Qed.

(** Moving two coordinates: F is bilinear in (x_a, x_b), with cross term F_{delta_a delta_b f}. *)
Lemma ML_bilinear : forall n f x a b u v,
  ML n f (fun i => x i + (if Nat.eqb i a then u else 0) + (if Nat.eqb i b then v else 0))
  = ML n f x + u * ML n (delta a f) x + v * ML n (delta b f) x
    + u * v * ML n (delta a (delta b f)) x.
Proof.
  intros n f x a b u v.
  rewrite (ML_affine n f (fun i => x i + (if Nat.eqb i a then u else 0)) b v).
  rewrite (ML_affine n f x a u), (ML_affine n (delta b f) x a u). ring.
Qed.

(** ** Submodularity *)

Fixpoint zipor (A B : list bool) : list bool :=
  match A, B with a :: A', b :: B' => (a || b)%bool :: zipor A' B' | _, _ => [] end.
Fixpoint zipand (A B : list bool) : list bool :=
  match A, B with a :: A', b :: B' => (a && b)%bool :: zipand A' B' | _, _ => [] end.

(** f(A u B) + f(A n B) <= f(A) + f(B) for all sets A, B of the n items. *)
Definition submodular (n : nat) (f : list bool -> R) : Prop :=
  forall A B, length A = n -> length B = n -> f (zipor A B) + f (zipand A B) <= f A + f B.

Lemma upd_length : forall s k c, length (upd s k c) = length s.
Proof. induction s as [|x s IH]; intros [|k] c; simpl; auto. Qed.

Lemma nth_upd : forall s k c i, (k < length s)%nat ->
  nth i (upd s k c) false = if Nat.eqb i k then c else nth i s false.
Proof.
  induction s as [|x s IH]; intros k c i Hk; simpl in Hk; [lia|].
  destruct k as [|k]; destruct i as [|i]; simpl; try reflexivity; apply IH; lia.
Qed.

Lemma zipor_length : forall A B, length A = length B -> length (zipor A B) = length A.
Proof. induction A as [|a A IH]; intros [|b B] H; simpl in *; auto; discriminate. Qed.

Lemma zipand_length : forall A B, length A = length B -> length (zipand A B) = length A.
Proof. induction A as [|a A IH]; intros [|b B] H; simpl in *; auto; discriminate. Qed.

Lemma nth_zipor : forall A B i, length A = length B ->
  nth i (zipor A B) false = (nth i A false || nth i B false)%bool.
Proof.
  induction A as [|a A IH]; intros [|b B] i H; simpl in *; try discriminate;
    destruct i; auto.
Qed.

Lemma nth_zipand : forall A B i, length A = length B ->
  nth i (zipand A B) false = (nth i A false && nth i B false)%bool.
Proof.
  induction A as [|a A IH]; intros [|b B] i H; simpl in *; try discriminate;
    destruct i; auto.
Qed.

(** Submodularity gives a nonpositive second difference in any two distinct coordinates. *)
Lemma submodular_second_difference : forall n f a b, submodular n f ->
  a <> b -> (a < n)%nat -> (b < n)%nat ->
  forall s, length s = n -> delta a (delta b f) s <= 0.
Proof.
  intros n f a b Hf Hab Ha Hb s Hs. unfold delta.
  set (A := upd (upd s a true) b false). set (B := upd (upd s a false) b true).
  assert (LA : length A = n) by (unfold A; rewrite !upd_length; exact Hs).
  assert (LB : length B = n) by (unfold B; rewrite !upd_length; exact Hs).
  assert (Eor : zipor A B = upd (upd s a true) b true).
  { apply nth_ext with false false.
    - rewrite zipor_length, !upd_length by lia. unfold A. rewrite !upd_length. reflexivity.
    - intros i Hi. rewrite zipor_length in Hi by lia. rewrite nth_zipor by lia.
      unfold A, B. rewrite !nth_upd by (rewrite ?upd_length; lia).
      destruct (Nat.eqb_spec i b); destruct (Nat.eqb_spec i a); try lia; simpl;
        try reflexivity; destruct (nth i s false); reflexivity. }
  assert (Eand : zipand A B = upd (upd s a false) b false).
  { apply nth_ext with false false.
    - rewrite zipand_length, !upd_length by lia. unfold A. rewrite !upd_length. reflexivity.
    - intros i Hi. rewrite zipand_length in Hi by lia. rewrite nth_zipand by lia.
      unfold A, B. rewrite !nth_upd by (rewrite ?upd_length; lia).
      destruct (Nat.eqb_spec i b); destruct (Nat.eqb_spec i a); try lia; simpl;
        try reflexivity; destruct (nth i s false); reflexivity. }
  pose proof (Hf A B LA LB) as H. rewrite Eor, Eand in H. lra.
Qed.

(** THEOREM (SPEC Part B: "F is convex along d by submodularity, so E[F(x')] >= F(x)"): for the
    multilinear extension F of a submodular f on n items, x in [0,1]^n (coordinates >= n are
    irrelevant and taken in [0,1] too), distinct fractional coordinates a, b < n with positive
    costs, the mean-zero pair rounding step does not decrease F in expectation. *)
Theorem pair_rounding_submodular : forall n f (c x : vec) a b,
  submodular n f -> inbox_all x -> a <> b -> (a < n)%nat -> (b < n)%nat ->
  0 < c a -> 0 < c b -> 0 < x a < 1 -> 0 < x b < 1 ->
  let al := alpha c x a b in
  let be := beta c x a b in
  let d := dir c a b in
  be / (al + be) * ML n f (move x al d) + al / (al + be) * ML n f (move x (- be) d)
    >= ML n f x.
Proof.
  intros n f c x a b Hf Hx Hab Ha Hb Hca Hcb Hxa Hxb al be d.
  apply (pair_rounding_no_loss (ML n f) c x a b (ML n (delta a f) x) (ML n (delta b f) x)
           (ML n (delta a (delta b f)) x)); auto.
  - apply ML_nonpos; [exact Hx|]. intros s Hs.
    apply (submodular_second_difference n f a b Hf Hab Ha Hb s Hs).
  - intros u v. apply ML_bilinear.
Qed.
