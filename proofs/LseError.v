(** Theorem 7: rounding-error bound for the f64 two-way log-sum-exp of the fast kernels,

        v = m + g * ln1p(exp(-d / g)),   m = max(s,p), d = |p - s| >= 0, g = gamma > 0,

    computed in binary64 as
        t1 = RN(d / g);  E1 = exp~(-t1);  L1 = ln1p~(E1);  w1 = RN(g * L1);  v1 = RN(m + w1)
    where RN is IEEE round-to-nearest in binary64 (Flocq's FLT format, precision 53,
    emin = -1074, i.e. with subnormals and without overflow), and exp~, ln1p~ are library
    functions modelled as the real function plus a relative error of at most 2^-52 (one ulp)
    plus an absolute error of at most 2^-1074 (one subnormal ulp, covering underflow):
        exp~(x)  = exp(x)   * (1 + e1) + h1,   |e1| <= 2^-52, |h1| <= 2^-1074, exp~(x) >= 0,
        ln1p~(y) = ln(1+y)  * (1 + e2) + h2,   |e2| <= 2^-52, |h2| <= 2^-1074.
    (m, d, g are any reals here; in the kernels they are doubles, m and d exact.)

    Result ([lse_f64_error]):
        |v1 - v| <= 2^-53 * (|m| + 6 g) + 2^-1072 * (1 + g)
    and hence ([lse_f64_error_ln2]) |v1 - v| <= 9 * 2^-53 * (|m| + g ln 2) + 2^-1072 (1 + g). *)

From Coq Require Import Reals Lra Psatz.
From Flocq Require Import Core Relative.
Open Scope R_scope.

(** ** Elementary real-analysis facts *)

Lemma exp_ge_1_minus : forall h, 1 - h <= exp (- h).
Proof. intros h. pose proof (exp_ineq1_le (- h)). lra. Qed.

(** exp(n x) = exp(x)^n. *)
Lemma exp_nat_mult : forall n x, exp (INR n * x) = exp x ^ n.
Proof.
  induction n as [|n IH]; intros x.
  - simpl. rewrite Rmult_0_l, exp_0. reflexivity.
  - rewrite S_INR, Rmult_plus_distr_r, Rmult_1_l, exp_plus, IH. simpl. ring.
Qed.

Lemma exp_m1_le : exp (-1) <= / 2.
Proof.
  pose proof (exp_ineq1_le 1). replace (-1) with (- (1)) by ring. rewrite exp_Ropp.
  apply Rinv_le_contravar; lra.
Qed.

(** ln 2 <= 7/10, since exp(7/10) = exp(7/640)^64 >= (1 + 7/640)^64 >= 2. *)
Lemma ln2_le : ln 2 <= 7 / 10.
Proof.
  assert (E : exp (7 / 10) = exp (7 / 640) ^ 64).
  { rewrite <- exp_nat_mult. f_equal. simpl INR. field. }
  assert (H1 : 1 + 7 / 640 <= exp (7 / 640)) by apply exp_ineq1_le.
  assert (H2 : (1 + 7 / 640) ^ 64 <= exp (7 / 640) ^ 64) by (apply pow_incr; lra).
  assert (H3 : 2 <= (1 + 7 / 640) ^ 64) by lra.
  rewrite <- (ln_exp (7 / 10)).
  destruct (Req_dec 2 (exp (7 / 10))) as [Heq|Hne]; [rewrite Heq; lra|].
  apply Rlt_le, ln_increasing; lra.
Qed.

(** 2/3 <= ln 2, since exp(2/3) = exp(1/24)^16 <= (24/23)^16 <= 2. *)
Lemma ln2_ge : 2 / 3 <= ln 2.
Proof.
  assert (E : exp (2 / 3) = exp (1 / 24) ^ 16).
  { rewrite <- exp_nat_mult. f_equal. simpl INR. field. }
  assert (H1 : exp (1 / 24) <= 24 / 23).
  { pose proof (exp_ineq1_le (- (1 / 24))). rewrite exp_Ropp in H.
    pose proof (exp_pos (1 / 24)).
    replace (24 / 23) with (/ (23 / 24)) by field.
    replace (exp (1 / 24)) with (/ / exp (1 / 24)) by (field; lra).
    apply Rinv_le_contravar; lra. }
  assert (H2 : exp (1 / 24) ^ 16 <= (24 / 23) ^ 16)
    by (apply pow_incr; pose proof (exp_pos (1 / 24)); lra).
  assert (H3 : (24 / 23) ^ 16 <= 2) by lra.
  rewrite <- (ln_exp (2 / 3)).
  destruct (Req_dec (exp (2 / 3)) 2) as [Heq|Hne]; [rewrite Heq; lra|].
  apply Rlt_le, ln_increasing; [apply exp_pos | lra].
Qed.

(** x e^{-x} <= e^{-1} <= 1/2 for every real x. *)
Lemma x_exp_neg_le : forall x, x * exp (- x) <= / 2.
Proof.
  intros x. pose proof (exp_ineq1_le (x - 1)) as H.
  assert (E : exp (x - 1) = exp x * exp (-1)) by (rewrite <- exp_plus; f_equal; ring).
  pose proof exp_m1_le as H1.
  pose proof (exp_pos (- x)) as P.
  assert (Hx : exp x * exp (- x) = 1) by (rewrite <- exp_plus, Rplus_opp_r, exp_0; reflexivity).
  assert (x * exp (- x) <= exp (-1)).
  { apply (Rmult_le_compat_r (exp (- x))) in H; [|lra].
    replace (exp (x - 1) * exp (- x)) with (exp (-1) * (exp x * exp (- x))) in H
      by (rewrite E; ring).
    rewrite Hx in H. lra. }
  lra.
Qed.

(** ln(1+.) is 1-Lipschitz on [0, inf). *)
Lemma ln1p_lipschitz : forall a b, 0 <= a -> 0 <= b -> Rabs (ln (1 + a) - ln (1 + b)) <= Rabs (a - b).
Proof.
  assert (K : forall a b, 0 <= b <= a -> 0 <= ln (1 + a) - ln (1 + b) <= a - b).
  { intros a b [Hb Hab]. split.
    - destruct (Req_dec a b) as [->|]; [lra|].
      pose proof (ln_increasing (1 + b) (1 + a) ltac:(lra) ltac:(lra)). lra.
    - pose proof (exp_ineq1_le (ln (1 + a) - ln (1 + b))) as H.
      unfold Rminus in H at 2. rewrite exp_plus, exp_Ropp, !exp_ln in H by lra.
      assert (Hd : (1 + a) * / (1 + b) = 1 + (a - b) / (1 + b)) by (field; lra).
      rewrite Hd in H.
      assert ((a - b) / (1 + b) <= a - b).
      { apply (Rmult_le_reg_r (1 + b)); [lra|]. unfold Rdiv.
        rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
        assert (0 <= (a - b) * b) by (apply Rmult_le_pos; lra). lra. }
      lra. }
  intros a b Ha Hb. destruct (Rle_dec b a) as [H|H].
  - destruct (K a b ltac:(lra)). rewrite !Rabs_right by lra. lra.
  - destruct (K b a ltac:(lra)). rewrite Rabs_left1, Rabs_left1 by lra. lra.
Qed.

(** Propagation of the error of t1 = RN(d/g) through exp(-.). *)
Lemma exp_neg_perturb : forall u eta t t1, 0 < u <= / 1024 -> 0 <= eta ->
  0 <= t -> 0 <= t1 -> Rabs (t1 - t) <= u * t + eta ->
  Rabs (exp (- t1) - exp (- t)) <= 51 / 100 * u + 102 / 100 * eta.
Proof.
  intros u eta t t1 Hu He Ht Ht1 Hd. apply Rabs_le_inv in Hd. destruct Hd as [Hd1 Hd2].
  pose proof (exp_pos (- t)) as P0. pose proof (exp_pos (- t1)) as P1.
  assert (Ee : exp (- t) <= 1) by (rewrite <- exp_0;
    destruct (Req_dec t 0) as [->|]; [rewrite Ropp_0; lra|];
    apply Rlt_le, exp_increasing; lra).
  assert (Ee1 : exp (- t1) <= 1) by (rewrite <- exp_0;
    destruct (Req_dec t1 0) as [->|]; [rewrite Ropp_0; lra|];
    apply Rlt_le, exp_increasing; lra).
  pose proof (x_exp_neg_le t) as Xt. pose proof (x_exp_neg_le t1) as Xt1.
  destruct (Rle_dec t t1) as [Hc|Hc].
  - (* t <= t1: 0 <= exp(-t) - exp(-t1) = exp(-t) (1 - exp(-(t1-t))) <= exp(-t) (t1 - t) *)
    pose proof (exp_ge_1_minus (t1 - t)) as G.
    assert (E : exp (- t1) = exp (- t) * exp (- (t1 - t)))
      by (rewrite <- exp_plus; f_equal; ring).
    assert (exp (- t) * (1 - exp (- (t1 - t))) <= exp (- t) * (t1 - t))
      by (apply Rmult_le_compat_l; lra).
    assert (exp (- t) * (t1 - t) <= exp (- t) * (u * t + eta))
      by (apply Rmult_le_compat_l; lra).
    assert (exp (- t) * eta <= eta) by (rewrite <- (Rmult_1_l eta) at 2;
      apply Rmult_le_compat_r; lra).
    assert (u * (t * exp (- t)) <= u * (/ 2)) by (apply Rmult_le_compat_l; lra).
    assert (exp (- t1) <= exp (- t)).
    { rewrite E. assert (exp (- (t1 - t)) <= 1).
      { rewrite <- exp_0. destruct (Req_dec t1 t) as [->|]; [rewrite Rminus_diag_eq, Ropp_0 by reflexivity; lra|].
        apply Rlt_le, exp_increasing; lra. }
      rewrite <- (Rmult_1_r (exp (- t))) at 2. apply Rmult_le_compat_l; lra. }
    rewrite Rabs_left1 by lra. rewrite E in *. nra.
  - (* t1 < t: h = t - t1; exp(-t1) - exp(-t) <= exp(-t1) h, and h (1 - u) <= u t1 + eta *)
    set (h := t - t1). assert (Hh : 0 <= h) by (unfold h; lra).
    assert (Hh1 : h * (1 - u) <= u * t1 + eta) by (unfold h in *; nra).
    pose proof (exp_ge_1_minus h) as G.
    assert (E : exp (- t) = exp (- t1) * exp (- h))
      by (rewrite <- exp_plus; f_equal; unfold h; ring).
    set (X := exp (- t1) * h).
    assert (HX0 : 0 <= X) by (unfold X; apply Rmult_le_pos; lra).
    assert (HXa : X * (1 - u) <= u * (t1 * exp (- t1)) + eta * exp (- t1)).
    { unfold X. replace (exp (- t1) * h * (1 - u)) with (exp (- t1) * (h * (1 - u))) by ring.
      replace (u * (t1 * exp (- t1)) + eta * exp (- t1)) with (exp (- t1) * (u * t1 + eta))
        by ring.
      apply Rmult_le_compat_l; lra. }
    assert (u * (t1 * exp (- t1)) <= u * (/ 2)) by (apply Rmult_le_compat_l; lra).
    assert (eta * exp (- t1) <= eta) by (rewrite <- (Rmult_1_r eta) at 2;
      apply Rmult_le_compat_l; lra).
    set (A := / 2 * u + eta).
    assert (HXA : X * (1 - u) <= A) by (unfold A; lra).
    assert (HX2 : X <= 2 * A) by (assert (X * u <= X * (/ 1024)) by (apply Rmult_le_compat_l; lra); lra).
    assert (X * u <= 2 * A * u) by (apply Rmult_le_compat_r; lra).
    assert (A * u <= A * / 1024) by (apply Rmult_le_compat_l; unfold A; lra).
    assert (exp (- t1) - exp (- t) <= X).
    { rewrite E. unfold X. assert (exp (- t1) * (1 - exp (- h)) <= exp (- t1) * h)
        by (apply Rmult_le_compat_l; lra). lra. }
    assert (exp (- t) <= exp (- t1)).
    { rewrite E. assert (exp (- h) <= 1).
      { rewrite <- exp_0. destruct (Req_dec h 0) as [->|]; [rewrite Ropp_0; lra|].
        apply Rlt_le, exp_increasing; lra. }
      rewrite <- (Rmult_1_r (exp (- t1))) at 2. apply Rmult_le_compat_l; lra. }
    rewrite Rabs_right by lra. unfold A in *. lra.
Qed.

Lemma ln_le_mono : forall x y, 0 < x -> x <= y -> ln x <= ln y.
Proof.
  intros x y Hx Hxy. destruct (Req_dec x y) as [->|Hne]; [lra|].
  apply Rlt_le, ln_increasing; lra.
Qed.

Lemma exp_neg_le_1 : forall x, 0 <= x -> exp (- x) <= 1.
Proof.
  intros x Hx. rewrite <- exp_0. destruct (Req_dec x 0) as [->|]; [rewrite Ropp_0; lra|].
  apply Rlt_le, exp_increasing; lra.
Qed.

Lemma Rabs_le_both : forall x b, - b <= x <= b -> Rabs x <= b.
Proof. intros x b H. apply Rabs_le. exact H. Qed.

(** ** The error analysis over the reals, with unit roundoff u and underflow unit eta *)
Lemma lse_error_abstract : forall u eta m d g t1 E1 L1 w1 v1,
  0 < u <= / 1024 -> 0 <= eta <= u -> 0 <= d -> 0 < g -> 0 <= t1 ->
  Rabs (t1 - d / g) <= u * (d / g) + eta ->
  0 <= E1 -> Rabs (E1 - exp (- t1)) <= 2 * u * exp (- t1) + 2 * eta ->
  Rabs (L1 - ln (1 + E1)) <= 2 * u * ln (1 + E1) + 2 * eta ->
  Rabs (w1 - g * L1) <= u * Rabs (g * L1) + eta ->
  Rabs (v1 - (m + w1)) <= u * Rabs (m + w1) + eta ->
  Rabs (v1 - (m + g * ln (1 + exp (- (d / g))))) <= u * (Rabs m + 6 * g) + 8 * eta * (1 + g).
Proof.
  intros u eta m d g t1 E1 L1 w1 v1 Hu He Hd Hg Ht1 Rt HE1 RE RL Rw Rv.
  assert (Ht : 0 <= d / g) by (apply Rmult_le_pos; [lra | apply Rlt_le, Rinv_0_lt_compat; lra]).
  set (t := d / g) in *. clearbody t.
  set (phi := ln (1 + exp (- t))).
  pose proof (exp_pos (- t)) as P0. pose proof (exp_pos (- t1)) as P1.
  pose proof (exp_neg_le_1 t Ht) as B0. pose proof (exp_neg_le_1 t1 Ht1) as B1.
  pose proof ln2_le as Hln2.
  assert (Hphi : 0 <= phi <= 7 / 10).
  { unfold phi. split.
    - rewrite <- ln_1. apply ln_le_mono; lra.
    - apply Rle_trans with (ln 2); [apply ln_le_mono; lra | exact Hln2]. }
  (* step 1: error of t1 through exp and ln1p *)
  pose proof (exp_neg_perturb u eta t t1 Hu (proj1 He) Ht Ht1 Rt) as A1.
  pose proof (ln1p_lipschitz (exp (- t1)) (exp (- t)) (Rlt_le _ _ P1) (Rlt_le _ _ P0)) as A1'.
  (* step 2: error of exp~ *)
  pose proof (ln1p_lipschitz E1 (exp (- t1)) HE1 (Rlt_le _ _ P1)) as A2.
  assert (RE' : Rabs (E1 - exp (- t1)) <= 2 * u + 2 * eta).
  { assert (2 * u * exp (- t1) <= 2 * u) by (rewrite <- (Rmult_1_r (2 * u)) at 2;
      apply Rmult_le_compat_l; lra). lra. }
  set (l := ln (1 + E1)) in *.
  assert (Hl : Rabs (l - phi) <= 251 / 100 * u + 302 / 100 * eta).
  { unfold phi. replace (l - ln (1 + exp (- t)))
      with ((l - ln (1 + exp (- t1))) + (ln (1 + exp (- t1)) - ln (1 + exp (- t)))) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. lra. }
  apply Rabs_le_inv in Hl.
  assert (Hl0 : 0 <= l) by (unfold l; rewrite <- ln_1; apply ln_le_mono; lra).
  (* step 3: error of ln1p~ *)
  assert (Hu2 : u * u <= u * / 1024) by (apply Rmult_le_compat_l; lra).
  assert (Hue : u * eta <= / 1024 * eta) by (apply Rmult_le_compat_r; lra).
  assert (RL' : Rabs (L1 - l) <= 1405 / 1000 * u + 2006 / 1000 * eta).
  { assert (2 * u * l <= 2 * u * (7 / 10 + 251 / 100 * u + 302 / 100 * eta))
      by (apply Rmult_le_compat_l; lra). lra. }
  apply Rabs_le_inv in RL'.
  assert (HLphi : - (3915 / 1000 * u + 5026 / 1000 * eta) <= L1 - phi
                  <= 3915 / 1000 * u + 5026 / 1000 * eta) by lra.
  assert (HL1 : Rabs L1 <= 71 / 100) by (apply Rabs_le_both; lra).
  (* step 4: rounding of g * L1 *)
  rewrite Rabs_mult, (Rabs_pos_eq g) in Rw by lra.
  assert (u * (g * Rabs L1) <= u * (g * (71 / 100))).
  { apply Rmult_le_compat_l; [lra|]. apply Rmult_le_compat_l; lra. }
  apply Rabs_le_inv in Rw.
  (* step 5: rounding of m + w1 *)
  assert (Rmw : Rabs (m + w1) <= Rabs m + 72 / 100 * g + eta).
  { eapply Rle_trans; [apply Rabs_triang|].
    assert (Rabs w1 <= 72 / 100 * g + eta).
    { apply Rabs_le_both. pose proof (Rabs_le_inv _ _ HL1).
      assert (g * L1 <= g * (71 / 100)) by (apply Rmult_le_compat_l; lra).
      assert (g * (- (71 / 100)) <= g * L1) by (apply Rmult_le_compat_l; lra).
      assert (u * g <= / 1024 * g) by (apply Rmult_le_compat_r; lra). lra. }
    lra. }
  assert (u * Rabs (m + w1) <= u * (Rabs m + 72 / 100 * g + eta))
    by (apply Rmult_le_compat_l; lra).
  apply Rabs_le_inv in Rv.
  (* assembly *)
  assert (G1 : g * (L1 - phi) <= g * (3915 / 1000 * u + 5026 / 1000 * eta))
    by (apply Rmult_le_compat_l; lra).
  assert (G2 : g * (- (3915 / 1000 * u + 5026 / 1000 * eta)) <= g * (L1 - phi))
    by (apply Rmult_le_compat_l; lra).
  assert (0 <= u * g) by (apply Rmult_le_pos; lra).
  assert (0 <= g * eta) by (apply Rmult_le_pos; lra).
  apply Rabs_le_both. fold phi. lra.
Qed.

(** ** Binary64 instantiation with Flocq *)

(** Unit roundoff 2^-53 and half the smallest subnormal, 2^-1075. *)
Definition u64 : R := bpow radix2 (-53).
Definition eta64 : R := bpow radix2 (-1075).

(** Round to nearest in binary64 (any tie-breaking rule [choice]; ties-to-even is
    [fun z => negb (Z.even z)]).  FLT: precision 53, emin = -1074, no overflow. *)
Definition RN (choice : Z -> bool) (x : R) : R :=
  round radix2 (FLT_exp (-1074) 53) (Znearest choice) x.

Lemma u64_value : u64 = / 9007199254740992.
Proof. unfold u64. simpl. lra. Qed.

Lemma u64_small : 0 < u64 <= / 1024.
Proof. rewrite u64_value. lra. Qed.

Lemma eta64_small : 0 <= eta64 <= u64.
Proof.
  unfold eta64, u64. split; [apply bpow_ge_0|]. apply bpow_le. lia.
Qed.

Lemma RN_error : forall choice x, Rabs (RN choice x - x) <= u64 * Rabs x + eta64.
Proof.
  intros choice x.
  destruct (error_N_FLT radix2 (-1074) 53 ltac:(lia) choice x)
    as [eps [eta [Heps [Heta [_ E]]]]].
  unfold RN. rewrite E.
  replace (x * (1 + eps) + eta - x) with (x * eps + eta) by ring.
  eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult.
  assert (Hu : / 2 * bpow radix2 (- (53) + 1) = u64) by (unfold u64; simpl; lra).
  assert (He : / 2 * bpow radix2 (-1074) = eta64) by (unfold eta64; simpl; lra).
  rewrite Hu in Heps. rewrite He in Heta.
  assert (Rabs x * Rabs eps <= Rabs x * u64) by (apply Rmult_le_compat_l; [apply Rabs_pos|lra]).
  lra.
Qed.

Lemma RN_nonneg : forall choice x, 0 <= x -> 0 <= RN choice x.
Proof.
  intros choice x Hx. unfold RN. apply round_ge_generic.
  - apply FLT_exp_valid. unfold Prec_gt_0. lia.
  - apply valid_rnd_N.
  - apply generic_format_0.
  - exact Hx.
Qed.

(** THEOREM 7: error bound of the binary64 two-way log-sum-exp.  [e1, h1] are the relative and
    absolute errors of the library exp on its input, [e2, h2] those of ln1p. *)
Theorem lse_f64_error : forall (choice : Z -> bool) (m d g e1 h1 e2 h2 : R),
  0 <= d -> 0 < g ->
  Rabs e1 <= 2 * u64 -> Rabs h1 <= 2 * eta64 ->
  Rabs e2 <= 2 * u64 -> Rabs h2 <= 2 * eta64 ->
  let t1 := RN choice (d / g) in
  let E1 := exp (- t1) * (1 + e1) + h1 in
  0 <= E1 ->
  let L1 := ln (1 + E1) * (1 + e2) + h2 in
  let v1 := RN choice (m + RN choice (g * L1)) in
  Rabs (v1 - (m + g * ln (1 + exp (- (d / g))))) <= u64 * (Rabs m + 6 * g) + 8 * eta64 * (1 + g).
Proof.
  intros choice m d g e1 h1 e2 h2 Hd Hg He1 Hh1 He2 Hh2 t1 E1 HE1 L1 v1.
  pose proof u64_small as Hu. pose proof eta64_small as He.
  assert (Hdg : 0 <= d / g) by (apply Rmult_le_pos; [lra | apply Rlt_le, Rinv_0_lt_compat; lra]).
  apply (lse_error_abstract u64 eta64 m d g t1 E1 L1 (RN choice (g * L1)) v1); auto.
  - apply RN_nonneg. exact Hdg.
  - unfold t1. pose proof (RN_error choice (d / g)) as H.
    rewrite (Rabs_pos_eq (d / g)) in H by exact Hdg. exact H.
  - unfold E1. pose proof (exp_pos (- t1)).
    replace (exp (- t1) * (1 + e1) + h1 - exp (- t1)) with (exp (- t1) * e1 + h1) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult, Rabs_pos_eq by lra.
    assert (exp (- t1) * Rabs e1 <= exp (- t1) * (2 * u64)) by (apply Rmult_le_compat_l; lra).
    lra.
  - unfold L1. assert (Hl : 0 <= ln (1 + E1)).
    { rewrite <- ln_1. apply ln_le_mono; lra. }
    replace (ln (1 + E1) * (1 + e2) + h2 - ln (1 + E1)) with (ln (1 + E1) * e2 + h2) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult, (Rabs_pos_eq (ln (1 + E1))) by lra.
    assert (ln (1 + E1) * Rabs e2 <= ln (1 + E1) * (2 * u64))
      by (apply Rmult_le_compat_l; lra).
    lra.
  - apply RN_error.
  - apply RN_error.
Qed.

(** The same bound in the form k * 2^-53 * (|m| + gamma ln 2), with k = 9. *)
Corollary lse_f64_error_ln2 : forall (choice : Z -> bool) (m d g e1 h1 e2 h2 : R),
  0 <= d -> 0 < g ->
  Rabs e1 <= 2 * u64 -> Rabs h1 <= 2 * eta64 ->
  Rabs e2 <= 2 * u64 -> Rabs h2 <= 2 * eta64 ->
  let t1 := RN choice (d / g) in
  let E1 := exp (- t1) * (1 + e1) + h1 in
  0 <= E1 ->
  let L1 := ln (1 + E1) * (1 + e2) + h2 in
  let v1 := RN choice (m + RN choice (g * L1)) in
  Rabs (v1 - (m + g * ln (1 + exp (- (d / g)))))
    <= 9 * u64 * (Rabs m + g * ln 2) + 8 * eta64 * (1 + g).
Proof.
  intros choice m d g e1 h1 e2 h2 Hd Hg He1 Hh1 He2 Hh2 t1 E1 HE1 L1 v1.
  pose proof (lse_f64_error choice m d g e1 h1 e2 h2 Hd Hg He1 Hh1 He2 Hh2 HE1) as H.
  simpl in H. fold t1 E1 L1 v1 in H.
  pose proof ln2_ge as Hln2.
  pose proof u64_small. pose proof (Rabs_pos m).
  assert (u64 * (Rabs m + 6 * g) <= 9 * u64 * (Rabs m + g * ln 2)).
  { replace (9 * u64 * (Rabs m + g * ln 2)) with (u64 * (9 * Rabs m + 9 * g * ln 2)) by ring.
    apply Rmult_le_compat_l; [lra|].
    assert (6 * g <= 9 * g * ln 2) by nra. lra. }
  lra.
Qed.

(** The constants: u64 = 2^-53, 8 * eta64 = 2^-1072. *)
Lemma constants : u64 = bpow radix2 (-53) /\ 8 * eta64 = bpow radix2 (-1072).
Proof. split; [reflexivity|]. unfold eta64. simpl. lra. Qed.

(** ** Generalisation: library functions accurate to k ulps

    The same analysis with exp~ accurate to [ke] units of 2^-53 (relative) and [ke] units of
    2^-1075 (absolute), ln1p~ to [kl] units, 0 <= ke, kl <= 8 (one ulp is ke = 2). *)
Lemma lse_error_abstract_k : forall u eta ke kl m d g t1 E1 L1 w1 v1,
  0 < u <= / 1024 -> 0 <= eta <= u -> 0 <= ke <= 8 -> 0 <= kl <= 8 ->
  0 <= d -> 0 < g -> 0 <= t1 ->
  Rabs (t1 - d / g) <= u * (d / g) + eta ->
  0 <= E1 -> Rabs (E1 - exp (- t1)) <= ke * u * exp (- t1) + ke * eta ->
  Rabs (L1 - ln (1 + E1)) <= kl * u * ln (1 + E1) + kl * eta ->
  Rabs (w1 - g * L1) <= u * Rabs (g * L1) + eta ->
  Rabs (v1 - (m + w1)) <= u * Rabs (m + w1) + eta ->
  Rabs (v1 - (m + g * ln (1 + exp (- (d / g)))))
    <= u * (Rabs m + (2 + ke + kl) * g) + (3 + ke + kl) * eta * (1 + g).
Proof.
  intros u eta ke kl m d g t1 E1 L1 w1 v1 Hu He Hke Hkl Hd Hg Ht1 Rt HE1 RE RL Rw Rv.
  assert (Ht : 0 <= d / g) by (apply Rmult_le_pos; [lra | apply Rlt_le, Rinv_0_lt_compat; lra]).
  set (t := d / g) in *. clearbody t.
  set (phi := ln (1 + exp (- t))).
  pose proof (exp_pos (- t)) as P0. pose proof (exp_pos (- t1)) as P1.
  pose proof (exp_neg_le_1 t Ht) as B0. pose proof (exp_neg_le_1 t1 Ht1) as B1.
  pose proof ln2_le as Hln2.
  assert (Hphi : 0 <= phi <= 7 / 10).
  { unfold phi. split.
    - rewrite <- ln_1. apply ln_le_mono; lra.
    - apply Rle_trans with (ln 2); [apply ln_le_mono; lra | exact Hln2]. }
  pose proof (exp_neg_perturb u eta t t1 Hu (proj1 He) Ht Ht1 Rt) as A1.
  pose proof (ln1p_lipschitz (exp (- t1)) (exp (- t)) (Rlt_le _ _ P1) (Rlt_le _ _ P0)) as A1'.
  pose proof (ln1p_lipschitz E1 (exp (- t1)) HE1 (Rlt_le _ _ P1)) as A2.
  assert (RE' : Rabs (E1 - exp (- t1)) <= ke * u + ke * eta).
  { assert (ke * u * exp (- t1) <= ke * u) by (rewrite <- (Rmult_1_r (ke * u)) at 2;
      apply Rmult_le_compat_l; [apply Rmult_le_pos|]; lra). lra. }
  set (l := ln (1 + E1)) in *.
  assert (Hl : Rabs (l - phi) <= (ke + 51 / 100) * u + (ke + 102 / 100) * eta).
  { unfold phi. replace (l - ln (1 + exp (- t)))
      with ((l - ln (1 + exp (- t1))) + (ln (1 + exp (- t1)) - ln (1 + exp (- t)))) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. lra. }
  apply Rabs_le_inv in Hl.
  assert (Hl0 : 0 <= l) by (unfold l; rewrite <- ln_1; apply ln_le_mono; lra).
  assert (Hkeu : ke * u <= 8 * / 1024) by (apply Rmult_le_compat; lra).
  assert (Hkee : ke * eta <= 8 * / 1024) by (apply Rmult_le_compat; lra).
  assert (Hl72 : l <= 72 / 100) by lra.
  assert (RL' : Rabs (L1 - l) <= kl * (72 / 100) * u + kl * eta).
  { assert (kl * u * l <= kl * u * (72 / 100))
      by (apply Rmult_le_compat_l; [apply Rmult_le_pos|]; lra).
    lra. }
  apply Rabs_le_inv in RL'.
  assert (Hklu : kl * u <= 8 * / 1024) by (apply Rmult_le_compat; lra).
  assert (Hkle : kl * eta <= 8 * / 1024) by (apply Rmult_le_compat; lra).
  assert (HLphi : - ((ke + 51 / 100 + 72 / 100 * kl) * u + (ke + kl + 102 / 100) * eta)
                  <= L1 - phi
                  <= (ke + 51 / 100 + 72 / 100 * kl) * u + (ke + kl + 102 / 100) * eta) by lra.
  assert (HL1 : Rabs L1 <= 74 / 100) by (apply Rabs_le_both; lra).
  rewrite Rabs_mult, (Rabs_pos_eq g) in Rw by lra.
  assert (u * (g * Rabs L1) <= u * (g * (74 / 100))).
  { apply Rmult_le_compat_l; [lra|]. apply Rmult_le_compat_l; lra. }
  apply Rabs_le_inv in Rw.
  assert (Rmw : Rabs (m + w1) <= Rabs m + 75 / 100 * g + eta).
  { eapply Rle_trans; [apply Rabs_triang|].
    assert (Rabs w1 <= 75 / 100 * g + eta).
    { apply Rabs_le_both. pose proof (Rabs_le_inv _ _ HL1).
      assert (g * L1 <= g * (74 / 100)) by (apply Rmult_le_compat_l; lra).
      assert (g * (- (74 / 100)) <= g * L1) by (apply Rmult_le_compat_l; lra).
      assert (u * g <= / 1024 * g) by (apply Rmult_le_compat_r; lra). lra. }
    lra. }
  assert (u * Rabs (m + w1) <= u * (Rabs m + 75 / 100 * g + eta))
    by (apply Rmult_le_compat_l; lra).
  apply Rabs_le_inv in Rv.
  set (K := (ke + 51 / 100 + 72 / 100 * kl) * u + (ke + kl + 102 / 100) * eta) in *.
  assert (G1 : g * (L1 - phi) <= g * K) by (apply Rmult_le_compat_l; lra).
  assert (G2 : g * (- K) <= g * (L1 - phi)) by (apply Rmult_le_compat_l; lra).
  unfold K in G1, G2.
  assert (Hue : u * eta <= / 1024 * eta) by (apply Rmult_le_compat_r; lra).
  assert (0 <= u * g) by (apply Rmult_le_pos; lra).
  assert (0 <= g * eta) by (apply Rmult_le_pos; lra).
  assert (0 <= kl * u * g) by (apply Rmult_le_pos; [apply Rmult_le_pos|]; lra).
  assert (0 <= kl * eta * g) by (apply Rmult_le_pos; [apply Rmult_le_pos|]; lra).
  assert (0 <= ke * eta) by (apply Rmult_le_pos; lra).
  assert (0 <= kl * eta) by (apply Rmult_le_pos; lra).
  apply Rabs_le_both. fold phi. lra.
Qed.

(** THEOREM 7': exp~ within [ku_e] ulps and ln1p~ within [ku_l] ulps (0 <= ku <= 4; the
    absolute parts within ku subnormal ulps):
      |v1 - v| <= 2^-53 (|m| + (2 + 2 ku_e + 2 ku_l) g) + (3 + 2 ku_e + 2 ku_l) 2^-1075 (1 + g). *)
Theorem lse_f64_error_ulps : forall (choice : Z -> bool) (ku_e ku_l m d g e1 h1 e2 h2 : R),
  0 <= ku_e <= 4 -> 0 <= ku_l <= 4 -> 0 <= d -> 0 < g ->
  Rabs e1 <= ku_e * (2 * u64) -> Rabs h1 <= ku_e * (2 * eta64) ->
  Rabs e2 <= ku_l * (2 * u64) -> Rabs h2 <= ku_l * (2 * eta64) ->
  let t1 := RN choice (d / g) in
  let E1 := exp (- t1) * (1 + e1) + h1 in
  0 <= E1 ->
  let L1 := ln (1 + E1) * (1 + e2) + h2 in
  let v1 := RN choice (m + RN choice (g * L1)) in
  Rabs (v1 - (m + g * ln (1 + exp (- (d / g)))))
    <= u64 * (Rabs m + (2 + 2 * ku_e + 2 * ku_l) * g)
       + (3 + 2 * ku_e + 2 * ku_l) * eta64 * (1 + g).
Proof.
  intros choice ku_e ku_l m d g e1 h1 e2 h2 Hke Hkl Hd Hg He1 Hh1 He2 Hh2 t1 E1 HE1 L1 v1.
  pose proof u64_small as Hu. pose proof eta64_small as He.
  assert (Hdg : 0 <= d / g) by (apply Rmult_le_pos; [lra | apply Rlt_le, Rinv_0_lt_compat; lra]).
  replace (2 + 2 * ku_e + 2 * ku_l) with (2 + (2 * ku_e) + (2 * ku_l)) by ring.
  replace (3 + 2 * ku_e + 2 * ku_l) with (3 + (2 * ku_e) + (2 * ku_l)) by ring.
  apply (lse_error_abstract_k u64 eta64 (2 * ku_e) (2 * ku_l) m d g t1 E1 L1
           (RN choice (g * L1)) v1); auto; try lra.
  - apply RN_nonneg. exact Hdg.
  - unfold t1. pose proof (RN_error choice (d / g)) as H.
    rewrite (Rabs_pos_eq (d / g)) in H by exact Hdg. exact H.
  - unfold E1. pose proof (exp_pos (- t1)).
    replace (exp (- t1) * (1 + e1) + h1 - exp (- t1)) with (exp (- t1) * e1 + h1) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult, Rabs_pos_eq by lra.
    assert (exp (- t1) * Rabs e1 <= exp (- t1) * (ku_e * (2 * u64)))
      by (apply Rmult_le_compat_l; lra).
    lra.
  - unfold L1. assert (Hl : 0 <= ln (1 + E1)).
    { rewrite <- ln_1. apply ln_le_mono; lra. }
    replace (ln (1 + E1) * (1 + e2) + h2 - ln (1 + E1)) with (ln (1 + E1) * e2 + h2) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult, (Rabs_pos_eq (ln (1 + E1))) by lra.
    assert (ln (1 + E1) * Rabs e2 <= ln (1 + E1) * (ku_l * (2 * u64)))
      by (apply Rmult_le_compat_l; lra).
    lra.
  - apply RN_error.
  - apply RN_error.
Qed.
