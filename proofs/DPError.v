(** Issue item 1: an f64 error bound for the whole DP.

    1. Every two-way max used here (hard, shannon, gini, tsallis) is 1-Lipschitz in the max
       norm: |op(s,p) - op(s',p')| <= max(|s - s'|, |p - p'|) (monotone and
       translation-equivariant).
    2. A per-cell bound for the shannon smax as the fast kernels compute it (rounded p - s,
       multiplication by a rounded 1/gamma, exp and ln1p within k ulps, a fused multiply-add
       at the end) and as the f64 reference computes it (rounded p - s, a division by gamma,
       std exp and ln_1p within k ulps, separate multiply and add).
    3. Propagation through the rows: if every computed cell is within a*max(|s|,|p|) + b of
       the exact two-way max of its (computed) inputs and every p = V + theta is rounded with
       relative error u (plus eta), then |V_f64 - V| <= n eps for every eps >= 0 with
         (a (1 + u) + u) n (Theta + H + eps) + a eta + b + eta <= eps,
       Theta = max |theta|, H = the regularizer's gap gamma Hmax; the smallest such eps is
         eps = ((a (1 + u) + u) n (Theta + H) + a eta + b + eta) / (1 - (a (1 + u) + u) n).
       The bound does not depend on the capacity C: an error travels along one path of n
       cells. *)

From Coq Require Import List Arith Lia Reals Lra.
From Flocq Require Import Core.
From DiffKnap Require Import Common ShannonDP SmoothMax Bounds LseError GiniTsallis GTDerivative.
Import ListNotations.
Open Scope R_scope.

(** ** 1. Lipschitz constant 1 in the max norm *)

Definition op_lip (op : R -> R -> R) : Prop :=
  forall s p s' p', Rabs (op s p - op s' p') <= Rmax (Rabs (s - s')) (Rabs (p - p')).

Lemma lip_of_mono_transl : forall op,
  (forall s p s' p', s <= s' -> p <= p' -> op s p <= op s' p') ->
  (forall s p t, op (s + t) (p + t) = op s p + t) -> op_lip op.
Proof.
  intros op Hm Ht s p s' p'.
  set (dl := Rmax (Rabs (s - s')) (Rabs (p - p'))).
  pose proof (Rabs_le_inv _ _ (Rmax_l (Rabs (s - s')) (Rabs (p - p')))) as A.
  pose proof (Rabs_le_inv _ _ (Rmax_r (Rabs (s - s')) (Rabs (p - p')))) as B.
  fold dl in A, B.
  assert (U1 : op s p <= op s' p' + dl).
  { rewrite <- Ht. apply Hm; lra. }
  assert (U2 : op s' p' <= op s p + dl).
  { rewrite <- Ht. apply Hm; lra. }
  apply Rabs_le. lra.
Qed.

Lemma Rmax_transl : forall s p t, Rmax (s + t) (p + t) = Rmax s p + t.
Proof. intros. unfold Rmax. destruct (Rle_dec s p); destruct (Rle_dec (s + t) (p + t)); lra. Qed.

Lemma Rmax_lip : op_lip Rmax.
Proof.
  apply lip_of_mono_transl; [|apply Rmax_transl].
  intros s p s' p' Hs Hp. unfold Rmax.
  destruct (Rle_dec s p); destruct (Rle_dec s' p'); lra.
Qed.

Lemma smax_lip : forall g, 0 < g -> op_lip (smax g).
Proof.
  intros g Hg. apply lip_of_mono_transl.
  - intros s p s' p' Hs Hp. rewrite !smax_is_lse by exact Hg.
    apply Rmult_le_compat_l; [lra|].
    assert (exp (s / g) <= exp (s' / g)).
    { apply Bounds.exp_le_mono. unfold Rdiv. apply Rmult_le_compat_r; [|lra].
      apply Rlt_le, Rinv_0_lt_compat; lra. }
    assert (exp (p / g) <= exp (p' / g)).
    { apply Bounds.exp_le_mono. unfold Rdiv. apply Rmult_le_compat_r; [|lra].
      apply Rlt_le, Rinv_0_lt_compat; lra. }
    pose proof (exp_pos (s / g)). pose proof (exp_pos (p / g)).
    apply SmoothMax.ln_le_mono; lra.
  - intros s p t. unfold smax. rewrite Rmax_transl.
    replace (p + t - (s + t)) with (p - s) by ring. ring.
Qed.

Lemma gini_lip : forall g, 0 < g -> op_lip (gini_op g).
Proof.
  intros g Hg. apply lip_of_mono_transl.
  - destruct (max_Omega_convex_mono H_gini g (q_gini g) (q_gini_range g)) as [_ Hm].
    + intros s p q Hq. apply gini_closed_form_maximises; assumption.
    + exact Hm.
  - intros s p t. rewrite !gini_op_shift. replace (p + t - (s + t)) with (p - s) by ring. ring.
Qed.

Lemma tsallis_lip : forall g, 0 < g -> op_lip (tsallis_op g).
Proof.
  intros g Hg. apply lip_of_mono_transl.
  - destruct (max_Omega_convex_mono H_tsallis g (q_tsallis g) (q_tsallis_range g)) as [_ Hm].
    + intros s p q Hq. apply tsallis_closed_form_maximises; assumption.
    + exact Hm.
  - intros s p t. rewrite !tsallis_op_shift. replace (p + t - (s + t)) with (p - s) by ring. ring.
Qed.

(** ** 3. Propagation through the rows *)

(** The computed DP: two-way max [opf] and addition [addf] as the machine performs them. *)
Fixpoint Fdp (opf addf : R -> R -> R) (m : mode) (l : list itemR) (c : nat) : option R :=
  match l with
  | [] => vrow0 m c
  | (t, w) :: l' =>
      oop opf (Fdp opf addf m l' c)
        (if Nat.leb w c then option_map (fun v => addf v t) (Fdp opf addf m l' (c - w)) else None)
  end.

Definition close (e : R) (v vf : option R) : Prop :=
  match v, vf with
  | Some x, Some y => Rabs (y - x) <= e
  | None, None => True
  | _, _ => False
  end.

Definition bounded (M : R) (v : option R) : Prop :=
  match v with Some x => Rabs x <= M | None => True end.

Lemma dp_error_gen : forall op opf addf m a b u eta Th H eps N l,
  op_lip op -> (forall s p, Rmax s p <= op s p <= Rmax s p + H) -> 0 <= H ->
  (forall s p, Rabs (opf s p - op s p) <= a * Rmax (Rabs s) (Rabs p) + b) ->
  (forall x y, Rabs (addf x y - (x + y)) <= u * Rabs (x + y) + eta) ->
  0 <= a -> 0 <= u -> 0 <= eta -> 0 <= b -> 0 <= Th -> 0 <= eps ->
  Forall (fun it => Rabs (fst it) <= Th) l -> (length l <= N)%nat ->
  (a * (1 + u) + u) * (INR N * (Th + H + eps)) + a * eta + b + eta <= eps ->
  forall c, close (INR (length l) * eps) (Rdp op m l c) (Fdp opf addf m l c) /\
            bounded (INR (length l) * (Th + H)) (Rdp op m l c).
Proof.
  intros op opf addf m a b u eta Th H eps N l Hlip Hgap HH Hcell Hadd Ha Hu Heta Hb HTh Heps.
  induction l as [|[t w] l IH]; intros Hth HN Hfix c.
  - simpl. rewrite Rmult_0_l, Rmult_0_l. destruct m; simpl.
    + rewrite Rminus_0_r, Rabs_R0. lra.
    + destruct (Nat.eqb c 0); simpl; [rewrite Rminus_0_r, Rabs_R0; lra | tauto].
  - inversion Hth as [|? ? Ht Hth']; subst. simpl fst in Ht. simpl length in HN.
    specialize (IH Hth' ltac:(lia) Hfix).
    cbn [Rdp Fdp length]. rewrite S_INR.
    set (i := INR (length l)) in *.
    assert (Hi0 : 0 <= i) by apply pos_INR.
    assert (HiN : i + 1 <= INR N) by (unfold i; rewrite <- S_INR; apply le_INR; lia).
    set (M := INR N * (Th + H + eps)) in *.
    assert (HM0 : 0 <= M) by (unfold M; pose proof (pos_INR N); nra).
    assert (HuM0 : 0 <= u * M) by (apply Rmult_le_pos; lra).
    assert (HM : (i + 1) * (Th + H + eps) <= M) by (unfold M; apply Rmult_le_compat_r; lra).
    assert (Hk : 0 <= a * (1 + u) + u) by nra.
    assert (Hae : 0 <= a * eta) by nra.
    assert (HuM : u * M + eta <= eps).
    { assert (0 <= a * (1 + u) * M) by (apply Rmult_le_pos; nra). nra. }
    destruct (IH c) as [Cs Bs].
    assert (Cp : close (i * eps + u * M + eta)
        (if Nat.leb w c then option_map (fun v => v + t) (Rdp op m l (c - w)) else None)
        (if Nat.leb w c then option_map (fun v => addf v t) (Fdp opf addf m l (c - w)) else None)
      /\ bounded (i * (Th + H) + Th)
        (if Nat.leb w c then option_map (fun v => v + t) (Rdp op m l (c - w)) else None)
      /\ match (if Nat.leb w c then option_map (fun v => v + t) (Rdp op m l (c - w)) else None),
               (if Nat.leb w c then option_map (fun v => addf v t) (Fdp opf addf m l (c - w)) else None) with
         | Some x, Some y => Rabs (y - x) <= i * eps + u * M + eta /\ Rabs y <= M * (1 + u) + eta
         | _, _ => True end).
    { destruct (Nat.leb w c); [|simpl; tauto].
      destruct (IH (c - w)%nat) as [C' B'].
      destruct (Rdp op m l (c - w)) as [v'|]; destruct (Fdp opf addf m l (c - w)) as [vf'|];
        simpl in C', B' |- *; try contradiction; [|tauto].
      pose proof (Hadd vf' t) as A.
      assert (Hvt : Rabs (vf' + t) <= M).
      { replace (vf' + t) with ((vf' - v') + v' + t) by ring.
        eapply Rle_trans; [apply Rabs_triang|].
        eapply Rle_trans; [apply Rplus_le_compat_r, Rabs_triang|]. nra. }
      assert (Hd : Rabs (addf vf' t - (v' + t)) <= i * eps + u * M + eta).
      { replace (addf vf' t - (v' + t)) with ((addf vf' t - (vf' + t)) + (vf' - v')) by ring.
        eapply Rle_trans; [apply Rabs_triang|].
        assert (u * Rabs (vf' + t) <= u * M) by (apply Rmult_le_compat_l; lra). lra. }
      split; [lra|]. split.
      - replace (v' + t) with (v' + t) by ring. eapply Rle_trans; [apply Rabs_triang|]. lra.
      - split; [exact Hd|].
        replace (addf vf' t) with ((addf vf' t - (vf' + t)) + (vf' + t)) by ring.
        eapply Rle_trans; [apply Rabs_triang|].
        assert (u * Rabs (vf' + t) <= u * M) by (apply Rmult_le_compat_l; lra). nra. }
    destruct Cp as [Cp [Bp Ep]].
    revert Cs Bs Cp Bp Ep.
    destruct (Rdp op m l c) as [s|]; destruct (Fdp opf addf m l c) as [sf|];
    destruct (if Nat.leb w c then option_map (fun v => v + t) (Rdp op m l (c - w)) else None) as [p|];
    destruct (if Nat.leb w c then option_map (fun v => addf v t) (Fdp opf addf m l (c - w)) else None) as [pf|];
    simpl; intros Cs Bs Cp Bp Ep; try contradiction; try tauto.
    + (* both finite *)
      destruct Ep as [Ep Epf].
      assert (Hsf : Rabs sf <= M).
      { replace sf with ((sf - s) + s) by ring. eapply Rle_trans; [apply Rabs_triang|]. nra. }
      assert (HmaxM : Rmax (Rabs sf) (Rabs pf) <= M * (1 + u) + eta).
      { apply Rmax_lub; [|exact Epf]. assert (0 <= M * u) by (apply Rmult_le_pos; lra). lra. }
      pose proof (Hcell sf pf) as Cc.
      pose proof (Hlip sf pf s p) as L.
      assert (Rmax (Rabs (sf - s)) (Rabs (pf - p)) <= i * eps + u * M + eta).
      { apply Rmax_lub; lra. }
      assert (a * Rmax (Rabs sf) (Rabs pf) <= a * (M * (1 + u) + eta)) by (apply Rmult_le_compat_l; lra).
      split.
      * replace (opf sf pf - op s p) with ((opf sf pf - op sf pf) + (op sf pf - op s p)) by ring.
        eapply Rle_trans; [apply Rabs_triang|].
        assert (a * (M * (1 + u) + eta) + b + (i * eps + u * M + eta) <= (i + 1) * eps).
        { assert (a * (M * (1 + u) + eta) + b + u * M + eta
                  = (a * (1 + u) + u) * M + a * eta + b + eta) by ring. nra. }
        lra.
      * pose proof (Hgap s p) as G. pose proof (Rmax_l s p). pose proof (Rmax_r s p).
        apply Rabs_le_inv in Bs. apply Rabs_le_inv in Bp.
        assert (Rmax s p <= i * (Th + H) + Th) by (apply Rmax_lub; lra).
        apply Rabs_le. split; nra.
    + (* only s finite *)
      split; [nra|]. apply Rabs_le_inv in Bs. apply Rabs_le. nra.
    + (* only p finite *)
      destruct Ep as [Ep _]. split; [nra|].
      apply Rabs_le_inv in Bp. apply Rabs_le. nra.
Qed.

(** THEOREM (whole DP): |V_f64 - V| <= n eps at every cell, -inf at the same cells. *)
Theorem dp_error : forall op opf addf m a b u eta Th H eps l c,
  op_lip op -> (forall s p, Rmax s p <= op s p <= Rmax s p + H) -> 0 <= H ->
  (forall s p, Rabs (opf s p - op s p) <= a * Rmax (Rabs s) (Rabs p) + b) ->
  (forall x y, Rabs (addf x y - (x + y)) <= u * Rabs (x + y) + eta) ->
  0 <= a -> 0 <= u -> 0 <= eta -> 0 <= b -> 0 <= Th -> 0 <= eps ->
  Forall (fun it => Rabs (fst it) <= Th) l ->
  (a * (1 + u) + u) * (INR (length l) * (Th + H + eps)) + a * eta + b + eta <= eps ->
  close (INR (length l) * eps) (Rdp op m l c) (Fdp opf addf m l c).
Proof.
  intros. apply (dp_error_gen op opf addf m a b u eta Th H eps (length l) l); auto.
Qed.

(** ** 2. Per-cell bound for the shannon smax *)

Lemma Rabs4 : forall a b c d, Rabs (a + b + c + d) <= Rabs a + Rabs b + Rabs c + Rabs d.
Proof.
  intros. eapply Rle_trans; [apply Rabs_triang|]. apply Rplus_le_compat_r.
  eapply Rle_trans; [apply Rabs_triang|]. apply Rplus_le_compat_r. apply Rabs_triang.
Qed.

(** Abstract version: the exponent argument t1 approximates t = d/g within ut t + etat; exp~
    and ln1p~ within ke resp. kl units of (u, eta); w1 approximates g L1 within uw |g L1| + etaw
    (uw = etaw = 0 for a fused multiply-add); v1 approximates m + w1 within u |m + w1| + eta. *)
Lemma lse_cell_abstract : forall u eta ut etat uw etaw ke kl m t g t1 E1 L1 w1 v1,
  0 < u <= / 1024 -> 0 <= eta <= u -> 0 < ut <= / 1024 -> 0 <= etat ->
  0 <= uw <= / 1024 -> 0 <= etaw -> 0 <= ke <= 8 -> 0 <= kl <= 8 ->
  0 <= t -> 0 < g -> 0 <= t1 ->
  Rabs (t1 - t) <= ut * t + etat ->
  0 <= E1 -> Rabs (E1 - exp (- t1)) <= ke * u * exp (- t1) + ke * eta ->
  Rabs (L1 - ln (1 + E1)) <= kl * u * ln (1 + E1) + kl * eta ->
  Rabs (w1 - g * L1) <= uw * Rabs (g * L1) + etaw ->
  Rabs (v1 - (m + w1)) <= u * Rabs (m + w1) + eta ->
  Rabs (v1 - (m + g * ln (1 + exp (- t))))
    <= u * Rabs m + g * (51 / 100 * ut + (ke + kl + 1) * u + uw)
       + g * (102 / 100 * etat + (ke + kl) * eta) + 2 * etaw + eta.
Proof.
  intros u eta ut etat uw etaw ke kl m t g t1 E1 L1 w1 v1 Hu He Hut Hetat Huw Hetaw Hke Hkl
    Ht Hg Ht1 Rt HE1 RE RL Rw Rv.
  set (phi := ln (1 + exp (- t))).
  pose proof (exp_pos (- t)) as P0. pose proof (exp_pos (- t1)) as P1.
  pose proof (exp_neg_le_1 t Ht) as B0. pose proof (exp_neg_le_1 t1 Ht1) as B1.
  pose proof ln2_le as Hln2.
  assert (Hphi : 0 <= phi <= 7 / 10).
  { unfold phi. split.
    - rewrite <- ln_1. apply LseError.ln_le_mono; lra.
    - apply Rle_trans with (ln 2); [apply LseError.ln_le_mono; lra | exact Hln2]. }
  assert (A1 : Rabs (exp (- t1) - exp (- t)) <= 51 / 100 * ut + 102 / 100 * etat)
    by (apply exp_neg_perturb; lra).
  pose proof (ln1p_lipschitz (exp (- t1)) (exp (- t)) (Rlt_le _ _ P1) (Rlt_le _ _ P0)) as A1'.
  pose proof (ln1p_lipschitz E1 (exp (- t1)) HE1 (Rlt_le _ _ P1)) as A2.
  assert (RE' : Rabs (E1 - exp (- t1)) <= ke * u + ke * eta).
  { assert (ke * u * exp (- t1) <= ke * u) by (rewrite <- (Rmult_1_r (ke * u)) at 2;
      apply Rmult_le_compat_l; [apply Rmult_le_pos|]; lra). lra. }
  set (l := ln (1 + E1)) in *.
  assert (Hl : Rabs (l - phi) <= 51 / 100 * ut + 102 / 100 * etat + ke * u + ke * eta).
  { unfold phi. replace (l - ln (1 + exp (- t)))
      with ((l - ln (1 + exp (- t1))) + (ln (1 + exp (- t1)) - ln (1 + exp (- t)))) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. lra. }
  assert (Hl0 : 0 <= l) by (unfold l; rewrite <- ln_1; apply LseError.ln_le_mono; lra).
  assert (Hkeu : ke * u <= 8 * / 1024) by (apply Rmult_le_compat; lra).
  assert (Hkee : ke * eta <= 8 * / 1024) by (apply Rmult_le_compat; lra).
  assert (Hl72 : l <= 72 / 100).
  { apply Rabs_le_inv in RE'. unfold l.
    apply Rle_trans with (ln 2 + ln (1 + 2 * 8 / 1024)).
    - rewrite <- ln_mult by lra. apply LseError.ln_le_mono; lra.
    - assert (ln (1 + 2 * 8 / 1024) <= 2 * 8 / 1024).
      { pose proof (LseError.ln_le_mono 1 (1 + 2 * 8 / 1024)). rewrite ln_1 in H.
        pose proof (SmoothMax.ln_le_sub1 (1 + 2 * 8 / 1024) ltac:(lra)). lra. }
      lra. }
  assert (RL' : Rabs (L1 - l) <= kl * (72 / 100) * u + kl * eta).
  { assert (kl * u * l <= kl * u * (72 / 100))
      by (apply Rmult_le_compat_l; [apply Rmult_le_pos|]; lra).
    lra. }
  assert (Hklu : kl * u <= 8 * / 1024) by (apply Rmult_le_compat; lra).
  assert (Hkle : kl * eta <= 8 * / 1024) by (apply Rmult_le_compat; lra).
  assert (HL1 : Rabs L1 <= 74 / 100).
  { apply Rabs_le_inv in RL'. apply Rabs_le. split; lra. }
  rewrite Rabs_mult, (Rabs_pos_eq g) in Rw by lra.
  assert (Hw1 : Rabs (w1 - g * L1) <= 74 / 100 * uw * g + etaw).
  { assert (uw * (g * Rabs L1) <= uw * (g * (74 / 100))).
    { apply Rmult_le_compat_l; [lra|]. apply Rmult_le_compat_l; lra. }
    lra. }
  assert (Rmw : Rabs (m + w1) <= Rabs m + 75 / 100 * g + etaw).
  { eapply Rle_trans; [apply Rabs_triang|].
    assert (Rabs w1 <= 75 / 100 * g + etaw).
    { replace w1 with ((w1 - g * L1) + g * L1) by ring.
      eapply Rle_trans; [apply Rabs_triang|]. rewrite Rabs_mult, (Rabs_pos_eq g) by lra.
      assert (g * Rabs L1 <= g * (74 / 100)) by (apply Rmult_le_compat_l; lra).
      assert (uw * g <= / 1024 * g) by (apply Rmult_le_compat_r; lra). lra. }
    lra. }
  assert (u * Rabs (m + w1) <= u * (Rabs m + 75 / 100 * g + etaw))
    by (apply Rmult_le_compat_l; lra).
  replace (v1 - (m + g * phi))
    with ((v1 - (m + w1)) + (w1 - g * L1) + g * (L1 - l) + g * (l - phi)) by ring.
  assert (G1 : Rabs (g * (L1 - l)) <= g * (kl * (72 / 100) * u + kl * eta)).
  { rewrite Rabs_mult, Rabs_pos_eq by lra. apply Rmult_le_compat_l; lra. }
  assert (G2 : Rabs (g * (l - phi)) <= g * (51 / 100 * ut + 102 / 100 * etat + ke * u + ke * eta)).
  { rewrite Rabs_mult, Rabs_pos_eq by lra. apply Rmult_le_compat_l; lra. }
  eapply Rle_trans; [apply Rabs4|].
  assert (u * etaw <= etaw) by (assert (u <= 1) by lra; nra).
  assert (0 <= kl * u * g) by (apply Rmult_le_pos; [apply Rmult_le_pos|]; lra).
  assert (u * (75 / 100 * g) <= u * g) by (assert (0 <= u * g) by nra; nra).
  assert (74 / 100 * uw * g <= uw * g) by (assert (0 <= uw * g) by nra; nra).
  nra.
Qed.

Lemma RN_nonpos : forall choice x, x <= 0 -> RN choice x <= 0.
Proof.
  intros choice x Hx. unfold RN. apply round_le_generic.
  - apply FLT_exp_valid. unfold Prec_gt_0. lia.
  - apply valid_rnd_N.
  - apply generic_format_0.
  - exact Hx.
Qed.

Lemma Rabs_abs_diff : forall a b, Rabs (Rabs a - Rabs b) <= Rabs (a - b).
Proof. intros. apply Rabs_triang_inv2. Qed.

(** The exponent argument of the kernel: t1 = -RN(|RN(p - s)| * (-RN(1/g))). *)
Lemma kernel_t1_error : forall choice d dh g, 0 <= d -> 0 < g -> g * eta64 <= u64 ->
  Rabs (dh - d) <= u64 * d + eta64 -> 0 <= dh ->
  let ig := RN choice (/ g) in
  let t1 := - RN choice (dh * (- ig)) in
  0 <= t1 /\ Rabs (t1 - d / g) <= 41 / 10 * u64 * (d / g) + (2 * eta64 / g + 2 * eta64).
Proof.
  intros choice d dh g Hd Hg Hge Hdh Hdh0 ig t1.
  pose proof u64_small as Hu. pose proof eta64_small as He.
  assert (Hg' : 0 < / g) by (apply Rinv_0_lt_compat; lra).
  assert (Hig0 : 0 <= ig) by (apply RN_nonneg; lra).
  assert (Hig : Rabs (ig - / g) <= u64 * / g + eta64).
  { pose proof (RN_error choice (/ g)). rewrite (Rabs_pos_eq (/ g)) in H by lra. exact H. }
  set (z := dh * ig).
  assert (Hz0 : 0 <= z) by (apply Rmult_le_pos; lra).
  assert (Ht1z : Rabs (t1 - z) <= u64 * z + eta64).
  { unfold t1. replace (dh * - ig) with (- z) by (unfold z; ring).
    pose proof (RN_error choice (- z)) as H. rewrite Rabs_Ropp, (Rabs_pos_eq z) in H by lra.
    replace (- RN choice (- z) - z) with (- (RN choice (- z) - - z)) by ring.
    rewrite Rabs_Ropp. exact H. }
  set (t := d / g).
  assert (Ht0 : 0 <= t) by (unfold t; apply Rmult_le_pos; lra).
  assert (Hdt : d * eta64 <= u64 * t).
  { unfold t. replace (d * eta64) with (d / g * (g * eta64)) by (field; lra).
    rewrite (Rmult_comm u64). apply Rmult_le_compat_l; [apply Rmult_le_pos; lra | lra]. }
  apply Rabs_le_inv in Hig. apply Rabs_le_inv in Hdh.
  assert (Higu : ig <= (1 + u64) * / g + eta64) by lra.
  assert (Hzt : Rabs (z - t) <= (3 * u64 + 2 * u64 * u64) * t + (1 + u64) * eta64 / g + eta64 * eta64).
  { replace (z - t) with ((dh - d) * ig + d * (ig - / g)) by (unfold z, t; field; lra).
    eapply Rle_trans; [apply Rabs_triang|]. rewrite !Rabs_mult, (Rabs_pos_eq ig), (Rabs_pos_eq d) by lra.
    assert (A : Rabs (dh - d) * ig <= (u64 * d + eta64) * ((1 + u64) * / g + eta64)).
    { apply Rmult_le_compat; try lra; try apply Rabs_pos. apply Rabs_le. lra. }
    assert (B : d * Rabs (ig - / g) <= d * (u64 * / g + eta64)).
    { apply Rmult_le_compat_l; [lra|]. apply Rabs_le. lra. }
    assert (E1 : (u64 * d + eta64) * ((1 + u64) * / g + eta64)
                 = u64 * (1 + u64) * t + u64 * (d * eta64) + (1 + u64) * eta64 / g + eta64 * eta64)
      by (unfold t; field; lra).
    assert (E2 : d * (u64 * / g + eta64) = u64 * t + d * eta64) by (unfold t; field; lra).
    assert (u64 * (d * eta64) <= u64 * (u64 * t)) by (apply Rmult_le_compat_l; lra).
    nra. }
  assert (Ht10 : 0 <= t1).
  { unfold t1. pose proof (RN_nonpos choice (dh * - ig)). 
    assert (dh * - ig <= 0) by nra. lra. }
  split; [exact Ht10|].
  fold t.
  replace (t1 - t) with ((t1 - z) + (z - t)) by ring.
  eapply Rle_trans; [apply Rabs_triang|].
  assert (Hzz : z <= t + Rabs (z - t)) by (pose proof (Rle_abs (z - t)); lra).
  assert (u64 * z <= u64 * (t + Rabs (z - t))) by (apply Rmult_le_compat_l; lra).
  assert (Hg1 : 0 <= eta64 / g) by (apply Rmult_le_pos; lra).
  assert (u64 * Rabs (z - t) <= / 1024 * Rabs (z - t)) by (apply Rmult_le_compat_r; [apply Rabs_pos|lra]).
  assert (u64 * u64 * t <= / 1024 * u64 * t) by (apply Rmult_le_compat_r; [|apply Rmult_le_compat_r]; lra).
  assert (u64 * eta64 / g <= / 1024 * (eta64 / g)) by (unfold Rdiv; rewrite Rmult_assoc; apply Rmult_le_compat_r; lra).
  assert (eta64 * eta64 <= eta64) by nra.
  nra.
Qed.

(** THEOREM (per cell, the fast kernels): with exp~ within [ke] ulps and ln1p~ within [kl]
    ulps (relative ulps 2^-52 plus as many subnormal ulps 2^-1074; the tested bound is 2),
    p - s rounded, a rounded 1/gamma, and the final fused multiply-add, for gamma <= 2^1022:
      |v1 - smax(s,p)| <= 2^-53 (|max(s,p)| + (2 ke + 2 kl + 4) gamma)
                          + (2 ke + 2 kl + 5) 2^-1075 (1 + gamma). *)
Theorem shannon_kernel_cell : forall choice (expf ln1pf : R -> R) ke kl g s p,
  0 <= ke <= 4 -> 0 <= kl <= 4 -> 0 < g -> g * eta64 <= u64 ->
  (forall x, x <= 0 -> 0 <= expf x /\
     Rabs (expf x - exp x) <= (2 * ke) * u64 * exp x + (2 * ke) * eta64) ->
  (forall y, 0 <= y -> Rabs (ln1pf y - ln (1 + y)) <= (2 * kl) * u64 * ln (1 + y) + (2 * kl) * eta64) ->
  let dh := Rabs (RN choice (p - s)) in
  let x1 := RN choice (dh * (- RN choice (/ g))) in
  let v1 := RN choice (g * ln1pf (expf x1) + Rmax s p) in
  Rabs (v1 - smax g s p)
    <= u64 * (Rabs (Rmax s p) + (2 * ke + 2 * kl + 4) * g) + (2 * ke + 2 * kl + 5) * eta64 * (1 + g).
Proof.
  intros choice expf ln1pf ke kl g s p Hke Hkl Hg Hge Hexp Hln dh x1 v1.
  pose proof u64_small as Hu. pose proof eta64_small as He.
  set (d := Rabs (p - s)).
  assert (Hd0 : 0 <= d) by apply Rabs_pos.
  assert (Hdh : Rabs (dh - d) <= u64 * d + eta64).
  { unfold dh, d. eapply Rle_trans; [apply Rabs_abs_diff|]. apply RN_error. }
  destruct (kernel_t1_error choice d dh g Hd0 Hg Hge Hdh (Rabs_pos _)) as [Ht1 Rt].
  set (t1 := - RN choice (dh * - RN choice (/ g))) in *.
  assert (Hx1 : x1 = - t1) by (unfold x1, t1; ring).
  destruct (Hexp x1 ltac:(lra)) as [HE1 RE]. rewrite Hx1 in HE1, RE.
  set (E1 := expf (- t1)) in *.
  assert (Hv : v1 = RN choice (Rmax s p + g * ln1pf E1)).
  { unfold v1. rewrite Hx1. fold E1. rewrite Rplus_comm. reflexivity. }
  assert (Hsm : smax g s p = Rmax s p + g * ln (1 + exp (- (d / g)))).
  { unfold smax, d. replace (- Rabs (p - s) / g) with (- (Rabs (p - s) / g)) by (unfold Rdiv; ring).
    reflexivity. }
  rewrite Hv, Hsm.
  assert (Hdg : 0 <= d / g) by (apply Rmult_le_pos; [lra | apply Rlt_le, Rinv_0_lt_compat; lra]).
  pose proof (lse_cell_abstract u64 eta64 (41 / 10 * u64) (2 * eta64 / g + 2 * eta64) 0 0
    (2 * ke) (2 * kl) (Rmax s p) (d / g) g t1 E1 (ln1pf E1) (g * ln1pf E1)
    (RN choice (Rmax s p + g * ln1pf E1))) as A.
  assert (Hetat : 0 <= 2 * eta64 / g + 2 * eta64).
  { assert (0 <= eta64 / g) by (apply Rmult_le_pos; [lra | apply Rlt_le, Rinv_0_lt_compat; lra]).
    unfold Rdiv in *. lra. }
  assert (Hu41 : 41 / 10 * u64 <= / 1024) by (rewrite u64_value; lra).
  eapply Rle_trans; [apply A|]; clear A;
    try solve [lra | apply Hln; exact HE1 | apply RN_error | assumption
              | rewrite Rminus_diag_eq by reflexivity; rewrite Rabs_R0; lra].
  { assert (E : g * (102 / 100 * (2 * eta64 / g + 2 * eta64) + (2 * ke + 2 * kl) * eta64)
                = 204 / 100 * eta64 + g * (204 / 100 * eta64 + (2 * ke + 2 * kl) * eta64))
      by (field; lra).
    rewrite E.
    assert (0 <= g * eta64) by nra.
    assert (0 <= ke * (g * eta64)) by nra. assert (0 <= kl * (g * eta64)) by nra.
    assert (0 <= u64 * g) by nra.
    assert (ke * (g * eta64) = g * (ke * eta64)) by ring.
    assert (kl * (g * eta64) = g * (kl * eta64)) by ring.
    nra. }
Qed.

(** THEOREM (per cell, the f64 reference of src/reg/shannon.rs): p - s rounded, a division
    by gamma, std exp and ln_1p within [ke], [kl] ulps, and a separate multiply and add:
      |v1 - smax(s,p)| <= 2^-53 (|max(s,p)| + (2 ke + 2 kl + 4) gamma)
                          + (2 ke + 2 kl + 6) 2^-1075 (1 + gamma). *)
Theorem shannon_reference_cell : forall choice (expf ln1pf : R -> R) ke kl g s p,
  0 <= ke <= 4 -> 0 <= kl <= 4 -> 0 < g ->
  (forall x, x <= 0 -> 0 <= expf x /\
     Rabs (expf x - exp x) <= (2 * ke) * u64 * exp x + (2 * ke) * eta64) ->
  (forall y, 0 <= y -> Rabs (ln1pf y - ln (1 + y)) <= (2 * kl) * u64 * ln (1 + y) + (2 * kl) * eta64) ->
  let dh := Rabs (RN choice (p - s)) in
  let x1 := RN choice (- dh / g) in
  let v1 := RN choice (Rmax s p + RN choice (g * ln1pf (expf x1))) in
  Rabs (v1 - smax g s p)
    <= u64 * (Rabs (Rmax s p) + (2 * ke + 2 * kl + 4) * g) + (2 * ke + 2 * kl + 6) * eta64 * (1 + g).
Proof.
  intros choice expf ln1pf ke kl g s p Hke Hkl Hg Hexp Hln dh x1 v1.
  pose proof u64_small as Hu. pose proof eta64_small as He.
  assert (Hg' : 0 < / g) by (apply Rinv_0_lt_compat; lra).
  set (d := Rabs (p - s)).
  assert (Hd0 : 0 <= d) by apply Rabs_pos.
  assert (Hdh : Rabs (dh - d) <= u64 * d + eta64).
  { unfold dh, d. eapply Rle_trans; [apply Rabs_abs_diff|]. apply RN_error. }
  assert (Hdh0 : 0 <= dh) by apply Rabs_pos.
  set (t1 := - x1).
  set (z := dh / g). set (t := d / g).
  assert (Hz0 : 0 <= z) by (unfold z; apply Rmult_le_pos; lra).
  assert (Ht0 : 0 <= t) by (unfold t; apply Rmult_le_pos; lra).
  assert (Ht1 : 0 <= t1).
  { unfold t1, x1. pose proof (RN_nonpos choice (- dh / g)).
    assert (- dh / g <= 0) by (unfold Rdiv; nra). lra. }
  assert (Ht1z : Rabs (t1 - z) <= u64 * z + eta64).
  { unfold t1, x1. replace (- dh / g) with (- z) by (unfold z, Rdiv; ring).
    pose proof (RN_error choice (- z)) as H. rewrite Rabs_Ropp, (Rabs_pos_eq z) in H by lra.
    replace (- RN choice (- z) - z) with (- (RN choice (- z) - - z)) by ring.
    rewrite Rabs_Ropp. exact H. }
  assert (Hzt : Rabs (z - t) <= u64 * t + eta64 / g).
  { replace (z - t) with ((dh - d) * / g) by (unfold z, t, Rdiv; ring).
    rewrite Rabs_mult, (Rabs_pos_eq (/ g)) by lra.
    replace (u64 * t + eta64 / g) with ((u64 * d + eta64) * / g) by (unfold t, Rdiv; ring).
    apply Rmult_le_compat_r; lra. }
  assert (Hetg : 0 <= eta64 / g) by (unfold Rdiv; apply Rmult_le_pos; lra).
  assert (Rt : Rabs (t1 - t) <= 21 / 10 * u64 * t + (2 * eta64 / g + 2 * eta64)).
  { replace (t1 - t) with ((t1 - z) + (z - t)) by ring.
    eapply Rle_trans; [apply Rabs_triang|].
    assert (Hzz : z <= t + Rabs (z - t)) by (pose proof (Rle_abs (z - t)); lra).
    assert (u64 * z <= u64 * (t + (u64 * t + eta64 / g))).
    { apply Rmult_le_compat_l; lra. }
    assert (u64 * u64 * t <= / 1024 * u64 * t) by (apply Rmult_le_compat_r; [|apply Rmult_le_compat_r]; lra).
    assert (u64 * (eta64 / g) <= / 1024 * (eta64 / g)) by (apply Rmult_le_compat_r; lra).
    unfold Rdiv in *. nra. }
  destruct (Hexp x1 ltac:(unfold t1 in Ht1; lra)) as [HE1 RE].
  replace x1 with (- t1) in HE1, RE by (unfold t1; ring).
  set (E1 := expf x1) in *.
  assert (HE1' : E1 = expf (- t1)) by (unfold E1, t1; f_equal; ring).
  assert (Hsm : smax g s p = Rmax s p + g * ln (1 + exp (- t))).
  { unfold smax, t, d. replace (- Rabs (p - s) / g) with (- (Rabs (p - s) / g)) by (unfold Rdiv; ring).
    reflexivity. }
  rewrite Hsm. unfold v1. fold E1. rewrite HE1' in *.
  pose proof (lse_cell_abstract u64 eta64 (21 / 10 * u64) (2 * eta64 / g + 2 * eta64) u64 eta64
    (2 * ke) (2 * kl) (Rmax s p) t g t1 (expf (- t1)) (ln1pf (expf (- t1)))
    (RN choice (g * ln1pf (expf (- t1))))
    (RN choice (Rmax s p + RN choice (g * ln1pf (expf (- t1)))))) as A.
  assert (Hetat : 0 <= 2 * eta64 / g + 2 * eta64) by (unfold Rdiv in *; lra).
  assert (Hu21 : 21 / 10 * u64 <= / 1024) by (rewrite u64_value; lra).
  eapply Rle_trans; [apply A|]; clear A;
    try solve [lra | apply Hln; exact HE1 | apply RN_error | assumption].
  { assert (E : g * (102 / 100 * (2 * eta64 / g + 2 * eta64) + (2 * ke + 2 * kl) * eta64)
                = 204 / 100 * eta64 + g * (204 / 100 * eta64 + (2 * ke + 2 * kl) * eta64))
      by (field; lra).
    rewrite E.
    assert (0 <= g * eta64) by nra.
    assert (0 <= ke * (g * eta64)) by nra. assert (0 <= kl * (g * eta64)) by nra.
    assert (0 <= u64 * g) by nra.
    assert (ke * (g * eta64) = g * (ke * eta64)) by ring.
    assert (kl * (g * eta64) = g * (kl * eta64)) by ring.
    nra. }
Qed.

(** ** The whole shannon DP in f64 *)

Definition kernel_smax (choice : Z -> bool) (expf ln1pf : R -> R) (g s p : R) : R :=
  RN choice (g * ln1pf (expf (RN choice (Rabs (RN choice (p - s)) * - RN choice (/ g)))) + Rmax s p).

Definition reference_smax (choice : Z -> bool) (expf ln1pf : R -> R) (g s p : R) : R :=
  RN choice (Rmax s p + RN choice (g * ln1pf (expf (RN choice (- Rabs (RN choice (p - s)) / g))))).

Lemma Rabs_Rmax_le : forall s p, Rabs (Rmax s p) <= Rmax (Rabs s) (Rabs p).
Proof.
  intros s p. unfold Rmax at 1. destruct (Rle_dec s p).
  - apply Rmax_r.
  - apply Rmax_l.
Qed.

Lemma shannon_gap_H : forall g s p, 0 < g -> Rmax s p <= smax g s p <= Rmax s p + g * ln 2.
Proof.
  intros g s p Hg. rewrite <- shannon_value_is_smax by exact Hg.
  pose proof (shannon_gap g s p Hg). lra.
Qed.

(** The per-cell constant b of the kernels and of the reference. *)
Definition b_kernel (ke kl g : R) : R :=
  u64 * (2 * ke + 2 * kl + 4) * g + (2 * ke + 2 * kl + 5) * eta64 * (1 + g).
Definition b_reference (ke kl g : R) : R :=
  u64 * (2 * ke + 2 * kl + 4) * g + (2 * ke + 2 * kl + 6) * eta64 * (1 + g).

(** THEOREM (whole DP, fast kernels): for gamma in (0, 2^1022], |theta_i| <= Theta and any
    eps >= 0 with
      (u (1 + u) + u) n (Theta + gamma ln 2 + eps) + u eta + b_kernel + eta <= eps
    (u = 2^-53, eta = 2^-1075), the f64 DP of the kernels (additions p = V + theta rounded,
    kernel_smax at every cell) is within n eps of the exact shannon DP at every cell. *)
Theorem shannon_kernel_dp_error : forall choice expf ln1pf ke kl g m l Th eps c,
  0 <= ke <= 4 -> 0 <= kl <= 4 -> 0 < g -> g * eta64 <= u64 ->
  (forall x, x <= 0 -> 0 <= expf x /\
     Rabs (expf x - exp x) <= (2 * ke) * u64 * exp x + (2 * ke) * eta64) ->
  (forall y, 0 <= y -> Rabs (ln1pf y - ln (1 + y)) <= (2 * kl) * u64 * ln (1 + y) + (2 * kl) * eta64) ->
  0 <= Th -> Forall (fun it => Rabs (fst it) <= Th) l -> 0 <= eps ->
  (u64 * (1 + u64) + u64) * (INR (length l) * (Th + g * ln 2 + eps)) + u64 * eta64
    + b_kernel ke kl g + eta64 <= eps ->
  close (INR (length l) * eps) (Vdp g m l c)
    (Fdp (kernel_smax choice expf ln1pf g) (fun x y => RN choice (x + y)) m l c).
Proof.
  intros choice expf ln1pf ke kl g m l Th eps c Hke Hkl Hg Hge Hexp Hln HTh Hth Heps Hfix.
  pose proof u64_small as Hu. pose proof eta64_small as He.
  rewrite Vdp_is_Rdp.
  assert (Hl2 : 0 < ln 2) by (rewrite <- ln_1; apply ln_increasing; lra).
  apply (dp_error _ _ _ m u64 (b_kernel ke kl g) u64 eta64 Th (g * ln 2) eps); auto; try lra.
  - apply smax_lip. exact Hg.
  - intros s p. apply shannon_gap_H. exact Hg.
  - apply Rmult_le_pos; lra.
  - intros s p. unfold kernel_smax.
    pose proof (shannon_kernel_cell choice expf ln1pf ke kl g s p Hke Hkl Hg Hge Hexp Hln) as K.
    cbv zeta in K. pose proof (Rabs_Rmax_le s p).
    assert (u64 * Rabs (Rmax s p) <= u64 * Rmax (Rabs s) (Rabs p)) by (apply Rmult_le_compat_l; lra).
    unfold b_kernel. lra.
  - intros x y. apply RN_error.
  - unfold b_kernel. apply Rplus_le_le_0_compat; repeat apply Rmult_le_pos; lra.
Qed.

(** THEOREM (whole DP, f64 reference): the same with reference_smax and b_reference. *)
Theorem shannon_reference_dp_error : forall choice expf ln1pf ke kl g m l Th eps c,
  0 <= ke <= 4 -> 0 <= kl <= 4 -> 0 < g ->
  (forall x, x <= 0 -> 0 <= expf x /\
     Rabs (expf x - exp x) <= (2 * ke) * u64 * exp x + (2 * ke) * eta64) ->
  (forall y, 0 <= y -> Rabs (ln1pf y - ln (1 + y)) <= (2 * kl) * u64 * ln (1 + y) + (2 * kl) * eta64) ->
  0 <= Th -> Forall (fun it => Rabs (fst it) <= Th) l -> 0 <= eps ->
  (u64 * (1 + u64) + u64) * (INR (length l) * (Th + g * ln 2 + eps)) + u64 * eta64
    + b_reference ke kl g + eta64 <= eps ->
  close (INR (length l) * eps) (Vdp g m l c)
    (Fdp (reference_smax choice expf ln1pf g) (fun x y => RN choice (x + y)) m l c).
Proof.
  intros choice expf ln1pf ke kl g m l Th eps c Hke Hkl Hg Hexp Hln HTh Hth Heps Hfix.
  pose proof u64_small as Hu. pose proof eta64_small as He.
  rewrite Vdp_is_Rdp.
  assert (Hl2 : 0 < ln 2) by (rewrite <- ln_1; apply ln_increasing; lra).
  apply (dp_error _ _ _ m u64 (b_reference ke kl g) u64 eta64 Th (g * ln 2) eps); auto; try lra.
  - apply smax_lip. exact Hg.
  - intros s p. apply shannon_gap_H. exact Hg.
  - apply Rmult_le_pos; lra.
  - intros s p. unfold reference_smax.
    pose proof (shannon_reference_cell choice expf ln1pf ke kl g s p Hke Hkl Hg Hexp Hln) as K.
    cbv zeta in K. pose proof (Rabs_Rmax_le s p).
    assert (u64 * Rabs (Rmax s p) <= u64 * Rmax (Rabs s) (Rabs p)) by (apply Rmult_le_compat_l; lra).
    unfold b_reference. lra.
  - intros x y. apply RN_error.
  - unfold b_reference. apply Rplus_le_le_0_compat; repeat apply Rmult_le_pos; lra.
Qed.

(** THEOREM (whole DP, hard max, gamma = 0): only the additions p = V + theta round. *)
Theorem hard_dp_error : forall choice m l Th eps c,
  0 <= Th -> Forall (fun it => Rabs (fst it) <= Th) l -> 0 <= eps ->
  u64 * (INR (length l) * (Th + eps)) + eta64 <= eps ->
  close (INR (length l) * eps) (Rdp Rmax m l c) (Fdp Rmax (fun x y => RN choice (x + y)) m l c).
Proof.
  intros choice m l Th eps c HTh Hth Heps Hfix.
  pose proof u64_small as Hu. pose proof eta64_small as He.
  apply (dp_error _ _ _ m 0 0 u64 eta64 Th 0 eps); auto; try lra.
  all: try solve [exact Rmax_lip | intros s p; lra | intros x y; apply RN_error].
  all: try (intros s p; rewrite Rminus_diag_eq, Rabs_R0 by reflexivity;
            pose proof (Rmax_l (Rabs s) (Rabs p)); pose proof (Rabs_pos s); lra).
  all: try (replace (0 * (1 + u64) + u64) with u64 by ring; rewrite Rplus_0_r; lra).
Qed.
