(** Theorem 4: the closed-form q of SPEC A.2 maximises q p + (1-q) s + gamma H(q) over [0,1],
    for the Shannon, Gini and Tsallis-1.5 regularizers, and the gap bounds
    0 <= max_Omega(s,p) - max(s,p) <= gamma * Hmax. *)

From Coq Require Import Reals Lra Psatz.
From DiffKnap Require Import ShannonDP.
Open Scope R_scope.

(** The regularised objective maximised by max_Omega. *)
Definition obj (H : R -> R) (g s p q : R) : R := q * p + (1 - q) * s + g * H q.

Ltac pos := repeat (apply Rmult_lt_0_compat || apply Rinv_0_lt_compat); lra.

Lemma lin_le_max : forall s p q, 0 <= q <= 1 -> q * p + (1 - q) * s <= Rmax s p.
Proof.
  intros s p q Hq. pose proof (Rmax_l s p). pose proof (Rmax_r s p). nra.
Qed.

Lemma obj_0 : forall H g s p, H 0 = 0 -> obj H g s p 0 = s.
Proof. intros H g s p H0. unfold obj. rewrite H0. ring. Qed.

Lemma obj_1 : forall H g s p, H 1 = 0 -> obj H g s p 1 = p.
Proof. intros H g s p H1. unfold obj. rewrite H1. ring. Qed.

(** ** Gini: H(q) = q (1 - q), Hmax = 1/4 *)

Definition H_gini (q : R) : R := q * (1 - q).
Definition clip01 (x : R) : R := Rmax 0 (Rmin 1 x).
Definition q_gini (g s p : R) : R := clip01 (/2 + (p - s) / (2 * g)).

Lemma clip01_hi : forall x, 1 <= x -> clip01 x = 1.
Proof. intros x H. unfold clip01. rewrite Rmin_left by lra. apply Rmax_right; lra. Qed.

Lemma clip01_lo : forall x, x <= 0 -> clip01 x = 0.
Proof. intros x H. unfold clip01. rewrite Rmin_right by lra. apply Rmax_left; lra. Qed.

Lemma clip01_mid : forall x, 0 <= x <= 1 -> clip01 x = x.
Proof. intros x H. unfold clip01. rewrite Rmin_right by lra. apply Rmax_right; lra. Qed.

Lemma q_gini_range : forall g s p, 0 <= q_gini g s p <= 1.
Proof.
  intros g s p. unfold q_gini. set (x := /2 + (p - s) / (2 * g)).
  destruct (Rle_lt_dec 1 x); [rewrite clip01_hi by lra; lra|].
  destruct (Rle_lt_dec x 0); [rewrite clip01_lo by lra; lra|].
  rewrite clip01_mid by lra; lra.
Qed.

Theorem gini_closed_form_maximises : forall g s p q, 0 < g -> 0 <= q <= 1 ->
  obj H_gini g s p q <= obj H_gini g s p (q_gini g s p).
Proof.
  intros g s p q Hg Hq. unfold obj, H_gini, q_gini.
  set (x := /2 + (p - s) / (2 * g)).
  assert (Hd : p - s = g * (2 * x - 1)) by (unfold x; field; lra).
  clearbody x. replace p with (s + g * (2 * x - 1)) by lra.
  destruct (Rle_lt_dec 1 x).
  - (* p - s >= g: qstar = 1 *)
    rewrite clip01_hi by lra.
    assert (0 <= g * ((1 - q) * (2 * x - 1 - q))) by
      (apply Rmult_le_pos; [lra | apply Rmult_le_pos; lra]).
    lra.
  - destruct (Rle_lt_dec x 0).
    + (* p - s <= -g: qstar = 0 *)
      rewrite clip01_lo by lra.
      assert (0 <= g * (q * (q - 2 * x))) by
        (apply Rmult_le_pos; [lra | apply Rmult_le_pos; lra]).
      lra.
    + (* interior: obj(qstar) - obj(q) = g (q - qstar)^2 *)
      rewrite clip01_mid by lra.
      assert (0 <= g * ((q - x) * (q - x))) by (apply Rmult_le_pos; [lra | pose proof (Rle_0_sqr (q - x)) as Hs; unfold Rsqr in Hs; exact Hs]).
      lra.
Qed.

(** Gini value in closed form (SPEC A.2). *)
Theorem gini_value_interior : forall g s p, 0 < g -> Rabs (p - s) < g ->
  obj H_gini g s p (q_gini g s p) = (s + p) / 2 + g / 4 + (p - s) ^ 2 / (4 * g).
Proof.
  intros g s p Hg Hd. unfold obj, H_gini, q_gini.
  apply Rabs_def2 in Hd. destruct Hd as [Hd1 Hd2].
  set (x := /2 + (p - s) / (2 * g)).
  assert (Hd : p - s = g * (2 * x - 1)) by (unfold x; field; lra).
  assert (x < 1) by nra. assert (0 < x) by nra.
  rewrite clip01_mid by lra. unfold x. field. lra.
Qed.

Theorem gini_value_sparse : forall g s p, 0 < g -> g <= Rabs (p - s) ->
  obj H_gini g s p (q_gini g s p) = Rmax s p.
Proof.
  intros g s p Hg Hd. unfold obj, H_gini, q_gini.
  set (x := /2 + (p - s) / (2 * g)).
  assert (Hd' : p - s = g * (2 * x - 1)) by (unfold x; field; lra).
  unfold Rabs in Hd. destruct (Rcase_abs (p - s)).
  - assert (x <= 0) by nra. rewrite clip01_lo by lra. rewrite Rmax_left by lra. ring.
  - assert (1 <= x) by nra. rewrite clip01_hi by lra. rewrite Rmax_right by lra. ring.
Qed.

Theorem gini_gap : forall g s p, 0 < g ->
  0 <= obj H_gini g s p (q_gini g s p) - Rmax s p <= g * (1 / 4).
Proof.
  intros g s p Hg. split.
  - pose proof (gini_closed_form_maximises g s p 0 Hg ltac:(lra)).
    pose proof (gini_closed_form_maximises g s p 1 Hg ltac:(lra)).
    rewrite obj_0 in * by (unfold H_gini; ring). rewrite obj_1 in * by (unfold H_gini; ring).
    unfold Rmax. destruct (Rle_dec s p); lra.
  - pose proof (q_gini_range g s p) as Hq. set (q := q_gini g s p) in *.
    clearbody q. pose proof (lin_le_max s p q Hq). unfold obj, H_gini.
    assert (q * (1 - q) <= 1 / 4) by (pose proof (Rle_0_sqr (q - /2)); unfold Rsqr in *; lra).
    assert (g * (q * (1 - q)) <= g * (1 / 4)) by (apply Rmult_le_compat_l; lra). lra.
Qed.

(** ** Shannon: H(q) = -q ln q - (1-q) ln(1-q), Hmax = ln 2 *)

(** In Coq [ln 0 = 0], so H(0) = H(1) = 0 as with the convention 0 ln 0 = 0. *)
Definition H_shannon (q : R) : R := - q * ln q - (1 - q) * ln (1 - q).
Definition sigmoid (x : R) : R := / (1 + exp (- x)).
Definition q_shannon (g s p : R) : R := sigmoid ((p - s) / g).

Lemma ln_le_sub1 : forall x, 0 < x -> ln x <= x - 1.
Proof. intros x Hx. pose proof (exp_ineq1_le (ln x)). rewrite exp_ln in H by exact Hx. lra. Qed.

Lemma ln_le_mono : forall x y, 0 < x -> x <= y -> ln x <= ln y.
Proof.
  intros x y Hx Hxy. destruct (Req_dec x y) as [->|Hne]; [lra|].
  apply Rlt_le, ln_increasing; lra.
Qed.

Lemma H_shannon_0 : H_shannon 0 = 0.
Proof. unfold H_shannon. rewrite Rminus_0_r, ln_1. ring. Qed.

Lemma H_shannon_1 : H_shannon 1 = 0.
Proof. unfold H_shannon. replace (1 - 1) with 0 by ring. rewrite ln_1. ring. Qed.

(** Gibbs variational inequality: for every q in [0,1] the objective is at most
    gamma ln(exp(s/gamma) + exp(p/gamma)). *)
Lemma shannon_obj_le_lse : forall g s p q, 0 < g -> 0 <= q <= 1 ->
  obj H_shannon g s p q <= g * ln (exp (s / g) + exp (p / g)).
Proof.
  intros g s p q Hg Hq.
  set (a := exp (p / g)). set (b := exp (s / g)).
  assert (Ha : 0 < a) by apply exp_pos. assert (Hb : 0 < b) by apply exp_pos.
  assert (Hpa : p = g * ln a) by (unfold a; rewrite ln_exp; field; lra).
  assert (Hsb : s = g * ln b) by (unfold b; rewrite ln_exp; field; lra).
  destruct (Req_dec q 0) as [->|Hq0].
  - rewrite obj_0 by exact H_shannon_0. rewrite Hsb.
    apply Rmult_le_compat_l; [lra|]. apply ln_le_mono; lra.
  - destruct (Req_dec q 1) as [->|Hq1].
    + rewrite obj_1 by exact H_shannon_1. rewrite Hpa.
      apply Rmult_le_compat_l; [lra|]. apply ln_le_mono; lra.
    + assert (Hq' : 0 < q < 1) by lra. set (Z := b + a).
      assert (HZ : 0 < Z) by (unfold Z; lra).
      assert (HZd : Z = b + a) by reflexivity. clearbody a b Z.
      pose proof (ln_le_sub1 (a / (q * Z)) ltac:(unfold Rdiv; pos)) as L1.
      pose proof (ln_le_sub1 (b / ((1 - q) * Z)) ltac:(unfold Rdiv; pos)) as L2.
      unfold Rdiv in L1, L2.
      rewrite ln_mult, ln_Rinv, ln_mult in L1 by pos.
      rewrite ln_mult, ln_Rinv, ln_mult in L2 by pos.
      assert (E1 : q * (a * / (q * Z) - 1) = a / Z - q) by (field; lra).
      assert (E2 : (1 - q) * (b * / ((1 - q) * Z) - 1) = b / Z - (1 - q)) by (field; lra).
      assert (E3 : a / Z + b / Z = 1) by (rewrite HZd; field; lra).
      unfold obj, H_shannon. rewrite Hpa, Hsb.
      assert (q * (ln a + - (ln q + ln Z)) <= a / Z - q)
        by (rewrite <- E1; apply Rmult_le_compat_l; lra).
      assert ((1 - q) * (ln b + - (ln (1 - q) + ln Z)) <= b / Z - (1 - q))
        by (rewrite <- E2; apply Rmult_le_compat_l; lra).
      assert (q * ln a + (1 - q) * ln b - q * ln q - (1 - q) * ln (1 - q) <= ln Z) by nra.
      replace (q * (g * ln a) + (1 - q) * (g * ln b) +
               g * (- q * ln q - (1 - q) * ln (1 - q)))
        with (g * (q * ln a + (1 - q) * ln b - q * ln q - (1 - q) * ln (1 - q))) by ring.
      apply Rmult_le_compat_l; lra.
Qed.

(** ... with equality at q = sigmoid((p - s)/gamma). *)
Lemma shannon_obj_at_sigmoid : forall g s p, 0 < g ->
  obj H_shannon g s p (q_shannon g s p) = g * ln (exp (s / g) + exp (p / g)).
Proof.
  intros g s p Hg.
  set (a := exp (p / g)). set (b := exp (s / g)).
  assert (Ha : 0 < a) by apply exp_pos. assert (Hb : 0 < b) by apply exp_pos.
  assert (Hpa : p = g * ln a) by (unfold a; rewrite ln_exp; field; lra).
  assert (Hsb : s = g * ln b) by (unfold b; rewrite ln_exp; field; lra).
  assert (Hq : q_shannon g s p = a / (b + a)).
  { unfold q_shannon, sigmoid.
    replace (- ((p - s) / g)) with (s / g - p / g) by (field; lra).
    unfold Rminus. rewrite exp_plus, exp_Ropp. fold a b. field. lra. }
  assert (H1q : 1 - q_shannon g s p = b / (b + a)) by (rewrite Hq; field; lra).
  unfold obj, H_shannon. rewrite H1q, Hq. clearbody a b. unfold Rdiv.
  rewrite !ln_mult, !ln_Rinv by pos. rewrite Hpa at 1. rewrite Hsb at 1. field. lra.
Qed.

Theorem shannon_closed_form_maximises : forall g s p q, 0 < g -> 0 <= q <= 1 ->
  obj H_shannon g s p q <= obj H_shannon g s p (q_shannon g s p).
Proof.
  intros g s p q Hg Hq. rewrite shannon_obj_at_sigmoid by exact Hg.
  apply shannon_obj_le_lse; assumption.
Qed.

Lemma q_shannon_range : forall g s p, 0 <= q_shannon g s p <= 1.
Proof.
  intros g s p. unfold q_shannon, sigmoid. pose proof (exp_pos (- ((p - s) / g))).
  split; [apply Rlt_le, Rinv_0_lt_compat; lra|].
  rewrite <- Rinv_1. apply Rinv_le_contravar; lra.
Qed.

(** The optimal value is the kernel's smoothed max (ShannonDP.smax). *)
Theorem shannon_value_is_smax : forall g s p, 0 < g ->
  obj H_shannon g s p (q_shannon g s p) = smax g s p.
Proof.
  intros g s p Hg. rewrite shannon_obj_at_sigmoid, smax_is_lse by exact Hg. reflexivity.
Qed.

Lemma lse_bounds : forall a b, 0 < b <= a -> ln a <= ln (b + a) <= ln 2 + ln a.
Proof.
  intros a b H. split; [apply ln_le_mono; lra|].
  rewrite <- ln_mult by lra. apply ln_le_mono; lra.
Qed.

Theorem shannon_gap : forall g s p, 0 < g ->
  0 <= obj H_shannon g s p (q_shannon g s p) - Rmax s p <= g * ln 2.
Proof.
  intros g s p Hg. rewrite shannon_obj_at_sigmoid by exact Hg.
  assert (Hm : forall x, x = g * ln (exp (x / g))) by (intros; rewrite ln_exp; field; lra).
  pose proof (exp_pos (s / g)). pose proof (exp_pos (p / g)).
  unfold Rmax. destruct (Rle_dec s p) as [Hsp|Hsp].
  - assert (exp (s / g) <= exp (p / g)).
    { destruct (Req_dec s p) as [->|]; [lra|]. apply Rlt_le, exp_increasing.
      apply Rmult_lt_compat_r; [apply Rinv_0_lt_compat; lra|lra]. }
    destruct (lse_bounds (exp (p / g)) (exp (s / g)) ltac:(lra)) as [A1 A2].
    apply (Rmult_le_compat_l g) in A1, A2; try lra.
    pose proof (Hm p). lra.
  - assert (exp (p / g) <= exp (s / g)).
    { apply Rlt_le, exp_increasing. apply Rmult_lt_compat_r; [apply Rinv_0_lt_compat; lra|lra]. }
    destruct (lse_bounds (exp (s / g)) (exp (p / g)) ltac:(lra)) as [A1 A2].
    rewrite Rplus_comm in A1, A2.
    apply (Rmult_le_compat_l g) in A1, A2; try lra.
    pose proof (Hm s). lra.
Qed.

(** ** Tsallis alpha = 1.5: H(q) = (4/3)(1 - q^1.5 - (1-q)^1.5), Hmax = (4/3)(1 - 2^-1/2) *)

(** q^1.5 is written [q * sqrt q] (equal to [Rpower q (3/2)] for q > 0, see [pow15_Rpower];
    Coq's [Rpower] is not meaningful at 0). *)
Definition pow15 (x : R) : R := x * sqrt x.

Lemma pow15_Rpower : forall x, 0 < x -> Rpower x (3 / 2) = pow15 x.
Proof.
  intros x Hx. unfold pow15. replace (3 / 2) with (1 + / 2) by field.
  rewrite Rpower_plus, Rpower_1, Rpower_sqrt by exact Hx. reflexivity.
Qed.

Definition H_tsallis (q : R) : R := 4 / 3 * (1 - pow15 q - pow15 (1 - q)).
Definition clip11 (x : R) : R := Rmax (-1) (Rmin 1 x).
Definition c_tsallis (g s p : R) : R := clip11 ((p - s) / (2 * g)).
Definition q_of_c (c : R) : R := (1 + c * sqrt (2 - c * c)) / 2.
Definition q_tsallis (g s p : R) : R := q_of_c (c_tsallis g s p).

(** Tangent-line inequality for the convex function x^1.5 on [0, inf):
    x^1.5 >= y^1.5 + (3/2) sqrt(y) (x - y), from (u - v)^2 (u + v/2) >= 0 with u = sqrt x,
    v = sqrt y. *)
Lemma pow15_tangent : forall x y, 0 <= x -> 0 <= y ->
  pow15 y + 3 / 2 * sqrt y * (x - y) <= pow15 x.
Proof.
  intros x y Hx Hy. unfold pow15.
  pose proof (sqrt_sqrt x Hx) as Ex. pose proof (sqrt_sqrt y Hy) as Ey.
  pose proof (sqrt_pos x) as Px. pose proof (sqrt_pos y) as Py.
  set (u := sqrt x) in *. set (v := sqrt y) in *. clearbody u v.
  rewrite <- Ex, <- Ey.
  assert (0 <= (u - v) * (u - v) * (u + v / 2)).
  { apply Rmult_le_pos; [apply Rle_0_sqr | lra]. }
  lra.
Qed.

Lemma clip11_range : forall x, -1 <= clip11 x <= 1.
Proof.
  intros x. unfold clip11, Rmax, Rmin.
  destruct (Rle_dec 1 x); destruct (Rle_dec (-1) _); lra.
Qed.

(** sqrt(qstar) = (r + c)/2 and sqrt(1 - qstar) = (r - c)/2 with r = sqrt(2 - c^2): the first-order
    condition sqrt(qstar) - sqrt(1 - qstar) = c. *)
Lemma q_of_c_sqrt : forall c, -1 <= c <= 1 ->
  let r := sqrt (2 - c * c) in
  0 <= q_of_c c <= 1 /\ sqrt (q_of_c c) = (r + c) / 2 /\ sqrt (1 - q_of_c c) = (r - c) / 2.
Proof.
  intros c Hc r.
  assert (Hr2 : r * r = 2 - c * c) by (apply sqrt_sqrt; nra).
  assert (Hr0 : 0 <= r) by apply sqrt_pos.
  assert (Hrc : c * c <= r * r) by nra.
  assert (Hrc1 : - r <= c <= r).
  { split; apply Rnot_lt_le; intro; nra. }
  assert (E1 : q_of_c c = ((r + c) / 2) * ((r + c) / 2)) by (unfold q_of_c; fold r; nra).
  assert (E2 : 1 - q_of_c c = ((r - c) / 2) * ((r - c) / 2)) by (unfold q_of_c; fold r; nra).
  split; [|split].
  - split; [rewrite E1; apply Rle_0_sqr|].
    assert (0 <= ((r - c) / 2) * ((r - c) / 2)) by apply Rle_0_sqr. lra.
  - rewrite E1. apply sqrt_square. lra.
  - rewrite E2. apply sqrt_square. lra.
Qed.

(** Every q in [0,1] satisfies obj(q) - obj(qstar) <= (q - qstar) (p - s - 2 gamma c). *)
Lemma tsallis_obj_diff : forall g s p c q, 0 < g -> -1 <= c <= 1 -> 0 <= q <= 1 ->
  obj H_tsallis g s p q - obj H_tsallis g s p (q_of_c c)
  <= (q - q_of_c c) * (p - s - 2 * g * c).
Proof.
  intros g s p c q Hg Hc Hq.
  destruct (q_of_c_sqrt c Hc) as [Hqs [Su Sv]].
  set (r := sqrt (2 - c * c)) in *. set (qs := q_of_c c) in *. clearbody r qs.
  pose proof (pow15_tangent q qs ltac:(lra) ltac:(lra)) as T1.
  pose proof (pow15_tangent (1 - q) (1 - qs) ltac:(lra) ltac:(lra)) as T2.
  rewrite Su in T1. rewrite Sv in T2.
  unfold obj, H_tsallis.
  assert (Hg' : g * (pow15 qs + 3 / 2 * ((r + c) / 2) * (q - qs)) <= g * pow15 q)
    by (apply Rmult_le_compat_l; lra).
  assert (Hg'' : g * (pow15 (1 - qs) + 3 / 2 * ((r - c) / 2) * (1 - q - (1 - qs)))
                 <= g * pow15 (1 - q))
    by (apply Rmult_le_compat_l; lra).
  lra.
Qed.

Lemma sqrt_1' : sqrt (2 - 1 * 1) = 1.
Proof. replace (2 - 1 * 1) with 1 by ring. apply sqrt_1. Qed.

Lemma sqrt_1'' : sqrt (2 - -1 * -1) = 1.
Proof. replace (2 - -1 * -1) with 1 by ring. apply sqrt_1. Qed.

Theorem tsallis_closed_form_maximises : forall g s p q, 0 < g -> 0 <= q <= 1 ->
  obj H_tsallis g s p q <= obj H_tsallis g s p (q_tsallis g s p).
Proof.
  intros g s p q Hg Hq. unfold q_tsallis.
  pose proof (clip11_range ((p - s) / (2 * g))) as Hc.
  pose proof (tsallis_obj_diff g s p (c_tsallis g s p) q Hg Hc Hq) as D.
  unfold c_tsallis, clip11 in *.
  set (x := (p - s) / (2 * g)) in *.
  assert (Hx : p - s = 2 * g * x) by (unfold x; field; lra). clearbody x.
  unfold Rmin, Rmax in *.
  destruct (Rle_dec 1 x) as [H1|H1].
  - (* c = 1: qstar = 1 and p - s >= 2 gamma *)
    destruct (Rle_dec (-1) 1) as [_|]; [|lra].
    unfold q_of_c in *. rewrite sqrt_1' in *.
    assert (0 <= (1 - q) * (p - s - 2 * g * 1)) by (apply Rmult_le_pos; nra).
    lra.
  - destruct (Rle_dec (-1) x) as [H2|H2].
    + (* interior: c = (p - s)/(2 gamma), first-order condition holds *)
      replace (p - s - 2 * g * x) with 0 in D by lra. lra.
    + (* c = -1: qstar = 0 and p - s <= -2 gamma *)
      unfold q_of_c in *. rewrite sqrt_1'' in *.
      assert (0 <= q * (- (p - s) - 2 * g)) by (apply Rmult_le_pos; nra).
      lra.
Qed.

Lemma pow15_0 : pow15 0 = 0.
Proof. unfold pow15. ring. Qed.

Lemma pow15_1 : pow15 1 = 1.
Proof. unfold pow15. rewrite sqrt_1. ring. Qed.

Lemma H_tsallis_0 : H_tsallis 0 = 0.
Proof. unfold H_tsallis. rewrite Rminus_0_r, pow15_0, pow15_1. ring. Qed.

Lemma H_tsallis_1 : H_tsallis 1 = 0.
Proof. unfold H_tsallis. replace (1 - 1) with 0 by ring. rewrite pow15_0, pow15_1. ring. Qed.

Definition Hmax_tsallis : R := 4 / 3 * (1 - sqrt (/ 2)).

(** H_tsallis(q) <= Hmax (tangent inequality at 1/2), with equality at q = 1/2. *)
Lemma H_tsallis_le : forall q, 0 <= q <= 1 -> H_tsallis q <= Hmax_tsallis.
Proof.
  intros q Hq.
  pose proof (pow15_tangent q (/ 2) ltac:(lra) ltac:(lra)) as T1.
  pose proof (pow15_tangent (1 - q) (/ 2) ltac:(lra) ltac:(lra)) as T2.
  unfold H_tsallis, Hmax_tsallis, pow15 in *. lra.
Qed.

Lemma H_tsallis_half : H_tsallis (/ 2) = Hmax_tsallis.
Proof.
  unfold H_tsallis, Hmax_tsallis, pow15. replace (1 - / 2) with (/ 2) by field. field.
Qed.

Lemma Hmax_tsallis_value : Hmax_tsallis = 4 / 3 * (1 - / sqrt 2).
Proof. unfold Hmax_tsallis. rewrite sqrt_inv. reflexivity. Qed.

Theorem tsallis_gap : forall g s p, 0 < g ->
  0 <= obj H_tsallis g s p (q_tsallis g s p) - Rmax s p <= g * Hmax_tsallis.
Proof.
  intros g s p Hg. split.
  - pose proof (tsallis_closed_form_maximises g s p 0 Hg ltac:(lra)).
    pose proof (tsallis_closed_form_maximises g s p 1 Hg ltac:(lra)).
    rewrite obj_0 in * by exact H_tsallis_0. rewrite obj_1 in * by exact H_tsallis_1.
    unfold Rmax. destruct (Rle_dec s p); lra.
  - assert (Hq : 0 <= q_tsallis g s p <= 1).
    { apply (q_of_c_sqrt (c_tsallis g s p)), clip11_range. }
    set (q := q_tsallis g s p) in *. clearbody q.
    pose proof (lin_le_max s p q Hq). pose proof (H_tsallis_le q Hq). unfold obj.
    assert (g * H_tsallis q <= g * Hmax_tsallis) by (apply Rmult_le_compat_l; lra). lra.
Qed.

(** Sparsity (SPEC A.2): q* is exactly 1 when p - s >= 2 gamma and exactly 0 when
    p - s <= -2 gamma. *)
Lemma tsallis_sparse : forall g s p, 0 < g ->
  (2 * g <= p - s -> q_tsallis g s p = 1) /\ (p - s <= - (2 * g) -> q_tsallis g s p = 0).
Proof.
  intros g s p Hg. unfold q_tsallis, c_tsallis, clip11, Rmax, Rmin.
  assert (E : forall k, k * (2 * g) <= p - s -> k <= (p - s) / (2 * g)).
  { intros k Hk. apply (Rmult_le_reg_r (2 * g)); [lra|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. exact Hk. }
  assert (E' : forall k, p - s <= k * (2 * g) -> (p - s) / (2 * g) <= k).
  { intros k Hk. apply (Rmult_le_reg_r (2 * g)); [lra|]. unfold Rdiv.
    rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. exact Hk. }
  split; intros H.
  - pose proof (E 1 ltac:(lra)). destruct (Rle_dec 1 _); [|lra].
    destruct (Rle_dec (-1) 1); [|lra]. unfold q_of_c. rewrite sqrt_1'. field.
  - pose proof (E' (-1) ltac:(lra)). destruct (Rle_dec 1 _); [lra|].
    destruct (Rle_dec (-1) _) as [H'|H'].
    + assert (Hx : (p - s) / (2 * g) = -1) by lra. rewrite Hx. unfold q_of_c.
      rewrite sqrt_1''. field.
    + unfold q_of_c. rewrite sqrt_1''. field.
Qed.

(** ** General alpha-Tsallis entropy: alpha = 2 is gini, alpha = 1.5 is tsallis-1.5 *)
Definition H_alpha (a q : R) : R :=
  / (a * (a - 1)) * (1 - Rpower q a - Rpower (1 - q) a).

Lemma H_alpha_2_is_gini : forall q, 0 < q < 1 -> H_alpha 2 q = H_gini q.
Proof.
  intros q Hq. unfold H_alpha, H_gini.
  replace 2 with (INR 2) by (simpl; ring).
  rewrite !Rpower_pow by lra. simpl. field.
Qed.

Lemma H_alpha_15_is_tsallis : forall q, 0 < q < 1 -> H_alpha (3 / 2) q = H_tsallis q.
Proof.
  intros q Hq. unfold H_alpha, H_tsallis.
  rewrite !pow15_Rpower by lra. field.
Qed.
