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
  Derivative Convexity.
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

(** ** y = dV/dtheta through the whole DP *)

Definition val (o : option R) : R := match o with Some v => v | None => 0 end.

(** Probability that the sampler started at c picks the k-th item (= y_k for c = C). *)
Definition pick (Qf : qtable) (l : list itemR) (c k : nat) : R :=
  sumR (map (fun y => if nth k y false then pathprob Qf l c y else 0) (allsel (length l))).

Lemma pick_0 : forall Qf t w l c,
  pick Qf ((t, w) :: l) c 0 = if Nat.leb w c then Qf ((t, w) :: l) c else 0.
Proof.
  intros Qf t w l c. unfold pick. cbn [length allsel]. rewrite sumR_cons_split.
  cbn [nth pathprob]. destruct (Nat.leb w c).
  - rewrite (sumR_ext _ (fun y => Qf ((t, w) :: l) c * pathprob Qf l (c - w) y))
      by (intros; ring).
    rewrite sumR_scale, sampler_paths_sum_to_one. ring.
  - apply sumR_zero. intros; ring.
Qed.

Lemma pick_S : forall Qf t w l c k,
  pick Qf ((t, w) :: l) c (S k) =
  if Nat.leb w c then (1 - Qf ((t, w) :: l) c) * pick Qf l c k
                      + Qf ((t, w) :: l) c * pick Qf l (c - w) k
  else pick Qf l c k.
Proof.
  intros Qf t w l c k. unfold pick. cbn [length allsel]. rewrite sumR_cons_split.
  cbn [nth pathprob]. destruct (Nat.leb w c).
  - rewrite <- !sumR_scale, <- sumR_plus. apply sumR_ext. intros y _.
    destruct (nth k y false); ring.
  - apply sumR_ext. intros y _. destruct (nth k y false); ring.
Qed.

Lemma Rdp_none_set_theta : forall op m k t t' l c,
  Rdp op m (set_theta k t l) c = None -> Rdp op m (set_theta k t' l) c = None.
Proof.
  intros op m k t t' l. revert k. induction l as [|[t0 w] l IH]; intros k c H.
  - destruct k; exact H.
  - destruct k as [|k]; cbn [set_theta Rdp] in *.
    + destruct (Rdp op m l c); [destruct (if Nat.leb w c then _ else _); discriminate|].
      destruct (Nat.leb w c); [|reflexivity].
      destruct (Rdp op m l (c - w)); [discriminate|reflexivity].
    + destruct (Rdp op m (set_theta k t l) c) eqn:E1;
        [destruct (if Nat.leb w c then _ else _); discriminate|].
      rewrite (IH k c E1).
      destruct (Nat.leb w c); [|reflexivity].
      destruct (Rdp op m (set_theta k t l) (c - w)) eqn:E2; [discriminate|].
      rewrite (IH k (c - w)%nat E2). reflexivity.
Qed.

Lemma Rdp_some_set_theta : forall op m k t t' l c a,
  Rdp op m (set_theta k t l) c = Some a -> exists a', Rdp op m (set_theta k t' l) c = Some a'.
Proof.
  intros op m k t t' l c a H. destruct (Rdp op m (set_theta k t' l) c) eqn:E; [eauto|].
  apply (Rdp_none_set_theta op m k t' t) in E. congruence.
Qed.

Lemma dpl_eq : forall f x l1 l2, derivable_pt_lim f x l1 -> l1 = l2 -> derivable_pt_lim f x l2.
Proof. intros; subst; assumption. Qed.

Lemma dpl_cst : forall a x, derivable_pt_lim (fun _ => a) x 0.
Proof. intros. apply (dpl_ext (fct_cte a)); [reflexivity|apply derivable_pt_lim_const]. Qed.

Lemma dpl_shift : forall f x l a, derivable_pt_lim f x l -> derivable_pt_lim (fun t => f t + a) x l.
Proof.
  intros f x l a D. apply (dpl_ext (plus_fct f (fct_cte a))); [reflexivity|].
  apply (dpl_eq _ _ (l + 0)); [|ring]. apply derivable_pt_lim_plus; [exact D|].
  apply derivable_pt_lim_const.
Qed.

(** Chain rule for s + phi(p - s). *)
Lemma dpl_op : forall phi qphi fs fp x ds dp, (forall d, derivable_pt_lim phi d (qphi d)) ->
  derivable_pt_lim fs x ds -> derivable_pt_lim fp x dp ->
  derivable_pt_lim (fun t => fs t + phi (fp t - fs t)) x
    ((1 - qphi (fp x - fs x)) * ds + qphi (fp x - fs x) * dp).
Proof.
  intros phi qphi fs fp x ds dp Hphi Ds Dp.
  apply (dpl_ext (plus_fct fs (comp phi (minus_fct fp fs)))); [reflexivity|].
  apply (dpl_eq _ _ (ds + qphi (fp x - fs x) * (dp - ds))); [|ring].
  apply derivable_pt_lim_plus; [exact Ds|].
  apply derivable_pt_lim_comp; [apply derivable_pt_lim_minus; assumption|].
  apply Hphi.
Qed.

(** THEOREM (y = dV/dtheta for any two-way max of the form s + phi(p - s) with phi' = q):
    the derivative of the value V(c) in theta_k is the probability that the sampler started at c
    with the DP's own choice table picks item k (= the marginal y_k of algorithm 2, for c = C),
    at every instance where V(c) is finite. *)
Theorem dp_gradient : forall op qop phi qphi m l k x c,
  (forall s p, op s p = s + phi (p - s)) -> (forall s p, qop s p = qphi (p - s)) ->
  (forall d, derivable_pt_lim phi d (qphi d)) ->
  (k < length l)%nat -> Rdp op m (set_theta k x l) c <> None ->
  derivable_pt_lim (fun t => val (Rdp op m (set_theta k t l) c)) x
    (pick (Qdp op qop m) (set_theta k x l) c k).
Proof.
  intros op qop phi qphi m l k x c Hop Hq Hphi. revert k c.
  induction l as [|[t0 w] l IH]; intros k c Hk Hfin; [simpl in Hk; lia|].
  destruct k as [|k].
  - cbn [set_theta] in *. rewrite pick_0, Qdp_cons. cbn [Rdp] in *.
    destruct (Nat.leb w c) eqn:Ew.
    + destruct (Rdp op m l c) as [a|] eqn:Ea; destruct (Rdp op m l (c - w)) as [b|] eqn:Eb;
        simpl in Hfin |- *.
      * apply (dpl_ext (fun t => (fun _ => a) t + phi ((fun t => b + t) t - (fun _ => a) t))).
        { intros t. rewrite Hop. reflexivity. }
        assert (Dp : derivable_pt_lim (fun t => b + t) x 1).
        { apply (dpl_ext (plus_fct (fct_cte b) id)); [reflexivity|].
          apply (dpl_eq _ _ (0 + 1)); [|ring].
          apply derivable_pt_lim_plus; [apply derivable_pt_lim_const|apply derivable_pt_lim_id]. }
        eapply dpl_eq; [apply (dpl_op phi qphi (fun _ => a) (fun t => b + t) x 0 1 Hphi (dpl_cst a x) Dp)|].
        cbv beta. rewrite Hq. ring.
      * apply dpl_cst.
      * apply (dpl_ext (plus_fct (fct_cte b) id)); [reflexivity|].
        apply (dpl_eq _ _ (0 + 1)); [|ring].
        apply derivable_pt_lim_plus; [apply derivable_pt_lim_const|apply derivable_pt_lim_id].
      * contradiction.
    + apply dpl_cst.
  - cbn [set_theta length] in *. rewrite pick_S, Qdp_cons. cbn [Rdp] in *.
    assert (Hk' : (k < length l)%nat) by lia.
    destruct (Nat.leb w c) eqn:Ew.
    + destruct (Rdp op m (set_theta k x l) c) as [a|] eqn:Ea;
        destruct (Rdp op m (set_theta k x l) (c - w)) as [b|] eqn:Eb; simpl in Hfin.
      * pose proof (IH k c Hk' ltac:(congruence)) as Ds.
        pose proof (IH k (c - w)%nat Hk' ltac:(congruence)) as Dp.
        apply (dpl_ext (fun t => (fun t => val (Rdp op m (set_theta k t l) c)) t +
                 phi ((fun t => val (Rdp op m (set_theta k t l) (c - w)) + t0) t
                      - (fun t => val (Rdp op m (set_theta k t l) c)) t))).
        { intros t. destruct (Rdp_some_set_theta op m k x t l c a Ea) as [a' Ea'].
          destruct (Rdp_some_set_theta op m k x t l (c - w) b Eb) as [b' Eb'].
          rewrite Ea', Eb'. simpl. rewrite Hop. reflexivity. }
        eapply dpl_eq; [apply (dpl_op phi qphi); [exact Hphi | exact Ds | apply dpl_shift; exact Dp]|].
        cbv beta. rewrite Ea, Eb. simpl. rewrite Hq. reflexivity.
      * pose proof (IH k c Hk' ltac:(congruence)) as Ds.
        apply (dpl_ext (fun t => val (Rdp op m (set_theta k t l) c))).
        { intros t. destruct (Rdp_some_set_theta op m k x t l c a Ea) as [a' Ea'].
          rewrite (Rdp_none_set_theta op m k x t l (c - w) Eb), Ea'. reflexivity. }
        eapply dpl_eq; [exact Ds|]. ring.
      * pose proof (IH k (c - w)%nat Hk' ltac:(congruence)) as Dp.
        apply (dpl_ext (fun t => val (Rdp op m (set_theta k t l) (c - w)) + t0)).
        { intros t. destruct (Rdp_some_set_theta op m k x t l (c - w) b Eb) as [b' Eb'].
          rewrite (Rdp_none_set_theta op m k x t l c Ea), Eb'. reflexivity. }
        eapply dpl_eq; [apply dpl_shift; exact Dp|]. ring.
      * contradiction.
    + destruct (Rdp op m (set_theta k x l) c) as [a|] eqn:Ea; simpl in Hfin; [|contradiction].
      pose proof (IH k c Hk' ltac:(congruence)) as Ds.
      apply (dpl_ext (fun t => val (Rdp op m (set_theta k t l) c))); [|exact Ds].
      intros t. destruct (Rdp_some_set_theta op m k x t l c a Ea) as [a' Ea'].
      rewrite Ea'. reflexivity.
Qed.

Lemma pick_is_marginal : forall Qf l C k, (k < length l)%nat ->
  pick Qf l C k = nth k (marginals Qf l C) 0.
Proof. intros. unfold pick. rewrite marginals_are_pick_probabilities by assumption. reflexivity. Qed.

(** THEOREM (gini, y = dV/dtheta): wherever V is finite, the k-th marginal computed from the
    DP's own gini table is the derivative of V in theta_k (kinks of q included: V is C^1). *)
Theorem gini_gradient_is_marginal : forall g m l C k x, 0 < g -> (k < length l)%nat ->
  Rdp (gini_op g) m (set_theta k x l) C <> None ->
  derivable_pt_lim (fun t => val (Rdp (gini_op g) m (set_theta k t l) C)) x
    (nth k (marginals (Qdp (gini_op g) (q_gini g) m) (set_theta k x l) C) 0).
Proof.
  intros g m l C k x Hg Hk Hfin.
  rewrite <- pick_is_marginal by (rewrite set_theta_length; exact Hk).
  apply (dp_gradient _ _ (phi_gini g) (q_gini_d g)); auto.
  - apply gini_op_shift.
  - apply q_gini_shift.
  - intros d. apply gini_phi_derivative. exact Hg.
Qed.

(** THEOREM (tsallis, y = dV/dtheta): the same for tsallis-1.5. *)
Theorem tsallis_gradient_is_marginal : forall g m l C k x, 0 < g -> (k < length l)%nat ->
  Rdp (tsallis_op g) m (set_theta k x l) C <> None ->
  derivable_pt_lim (fun t => val (Rdp (tsallis_op g) m (set_theta k t l) C)) x
    (nth k (marginals (Qdp (tsallis_op g) (q_tsallis g) m) (set_theta k x l) C) 0).
Proof.
  intros g m l C k x Hg Hk Hfin.
  rewrite <- pick_is_marginal by (rewrite set_theta_length; exact Hk).
  apply (dp_gradient _ _ (phi_tsallis g) (q_tsallis_d g)); auto.
  - apply tsallis_op_shift.
  - apply q_tsallis_shift.
  - intros d. apply tsallis_phi_derivative. exact Hg.
Qed.

(** ** The q' formulas of SPEC A.2 (derivative of q in p - s, written in q alone) *)

Lemma dpl_affine : forall a b x, derivable_pt_lim (fun y => a + b * y) x b.
Proof.
  intros a b x. apply (dpl_ext (plus_fct (fct_cte a) (mult_real_fct b id))); [reflexivity|].
  apply (dpl_eq _ _ (0 + b * 1)); [|ring].
  apply derivable_pt_lim_plus; [apply derivable_pt_lim_const|].
  apply derivable_pt_lim_scal, derivable_pt_lim_id.
Qed.

Lemma div_2g_eq : forall g x, 0 < g -> x / (2 * g) * (2 * g) = x.
Proof. intros. field. lra. Qed.

Lemma gini_q_band : forall g d, 0 < g -> 0 < q_gini_d g d < 1 -> Rabs d < g.
Proof.
  intros g d Hg Hq. unfold q_gini_d, q_gini in Hq. rewrite Rminus_0_r in Hq.
  pose proof (div_2g_eq g d Hg) as E.
  destruct (Rlt_dec (Rabs d) g) as [H|H]; [exact H|exfalso].
  unfold Rabs in H. destruct (Rcase_abs d).
  - rewrite clip01_lo in Hq; [lra|].
    assert (d / (2 * g) <= - / 2); [|lra].
    apply (Rmult_le_reg_r (2 * g)); [lra|]. rewrite E. lra.
  - rewrite clip01_hi in Hq; [lra|].
    assert (/ 2 <= d / (2 * g)); [|lra].
    apply (Rmult_le_reg_r (2 * g)); [lra|]. rewrite E. lra.
Qed.

(** THEOREM (gini q'): where 0 < q < 1, dq/d(p - s) = 1/(2 gamma). *)
Theorem gini_q_derivative_interior : forall g d, 0 < g -> 0 < q_gini_d g d < 1 ->
  derivable_pt_lim (q_gini_d g) d (/ (2 * g)).
Proof.
  intros g d Hg Hq. pose proof (gini_q_band g d Hg Hq) as Hd.
  apply (dpl_local _ (fun y => / 2 + / (2 * g) * y) d _ (g - Rabs d)); [lra| |apply dpl_affine].
  intros y Hy. unfold q_gini_d, q_gini. rewrite Rminus_0_r.
  assert (Hy' : Rabs y < g).
  { pose proof (Rabs_triang (y - d) d) as T. replace (y - d + d) with y in T by ring. lra. }
  apply Rabs_def2 in Hy'.
  rewrite clip01_mid; [unfold Rdiv; ring|].
  pose proof (div_2g_eq g y Hg) as E2.
  split.
  - apply (Rmult_le_reg_r (2 * g)); [lra|]. rewrite Rmult_plus_distr_r, E2. lra.
  - apply (Rmult_le_reg_r (2 * g)); [lra|]. rewrite Rmult_plus_distr_r, E2. lra.
Qed.

(** THEOREM (gini q'): off the kink, where q is 0 or 1 (|p - s| > gamma), dq/d(p - s) = 0. *)
Theorem gini_q_derivative_sparse : forall g d, 0 < g -> g < Rabs d ->
  derivable_pt_lim (q_gini_d g) d 0.
Proof.
  intros g d Hg Hd.
  assert (Hloc : forall y, Rabs (y - d) < Rabs d - g -> q_gini_d g y = q_gini_d g d).
  { intros y Hy. unfold q_gini_d, q_gini. rewrite !Rminus_0_r.
    pose proof (div_2g_eq g y Hg). pose proof (div_2g_eq g d Hg).
    apply Rabs_def2 in Hy. unfold Rabs in Hd, Hy. destruct (Rcase_abs d).
    - rewrite !clip01_lo; [reflexivity| |].
      + assert (d / (2 * g) <= - / 2); [|lra].
        apply (Rmult_le_reg_r (2 * g)); [lra|]. rewrite H0. lra.
      + assert (y / (2 * g) <= - / 2); [|lra].
        apply (Rmult_le_reg_r (2 * g)); [lra|]. rewrite H. lra.
    - rewrite !clip01_hi; [reflexivity| |].
      + assert (/ 2 <= d / (2 * g)); [|lra].
        apply (Rmult_le_reg_r (2 * g)); [lra|]. rewrite H0. lra.
      + assert (/ 2 <= y / (2 * g)); [|lra].
        apply (Rmult_le_reg_r (2 * g)); [lra|]. rewrite H. lra. }
  apply (dpl_local _ (fun _ => q_gini_d g d) d _ (Rabs d - g)); [lra|exact Hloc|apply dpl_cst].
Qed.

(** The derivative of q_of_c on (-1, 1): (1 - c^2) / sqrt(2 - c^2). *)
Lemma q_of_c_deriv : forall c, -1 < c < 1 ->
  derivable_pt_lim q_of_c c ((1 - c * c) / sqrt (2 - c * c)).
Proof.
  intros c Hc.
  set (f1 := fun c : R => 2 - c * c).
  assert (D1 : derivable_pt_lim f1 c (0 - (1 * c + c * 1))).
  { apply (dpl_ext (minus_fct (fct_cte 2) (mult_fct id id))); [reflexivity|].
    apply derivable_pt_lim_minus; [apply derivable_pt_lim_const|].
    apply derivable_pt_lim_mult; apply derivable_pt_lim_id. }
  assert (Hpos : 0 < f1 c) by (unfold f1; nra).
  assert (D2 : derivable_pt_lim (comp sqrt f1) c (/ (2 * sqrt (f1 c)) * (0 - (1 * c + c * 1)))).
  { apply derivable_pt_lim_comp; [exact D1|]. apply derivable_pt_lim_sqrt. exact Hpos. }
  assert (D3 : derivable_pt_lim (mult_fct id (comp sqrt f1)) c
                 (1 * comp sqrt f1 c + id c * (/ (2 * sqrt (f1 c)) * (0 - (1 * c + c * 1))))).
  { apply derivable_pt_lim_mult; [apply derivable_pt_lim_id|exact D2]. }
  assert (D4 : derivable_pt_lim (mult_real_fct (/ 2) (plus_fct (fct_cte 1) (mult_fct id (comp sqrt f1)))) c
                 (/ 2 * (0 + (1 * comp sqrt f1 c + id c * (/ (2 * sqrt (f1 c)) * (0 - (1 * c + c * 1))))))).
  { apply derivable_pt_lim_scal, derivable_pt_lim_plus; [apply derivable_pt_lim_const|exact D3]. }
  apply (dpl_ext _ q_of_c) in D4.
  2:{ intros y. unfold mult_real_fct, plus_fct, fct_cte, mult_fct, id, comp, f1, q_of_c. field. }
  eapply dpl_eq; [exact D4|].
  unfold comp, id. fold (f1 c).
  assert (Hs : 0 < sqrt (f1 c)) by (apply sqrt_lt_R0; exact Hpos).
  assert (Hss : sqrt (f1 c) * sqrt (f1 c) = f1 c) by (apply sqrt_sqrt; lra).
  unfold f1 in *. field_simplify; [|lra|lra].
  replace (sqrt (2 - c * c) ^ 2) with (2 - c * c) by (rewrite <- Hss at 1; ring). field. lra.
Qed.

Lemma tsallis_q_band : forall g d, 0 < g -> 0 < q_tsallis_d g d < 1 -> Rabs d < 2 * g.
Proof.
  intros g d Hg Hq. destruct (tsallis_sparse g 0 d Hg) as [H1 H0].
  unfold q_tsallis_d in Hq. rewrite Rminus_0_r in H1, H0.
  destruct (Rlt_dec (Rabs d) (2 * g)) as [H|H]; [exact H|exfalso].
  unfold Rabs in H. destruct (Rcase_abs d).
  - rewrite H0 in Hq; lra.
  - rewrite H1 in Hq; lra.
Qed.

(** THEOREM (tsallis q'): where 0 < q < 1,
    dq/d(p - s) = (1/gamma) / (q^-1/2 + (1 - q)^-1/2). *)
Theorem tsallis_q_derivative_interior : forall g d, 0 < g -> 0 < q_tsallis_d g d < 1 ->
  derivable_pt_lim (q_tsallis_d g) d
    (/ g / (/ sqrt (q_tsallis_d g d) + / sqrt (1 - q_tsallis_d g d))).
Proof.
  intros g d Hg Hq. pose proof (tsallis_q_band g d Hg Hq) as Hd.
  assert (Hloc : forall y, Rabs y < 2 * g -> q_tsallis_d g y = q_of_c (y / (2 * g))).
  { intros y Hy. unfold q_tsallis_d, q_tsallis, c_tsallis, clip11. rewrite Rminus_0_r.
    pose proof (div_2g_eq g y Hg). apply Rabs_def2 in Hy.
    assert (-1 < y / (2 * g) < 1).
    { split; apply (Rmult_lt_reg_r (2 * g)); try lra; rewrite H; lra. }
    rewrite Rmin_right, Rmax_right by lra. reflexivity. }
  set (c := d / (2 * g)).
  assert (Hc : -1 < c < 1).
  { pose proof (div_2g_eq g d Hg). apply Rabs_def2 in Hd. unfold c.
    split; apply (Rmult_lt_reg_r (2 * g)); try lra; rewrite H; lra. }
  assert (D : derivable_pt_lim (fun y => q_of_c (y / (2 * g))) d
                ((1 - c * c) / sqrt (2 - c * c) * / (2 * g))).
  { apply (dpl_ext (comp q_of_c (mult_real_fct (/ (2 * g)) id))).
    { intros y. unfold comp, mult_real_fct, id, Rdiv. rewrite Rmult_comm. reflexivity. }
    apply (derivable_pt_lim_comp _ _ d (/ (2 * g)) ((1 - c * c) / sqrt (2 - c * c))).
    - apply (dpl_eq _ _ (/ (2 * g) * 1)); [|ring].
      apply derivable_pt_lim_scal, derivable_pt_lim_id.
    - unfold mult_real_fct, id. replace (/ (2 * g) * d) with c by (unfold c, Rdiv; ring).
      apply q_of_c_deriv. exact Hc. }
  apply (dpl_local (q_tsallis_d g) (fun y => q_of_c (y / (2 * g))) d _ (2 * g - Rabs d)) in D;
    [| lra | intros y Hy; apply Hloc; pose proof (Rabs_triang (y - d) d) as T;
             replace (y - d + d) with y in T by ring; lra].
  - eapply dpl_eq; [exact D|].
    rewrite Hloc by exact Hd. fold c.
    destruct (q_of_c_sqrt c ltac:(lra)) as [_ [Su Sv]].
    rewrite Su, Sv.
    set (r := sqrt (2 - c * c)) in *.
    assert (Hr2 : r * r = 2 - c * c) by (apply sqrt_sqrt; nra).
    assert (Hr : 0 < r) by (apply sqrt_lt_R0; nra).
    assert (Hrc : c < r /\ - c < r) by (split; nra).
    assert (Hab : (r + c) / 2 * ((r - c) / 2) = (1 - c * c) / 2).
    { transitivity ((r * r - c * c) / 4); [field|]. rewrite Hr2. field. }
    transitivity (/ g * ((r + c) / 2 * ((r - c) / 2)) / r).
    + rewrite Hab. field. split; lra.
    + field. repeat split; lra.
Qed.

(** THEOREM (tsallis q'): off the kink, where q is 0 or 1 (|p - s| > 2 gamma), dq/d(p - s) = 0. *)
Theorem tsallis_q_derivative_sparse : forall g d, 0 < g -> 2 * g < Rabs d ->
  derivable_pt_lim (q_tsallis_d g) d 0.
Proof.
  intros g d Hg Hd.
  assert (Hloc : forall y, Rabs (y - d) < Rabs d - 2 * g -> q_tsallis_d g y = q_tsallis_d g d).
  { intros y Hy. unfold q_tsallis_d.
    destruct (tsallis_sparse g 0 y Hg) as [Y1 Y0]. destruct (tsallis_sparse g 0 d Hg) as [D1 D0].
    rewrite Rminus_0_r in Y1, Y0, D1, D0.
    apply Rabs_def2 in Hy. unfold Rabs in Hd, Hy. destruct (Rcase_abs d).
    - rewrite Y0, D0 by lra. reflexivity.
    - rewrite Y1, D1 by lra. reflexivity. }
  apply (dpl_local _ (fun _ => q_tsallis_d g d) d _ (Rabs d - 2 * g)); [lra|exact Hloc|apply dpl_cst].
Qed.
