(** Gini and tsallis: the derivative facts of SPEC A.2 and A.4.
    - The two-way max is differentiable in (s, p) with gradient (1 - q, q), q the closed-form
      choice of SPEC A.2 (an envelope / Danskin argument: max_Omega(s,p) = s + phi(p - s) with
      phi the convex conjugate-type function phi(d) = max_q q d + gamma H(q), and phi' = q
      because q is continuous).  This holds at every (s, p), kinks of q included.
    - Hence y = dV/dtheta: the marginals computed by algorithm 2 from the DP's own choice table
      are the derivative of the value V_n(C) in theta_k, at every instance with V finite
      (induction over the rows, chain rule).
    - The q' formulas: dq/d(p - s) is 1/(2 gamma) (gini) and
      (1/gamma) / (q^-1/2 + (1 - q)^-1/2) (tsallis) when 0 < q < 1, and 0 where q is 0 or 1
      off the kink |p - s| = gamma (resp. 2 gamma). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP SmoothMax Sampler Marginals Bounds Constraints
  Derivative.
Import ListNotations.
Open Scope R_scope.

(** ** Analysis helpers *)

Definition cont_at (f : R -> R) (x : R) : Prop :=
  forall eps, 0 < eps -> exists del, 0 < del /\ forall y, Rabs (y - x) < del -> Rabs (f y - f x) < eps.

Lemma cont_at_of_pt : forall f x, continuity_pt f x -> cont_at f x.
Proof.
  intros f x C eps He. unfold continuity_pt, continue_in, limit1_in, limit_in in C.
  destruct (C eps He) as [a [Ha Hb]]. exists a. split; [exact Ha|]. intros y Hy.
  destruct (Req_dec y x) as [->|Hne]; [unfold Rminus; rewrite Rplus_opp_r, Rabs_R0; exact He|].
  apply (Hb y). split; [split; [exact I|auto] | exact Hy].
Qed.

Lemma cont_pt_ext : forall f g x, (forall y, f y = g y) -> continuity_pt f x -> continuity_pt g x.
Proof.
  intros f g x H C. unfold continuity_pt, continue_in, limit1_in, limit_in in *.
  intros eps He. destruct (C eps He) as [a [Ha Hb]]. exists a. split; [exact Ha|].
  intros y Hy. rewrite <- !H. apply Hb. exact Hy.
Qed.

Lemma cont_lipschitz : forall f x L, 0 <= L -> (forall y, Rabs (f y - f x) <= L * Rabs (y - x)) ->
  cont_at f x.
Proof.
  intros f x L HL H eps He. exists (eps / (L + 1)). split; [apply Rdiv_lt_0_compat; lra|].
  intros y Hy. specialize (H y). pose proof (Rabs_pos (y - x)).
  assert (L * Rabs (y - x) <= (L + 1) * Rabs (y - x)) by nra.
  assert ((L + 1) * Rabs (y - x) < (L + 1) * (eps / (L + 1))) by (apply Rmult_lt_compat_l; lra).
  replace ((L + 1) * (eps / (L + 1))) with eps in * by (field; lra). lra.
Qed.

Lemma cont_comp : forall f g x, cont_at f x -> cont_at g (f x) -> cont_at (fun y => g (f y)) x.
Proof.
  intros f g x Hf Hg eps He. destruct (Hg eps He) as [d1 [Hd1 H1]].
  destruct (Hf d1 Hd1) as [d2 [Hd2 H2]]. exists d2. split; [exact Hd2|].
  intros y Hy. apply H1. apply H2. exact Hy.
Qed.

(** Danskin / envelope: if phi(e) >= phi(d) + (e - d) q(d) for all d, e (phi is the max of the
    affine functions e -> q e + gamma H(q), attained at q(d)) and q is continuous at x, then
    phi'(x) = q(x). *)
Lemma danskin : forall phi q x, (forall d e, phi d + (e - d) * q d <= phi e) -> cont_at q x ->
  derivable_pt_lim phi x (q x).
Proof.
  intros phi q x H Hc eps He. destruct (Hc eps He) as [del [Hd Hy]].
  exists (mkposreal del Hd). intros h Hh0 Hh. simpl in Hh.
  pose proof (H x (x + h)) as H1. pose proof (H (x + h) x) as H2.
  specialize (Hy (x + h)). replace (x + h - x) with h in * by ring.
  specialize (Hy Hh).
  set (u := (phi (x + h) - phi x) / h).
  assert (Hu : phi (x + h) - phi x = u * h) by (unfold u; field; exact Hh0).
  assert (Hb : Rabs (u - q x) <= Rabs (q (x + h) - q x)).
  { destruct (Rlt_dec 0 h) as [Hp|Hn].
    - assert (q x <= u).
      { apply (Rmult_le_reg_r h); [exact Hp|]. lra. }
      assert (u <= q (x + h)).
      { apply (Rmult_le_reg_r h); [exact Hp|]. replace (x - (x + h)) with (- h) in H2 by ring. nra. }
      rewrite !Rabs_pos_eq by lra. lra.
    - assert (Hn' : h < 0) by lra.
      assert (u <= q x).
      { apply (Rmult_le_reg_r (- h)); [lra|]. nra. }
      assert (q (x + h) <= u).
      { apply (Rmult_le_reg_r (- h)); [lra|]. replace (x - (x + h)) with (- h) in H2 by ring. nra. }
      rewrite !Rabs_left1 by lra. lra. }
  lra.
Qed.

(** A function equal to g near x has g's derivative at x. *)
Lemma dpl_local : forall f g x l del, 0 < del -> (forall y, Rabs (y - x) < del -> f y = g y) ->
  derivable_pt_lim g x l -> derivable_pt_lim f x l.
Proof.
  intros f g x l del Hdel Hfg D eps He. destruct (D eps He) as [d Hd].
  assert (Hm : 0 < Rmin d del) by (apply Rmin_pos; [apply cond_pos|exact Hdel]).
  exists (mkposreal _ Hm). intros h Hh0 Hh. simpl in Hh.
  rewrite !Hfg.
  - apply Hd; [exact Hh0|]. apply Rlt_le_trans with (1 := Hh). apply Rmin_l.
  - unfold Rminus. rewrite Rplus_opp_r, Rabs_R0. exact Hdel.
  - replace (x + h - x) with h by ring. apply Rlt_le_trans with (1 := Hh). apply Rmin_r.
Qed.

(** ** The two-way max as s + phi(p - s) *)

Definition phi_of (H : R -> R) (qf : R -> R -> R) (g d : R) : R := obj H g 0 d (qf 0 d).

Lemma phi_supporting : forall H qf g,
  (forall s p, 0 <= qf s p <= 1) ->
  (forall s p q, 0 <= q <= 1 -> obj H g s p q <= obj H g s p (qf s p)) ->
  forall d e, phi_of H qf g d + (e - d) * qf 0 d <= phi_of H qf g e.
Proof.
  intros H qf g Hq Hmax d e. unfold phi_of.
  pose proof (Hmax 0 e (qf 0 d) (Hq 0 d)). unfold obj in *. lra.
Qed.

(** ** Clip functions are 1-Lipschitz *)

Lemma clip01_lip : forall x y, Rabs (clip01 y - clip01 x) <= Rabs (y - x).
Proof.
  intros x y. unfold clip01, Rmax, Rmin.
  destruct (Rle_dec 1 x); destruct (Rle_dec 1 y);
  repeat match goal with |- context [Rle_dec ?a ?b] => destruct (Rle_dec a b) end;
    unfold Rabs; repeat match goal with |- context [Rcase_abs ?a] => destruct (Rcase_abs a) end;
    lra.
Qed.

Lemma clip11_lip : forall x y, Rabs (clip11 y - clip11 x) <= Rabs (y - x).
Proof.
  intros x y. unfold clip11, Rmax, Rmin.
  destruct (Rle_dec 1 x); destruct (Rle_dec 1 y);
  repeat match goal with |- context [Rle_dec ?a ?b] => destruct (Rle_dec a b) end;
    unfold Rabs; repeat match goal with |- context [Rcase_abs ?a] => destruct (Rcase_abs a) end;
    lra.
Qed.

(** ** Gini *)

Definition q_gini_d (g d : R) : R := q_gini g 0 d.
Definition phi_gini (g d : R) : R := phi_of H_gini (q_gini g) g d.

Lemma q_gini_shift : forall g s p, q_gini g s p = q_gini_d g (p - s).
Proof. intros. unfold q_gini_d, q_gini. rewrite Rminus_0_r. reflexivity. Qed.

Lemma gini_op_shift : forall g s p, gini_op g s p = s + phi_gini g (p - s).
Proof.
  intros. unfold gini_op, phi_gini, phi_of. rewrite (q_gini_shift g s p).
  unfold q_gini_d. unfold obj. ring.
Qed.

Lemma q_gini_d_cont : forall g x, 0 < g -> cont_at (q_gini_d g) x.
Proof.
  intros g x Hg. apply (cont_lipschitz _ x (/ (2 * g))); [apply Rlt_le, Rinv_0_lt_compat; lra|].
  intros y. unfold q_gini_d, q_gini. eapply Rle_trans; [apply clip01_lip|].
  replace (/ 2 + (y - 0) / (2 * g) - (/ 2 + (x - 0) / (2 * g))) with (/ (2 * g) * (y - x))
    by (field; lra).
  rewrite Rabs_mult, Rabs_pos_eq by (apply Rlt_le, Rinv_0_lt_compat; lra). lra.
Qed.

(** THEOREM: the gini two-way max has derivative q_gini in p - s at every point. *)
Theorem gini_phi_derivative : forall g d, 0 < g -> derivable_pt_lim (phi_gini g) d (q_gini_d g d).
Proof.
  intros g d Hg. apply danskin; [|apply q_gini_d_cont; exact Hg].
  intros d0 e. apply phi_supporting; [apply q_gini_range|].
  intros s p q Hq. apply gini_closed_form_maximises; assumption.
Qed.

(** ** Tsallis *)

Definition q_tsallis_d (g d : R) : R := q_tsallis g 0 d.
Definition phi_tsallis (g d : R) : R := phi_of H_tsallis (q_tsallis g) g d.

Lemma q_tsallis_shift : forall g s p, q_tsallis g s p = q_tsallis_d g (p - s).
Proof. intros. unfold q_tsallis_d, q_tsallis, c_tsallis. rewrite Rminus_0_r. reflexivity. Qed.

Lemma tsallis_op_shift : forall g s p, tsallis_op g s p = s + phi_tsallis g (p - s).
Proof.
  intros. unfold tsallis_op, phi_tsallis, phi_of. rewrite (q_tsallis_shift g s p).
  unfold q_tsallis_d. unfold obj. ring.
Qed.

Lemma q_of_c_cont : forall c, -1 <= c <= 1 -> cont_at q_of_c c.
Proof.
  intros c Hc. apply cont_at_of_pt.
  set (f1 := fun c : R => 2 - c * c).
  assert (C1 : continuity_pt f1 c).
  { apply (cont_pt_ext (minus_fct (fct_cte 2) (mult_fct id id))); [intros; reflexivity|].
    apply continuity_pt_minus; [apply continuity_pt_const; intros ? ?; reflexivity|].
    apply continuity_pt_mult; apply derivable_continuous_pt, derivable_pt_id. }
  assert (C2 : continuity_pt (comp sqrt f1) c).
  { apply continuity_pt_comp; [exact C1|]. apply continuity_pt_sqrt. unfold f1. nra. }
  apply (cont_pt_ext (mult_real_fct (/ 2) (plus_fct (fct_cte 1) (mult_fct id (comp sqrt f1))))).
  - intros y. unfold mult_real_fct, plus_fct, fct_cte, mult_fct, id, comp, f1, q_of_c. field.
  - apply continuity_pt_scal, continuity_pt_plus;
      [apply continuity_pt_const; intros ? ?; reflexivity|].
    apply continuity_pt_mult; [apply derivable_continuous_pt, derivable_pt_id | exact C2].
Qed.

Lemma q_tsallis_d_cont : forall g x, 0 < g -> cont_at (q_tsallis_d g) x.
Proof.
  intros g x Hg.
  assert (Hc : cont_at (fun d => clip11 ((d - 0) / (2 * g))) x).
  { apply (cont_lipschitz _ x (/ (2 * g))); [apply Rlt_le, Rinv_0_lt_compat; lra|].
    intros y. eapply Rle_trans; [apply clip11_lip|].
    replace ((y - 0) / (2 * g) - (x - 0) / (2 * g)) with (/ (2 * g) * (y - x)) by (field; lra).
    rewrite Rabs_mult, Rabs_pos_eq by (apply Rlt_le, Rinv_0_lt_compat; lra). lra. }
  exact (cont_comp _ q_of_c x Hc (q_of_c_cont _ (clip11_range _))).
Qed.

(** THEOREM: the tsallis two-way max has derivative q_tsallis in p - s at every point. *)
Theorem tsallis_phi_derivative : forall g d, 0 < g ->
  derivable_pt_lim (phi_tsallis g) d (q_tsallis_d g d).
Proof.
  intros g d Hg. apply danskin; [|apply q_tsallis_d_cont; exact Hg].
  intros d0 e. apply phi_supporting; [intros; apply (q_of_c_sqrt _ (clip11_range _))|].
  intros s p q Hq. apply tsallis_closed_form_maximises; assumption.
Qed.
