(** Theorem 6: mean-zero pair rounding (SPEC Part B).  For a fractional point x in [0,1]^n and
    two distinct fractional coordinates a, b with costs c_a, c_b > 0, move along
    d = e_a / c_a - e_b / c_b to x + alpha d with probability beta/(alpha+beta) or to
    x - beta d with probability alpha/(alpha+beta), alpha and beta being the largest steps that
    keep x in the box.  Then the cost <c,x> is preserved exactly (on both outcomes), E[x'] = x,
    both outcomes are in the box, and each makes x_a or x_b integral. *)

From Coq Require Import Arith Lia Reals Lra FunctionalExtensionality.
Open Scope R_scope.

Definition vec := nat -> R.

(** sum_{i < n} f i *)
Fixpoint sumn (n : nat) (f : nat -> R) : R :=
  match n with 0 => 0 | S k => sumn k f + f k end.

Definition cost (n : nat) (c x : vec) : R := sumn n (fun i => c i * x i).
Definition inbox (n : nat) (x : vec) : Prop := forall i, (i < n)%nat -> 0 <= x i <= 1.

Definition dir (c : vec) (a b : nat) : vec :=
  fun i => if Nat.eqb i a then / c a else if Nat.eqb i b then - / c b else 0.

Definition move (x : vec) (t : R) (d : vec) : vec := fun i => x i + t * d i.

(** Largest steps in the +d and -d directions keeping x_a and x_b in [0,1]. *)
Definition alpha (c x : vec) (a b : nat) : R := Rmin ((1 - x a) * c a) (x b * c b).
Definition beta (c x : vec) (a b : nat) : R := Rmin (x a * c a) ((1 - x b) * c b).

Lemma sumn_plus : forall n f g, sumn n (fun i => f i + g i) = sumn n f + sumn n g.
Proof. induction n; simpl; intros; [ring|rewrite IHn; ring]. Qed.

Lemma sumn_scale : forall n f k, sumn n (fun i => k * f i) = k * sumn n f.
Proof. induction n; simpl; intros; [ring|rewrite IHn; ring]. Qed.

Lemma sumn_ext : forall n f g, (forall i, (i < n)%nat -> f i = g i) -> sumn n f = sumn n g.
Proof.
  induction n; simpl; intros f g H; [reflexivity|].
  rewrite (IHn f g) by (intros; apply H; lia). rewrite H by lia. reflexivity.
Qed.

Lemma sumn_indicator : forall n a u, (a < n)%nat ->
  sumn n (fun i => if Nat.eqb i a then u else 0) = u.
Proof.
  induction n as [|n IH]; intros a u Ha; [lia|]. simpl.
  destruct (Nat.eqb_spec n a) as [->|Hne].
  - rewrite (sumn_ext a _ (fun _ => 0)).
    + assert (Z0 : forall k, sumn k (fun _ => 0) = 0).
      { induction k; simpl; [reflexivity|rewrite IHk; ring]. }
      rewrite Z0. ring.
    + intros i Hi. destruct (Nat.eqb_spec i a); [lia|reflexivity].
  - rewrite IH by lia. ring.
Qed.


(** THEOREM 6a: moving along d preserves the cost exactly, for every step t. *)
Theorem move_preserves_cost : forall n (c x : vec) a b t,
  (a < n)%nat -> (b < n)%nat -> a <> b -> c a <> 0 -> c b <> 0 ->
  cost n c (move x t (dir c a b)) = cost n c x.
Proof.
  intros n c x a b t Ha Hb Hab Hca Hcb. unfold cost, move.
  rewrite (sumn_ext n _ (fun i => c i * x i +
             t * ((if Nat.eqb i a then 1 else 0) + (if Nat.eqb i b then -1 else 0)))).
  - rewrite sumn_plus, sumn_scale, sumn_plus, !sumn_indicator by assumption. ring.
  - intros i Hi. unfold dir.
    destruct (Nat.eqb_spec i a) as [Ea|Ea]; destruct (Nat.eqb_spec i b) as [Eb|Eb];
      try lia; subst; try (field; assumption); ring.
Qed.

Lemma alpha_pos : forall (c x : vec) a b, 0 < c a -> 0 < c b ->
  x a < 1 -> 0 < x b -> 0 < alpha c x a b.
Proof.
  intros c x a b Hca Hcb H1 H2. unfold alpha, Rmin.
  destruct (Rle_dec _ _); apply Rmult_lt_0_compat; lra.
Qed.

Lemma beta_pos : forall (c x : vec) a b, 0 < c a -> 0 < c b ->
  0 < x a -> x b < 1 -> 0 < beta c x a b.
Proof.
  intros c x a b Hca Hcb H1 H2. unfold beta, Rmin.
  destruct (Rle_dec _ _); apply Rmult_lt_0_compat; lra.
Qed.

(** Coordinates of x + t d. *)
Lemma move_a : forall (c x : vec) a b t, a <> b -> move x t (dir c a b) a = x a + t / c a.
Proof. intros. unfold move, dir. rewrite Nat.eqb_refl. reflexivity. Qed.

Lemma move_b : forall (c x : vec) a b t, a <> b -> move x t (dir c a b) b = x b - t / c b.
Proof.
  intros c x a b t Hab. unfold move, dir. rewrite Nat.eqb_refl.
  destruct (Nat.eqb_spec b a); [lia|]. unfold Rdiv. ring.
Qed.

Lemma move_other : forall (c x : vec) a b t i, i <> a -> i <> b ->
  move x t (dir c a b) i = x i.
Proof.
  intros c x a b t i Ha Hb. unfold move, dir.
  destruct (Nat.eqb_spec i a); [lia|]. destruct (Nat.eqb_spec i b); [lia|]. ring.
Qed.

(** Box membership of x + t d, for any t in [-beta, alpha]. *)
Lemma move_inbox : forall n (c x : vec) a b t,
  inbox n x -> a <> b -> 0 < c a -> 0 < c b ->
  - beta c x a b <= t <= alpha c x a b -> inbox n (move x t (dir c a b)).
Proof.
  intros n c x a b t Hx Hab Hca Hcb Ht i Hi.
  assert (Al1 : alpha c x a b <= (1 - x a) * c a) by apply Rmin_l.
  assert (Al2 : alpha c x a b <= x b * c b) by apply Rmin_r.
  assert (Be1 : beta c x a b <= x a * c a) by apply Rmin_l.
  assert (Be2 : beta c x a b <= (1 - x b) * c b) by apply Rmin_r.
  destruct (Nat.eqb_spec i a) as [->|Hia].
  - rewrite move_a by exact Hab.
    assert (t / c a <= 1 - x a).
    { apply (Rmult_le_reg_r (c a)); [lra|]. unfold Rdiv.
      rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
    assert (- x a <= t / c a).
    { apply (Rmult_le_reg_r (c a)); [lra|]. unfold Rdiv.
      rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
    lra.
  - destruct (Nat.eqb_spec i b) as [->|Hib].
    + rewrite move_b by exact Hab.
      assert (t / c b <= x b).
      { apply (Rmult_le_reg_r (c b)); [lra|]. unfold Rdiv.
        rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
      assert (- (1 - x b) <= t / c b).
      { apply (Rmult_le_reg_r (c b)); [lra|]. unfold Rdiv.
        rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
      lra.
    + rewrite move_other by assumption. apply Hx. exact Hi.
Qed.

(** The steps are the largest ones: any longer step leaves the box. *)
Lemma alpha_maximal : forall n (c x : vec) a b t,
  (a < n)%nat -> (b < n)%nat -> a <> b -> 0 < c a -> 0 < c b ->
  alpha c x a b < t -> ~ inbox n (move x t (dir c a b)).
Proof.
  intros n c x a b t Ha Hb Hab Hca Hcb Ht Hbox.
  pose proof (Hbox a Ha) as Xa. pose proof (Hbox b Hb) as Xb.
  rewrite move_a in Xa by exact Hab. rewrite move_b in Xb by exact Hab.
  unfold alpha, Rmin in Ht. destruct (Rle_dec _ _).
  - assert ((1 - x a) < t / c a).
    { apply (Rmult_lt_reg_r (c a)); [lra|]. unfold Rdiv.
      rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
    lra.
  - assert (x b < t / c b).
    { apply (Rmult_lt_reg_r (c b)); [lra|]. unfold Rdiv.
      rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
    lra.
Qed.

Lemma beta_maximal : forall n (c x : vec) a b t,
  (a < n)%nat -> (b < n)%nat -> a <> b -> 0 < c a -> 0 < c b ->
  beta c x a b < t -> ~ inbox n (move x (- t) (dir c a b)).
Proof.
  intros n c x a b t Ha Hb Hab Hca Hcb Ht Hbox.
  pose proof (Hbox a Ha) as Xa. pose proof (Hbox b Hb) as Xb.
  rewrite move_a in Xa by exact Hab. rewrite move_b in Xb by exact Hab.
  unfold beta, Rmin in Ht. destruct (Rle_dec _ _).
  - assert (x a < t / c a).
    { apply (Rmult_lt_reg_r (c a)); [lra|]. unfold Rdiv.
      rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
    unfold Rdiv in *. lra.
  - assert (1 - x b < t / c b).
    { apply (Rmult_lt_reg_r (c b)); [lra|]. unfold Rdiv.
      rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
    unfold Rdiv in *. lra.
Qed.

(** Each endpoint makes x_a or x_b integral. *)
Lemma alpha_integral : forall (c x : vec) a b, a <> b -> 0 < c a -> 0 < c b ->
  let x' := move x (alpha c x a b) (dir c a b) in x' a = 1 \/ x' b = 0.
Proof.
  intros c x a b Hab Hca Hcb x'. unfold x'. rewrite move_a, move_b by exact Hab.
  unfold alpha, Rmin. destruct (Rle_dec _ _); [left|right]; field; lra.
Qed.

Lemma beta_integral : forall (c x : vec) a b, a <> b -> 0 < c a -> 0 < c b ->
  let x' := move x (- beta c x a b) (dir c a b) in x' a = 0 \/ x' b = 1.
Proof.
  intros c x a b Hab Hca Hcb x'. unfold x'. rewrite move_a, move_b by exact Hab.
  unfold beta, Rmin. destruct (Rle_dec _ _); [left|right]; field; lra.
Qed.

(** THEOREM 6 (pair rounding): for a, b distinct fractional coordinates with positive costs,
    the two-point random move is well defined (alpha, beta > 0, probabilities in [0,1] summing
    to 1), keeps x in the box with maximal steps, preserves the cost exactly on both outcomes,
    has E[x'] = x coordinatewise, and makes a coordinate integral. *)
Theorem pair_rounding : forall n (c x : vec) a b,
  inbox n x -> (a < n)%nat -> (b < n)%nat -> a <> b -> 0 < c a -> 0 < c b ->
  0 < x a < 1 -> 0 < x b < 1 ->
  let al := alpha c x a b in
  let be := beta c x a b in
  let d := dir c a b in
  let xp := move x al d in
  let xm := move x (- be) d in
  let pp := be / (al + be) in
  let pm := al / (al + be) in
  0 < al /\ 0 < be /\ 0 <= pp <= 1 /\ 0 <= pm <= 1 /\ pp + pm = 1 /\
  inbox n xp /\ inbox n xm /\
  (forall t, al < t -> ~ inbox n (move x t d)) /\
  (forall t, be < t -> ~ inbox n (move x (- t) d)) /\
  cost n c xp = cost n c x /\ cost n c xm = cost n c x /\
  (forall i, pp * xp i + pm * xm i = x i) /\
  (xp a = 1 \/ xp b = 0) /\ (xm a = 0 \/ xm b = 1).
Proof.
  intros n c x a b Hx Ha Hb Hab Hca Hcb Hxa Hxb al be d xp xm pp pm.
  assert (Hal : 0 < al) by (apply alpha_pos; lra).
  assert (Hbe : 0 < be) by (apply beta_pos; lra).
  assert (Hs : 0 < al + be) by lra.
  assert (Eal : al = alpha c x a b) by reflexivity.
  assert (Ebe : be = beta c x a b) by reflexivity.
  split; [exact Hal|]. split; [exact Hbe|].
  split; [split; unfold pp; [apply Rmult_le_pos; [lra|apply Rlt_le, Rinv_0_lt_compat; lra]|]|].
  { apply (Rmult_le_reg_r (al + be)); [lra|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
  split; [split; unfold pm; [apply Rmult_le_pos; [lra|apply Rlt_le, Rinv_0_lt_compat; lra]|]|].
  { apply (Rmult_le_reg_r (al + be)); [lra|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
  split; [unfold pp, pm; field; lra|].
  split; [apply move_inbox; auto; rewrite <- Eal, <- Ebe; lra|].
  split; [apply move_inbox; auto; rewrite <- Eal, <- Ebe; lra|].
  split; [intros t Ht; apply alpha_maximal; auto|].
  split; [intros t Ht; apply beta_maximal; auto|].
  split; [apply move_preserves_cost; auto; lra|].
  split; [apply move_preserves_cost; auto; lra|].
  split; [intros i; unfold xp, xm, pp, pm, move; field; lra|].
  split; [apply alpha_integral; auto|apply beta_integral; auto].
Qed.

(** ** E[F(x')] >= F(x) when F is bilinear in (x_a, x_b) with a nonpositive cross term

    This is the form in which submodularity enters: the multilinear extension F of a submodular
    f satisfies F(x + u e_a + v e_b) = F(x) + u A + v B + u v D with
    D = E[f(R+a+b) - f(R+a) - f(R+b) + f(R)] <= 0 (the link F -> D <= 0 itself is not
    formalised here). *)
Theorem pair_rounding_no_loss : forall (F : vec -> R) (c x : vec) a b A B D,
  a <> b -> 0 < c a -> 0 < c b -> 0 < x a < 1 -> 0 < x b < 1 -> D <= 0 ->
  (forall u v, F (fun i => x i + (if Nat.eqb i a then u else 0) + (if Nat.eqb i b then v else 0))
               = F x + u * A + v * B + u * v * D) ->
  let al := alpha c x a b in
  let be := beta c x a b in
  let d := dir c a b in
  be / (al + be) * F (move x al d) + al / (al + be) * F (move x (- be) d) >= F x.
Proof.
  intros F c x a b A B D Hab Hca Hcb Hxa Hxb HD HF al be d.
  assert (Hal : 0 < al) by (apply alpha_pos; lra).
  assert (Hbe : 0 < be) by (apply beta_pos; lra).
  assert (Hmove : forall t, F (move x t d) = F x + (t / c a) * A + (- (t / c b)) * B
                                           + (t / c a) * (- (t / c b)) * D).
  { intros t. rewrite <- HF. f_equal. apply functional_extensionality. intros i.
    unfold move, d, dir. destruct (Nat.eqb_spec i a) as [->|Ha];
      [destruct (Nat.eqb_spec a b); [lia|]|destruct (Nat.eqb_spec i b)]; unfold Rdiv; ring. }
  rewrite !Hmove.
  set (p := be / (al + be)). set (q := al / (al + be)).
  assert (Hpq : p + q = 1) by (unfold p, q; field; lra).
  assert (Hm : p * al + q * (- be) = 0) by (unfold p, q; field; lra).
  (* the affine part averages to F x; the quadratic part is -D (p al^2 + q be^2)/(ca cb) >= 0 *)
  assert (Hq : 0 <= - D * (p * (al * al) + q * (be * be)) / (c a * c b)).
  { apply Rmult_le_pos.
    - apply Rmult_le_pos; [lra|].
      assert (0 < p) by (unfold p; apply Rdiv_lt_0_compat; lra).
      assert (0 < q) by (unfold q; apply Rdiv_lt_0_compat; lra).
      assert (0 <= al * al) by nra. assert (0 <= be * be) by nra. nra.
    - apply Rlt_le, Rinv_0_lt_compat, Rmult_lt_0_compat; lra. }
  apply Rle_ge.
  replace (p * (F x + al / c a * A + - (al / c b) * B + al / c a * - (al / c b) * D) +
           q * (F x + - be / c a * A + - (- be / c b) * B + - be / c a * - (- be / c b) * D))
    with ((p + q) * F x + (p * al + q * (- be)) * (A / c a - B / c b)
          + (- D * (p * (al * al) + q * (be * be)) / (c a * c b))) by (field; lra).
  rewrite Hpq, Hm. lra.
Qed.
