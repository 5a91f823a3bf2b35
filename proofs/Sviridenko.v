(** Part B: partial enumeration with seeds of size 3 completed by the density greedy
    (Sviridenko 2004) achieves 1 - 1/e, on the model of Certificate.v (abstract monotone
    submodular f with f({}) >= 0, positive modular costs).  The algorithm tries every seed of
    at most 3 elements that fits and returns the best completion; we show that one seed Y
    taken from any feasible T makes EVERY density-greedy completion from Y worth at least
    (1 - 1/e) f(T). *)

From Coq Require Import List Arith Lia Reals Lra Permutation.
From DiffKnap Require Import Certificate LseError.
Import ListNotations.
Open Scope R_scope.

(** A density-greedy completion [gs] of the seed Y: the state after j picks is
    [firstn j gs ++ Y]; each pick fits, is new, has positive gain and maximal density among the
    new fitting elements; the run stops when no new fitting element has positive gain. *)
Definition greedy_from (f : list nat -> R) (c : nat -> R) (B : R) (ground Y gs : list nat) : Prop :=
  (forall j, (j < length gs)%nat ->
     let S := firstn j gs ++ Y in let g := nth j gs 0%nat in
     In g ground /\ ~ In g S /\ sumL c S + c g <= B /\ 0 < gain f S g /\
     (forall e, In e ground -> ~ In e S -> sumL c S + c e <= B ->
        gain f S e * c g <= gain f S g * c e)) /\
  (forall e, In e ground -> ~ In e (gs ++ Y) -> sumL c (gs ++ Y) + c e <= B ->
     gain f (gs ++ Y) e <= 0).

Lemma exp_le_mono' : forall x y, x <= y -> exp x <= exp y.
Proof.
  intros x y H. destruct (Req_dec x y) as [->|]; [lra|]. apply Rlt_le, exp_increasing. lra.
Qed.

Lemma one_minus_le_exp : forall x, 1 - x <= exp (- x).
Proof. intros x. pose proof (exp_ineq1_le (- x)). lra. Qed.

(** exp(-1) >= 1/3, from exp(1/8) <= 8/7 and (8/7)^8 <= 3. *)
Lemma exp_m1_ge_third : / 3 <= exp (-1).
Proof.
  assert (H8 : exp (/ 8) <= 8 / 7).
  { pose proof (exp_ineq1_le (- / 8)) as H. rewrite exp_Ropp in H.
    pose proof (exp_pos (/ 8)) as Hp.
    assert (exp (/ 8) * (1 + - / 8) <= exp (/ 8) * / exp (/ 8)) by (apply Rmult_le_compat_l; lra).
    rewrite Rinv_r in H0 by lra. lra. }
  assert (E : exp 1 = exp (/ 8) ^ 8).
  { replace 1 with (INR 8 * / 8) by (simpl; field). apply LseError.exp_nat_mult. }
  assert (exp (/ 8) ^ 8 <= (8 / 7) ^ 8) by (apply pow_incr; split; [apply Rlt_le, exp_pos|exact H8]).
  assert (exp 1 <= 3) by (rewrite E; simpl in *; lra).
  replace (-1) with (- (1)) by ring. rewrite exp_Ropp.
  apply Rinv_le_contravar; [apply exp_pos|exact H0].
Qed.

Lemma sumL_ext_eq : forall h h' L, (forall x, h x = h' x) -> sumL h L = sumL h' L.
Proof. intros h h' L H. induction L; simpl; [reflexivity|]. rewrite H, IHL. reflexivity. Qed.

Lemma sumL_perm : forall h l l', Permutation l l' -> sumL h l = sumL h l'.
Proof.
  intros h l l' P. induction P; simpl; try lra.
Qed.

Definition notin (Y : list nat) (e : nat) : bool := if in_dec Nat.eq_dec e Y then false else true.

Lemma sumL_filter_split : forall h (P : nat -> bool) L,
  sumL h L = sumL h (filter P L) + sumL h (filter (fun e => negb (P e)) L).
Proof.
  intros h P L. induction L as [|a L IH]; simpl; [lra|].
  destruct (P a); simpl; rewrite IH; ring.
Qed.

Lemma sumL_split_seed : forall h T Y, NoDup T -> NoDup Y -> incl Y T ->
  sumL h T = sumL h Y + sumL (fun e => if in_dec Nat.eq_dec e Y then 0 else h e) T.
Proof.
  intros h T Y HT HY Hinc.
  assert (P : Permutation (filter (fun e => negb (notin Y e)) T) Y).
  { apply NoDup_Permutation; [apply NoDup_filter; exact HT | exact HY |].
    intros x. rewrite filter_In. unfold notin.
    destruct (in_dec Nat.eq_dec x Y); simpl; split; intros H.
    - exact i.
    - split; [apply Hinc; exact H | reflexivity].
    - destruct H; discriminate.
    - contradiction. }
  rewrite (sumL_filter_split h (fun e => negb (notin Y e)) T).
  rewrite (sumL_perm h _ _ P).
  replace (sumL (fun e => if in_dec Nat.eq_dec e Y then 0 else h e) T)
    with (sumL (fun e => if notin Y e then h e else 0) T).
  2:{ apply sumL_ext_eq. intros e. unfold notin. destruct (in_dec Nat.eq_dec e Y); reflexivity. }
  rewrite sumL_if_filter.
  replace (filter (fun e => negb (negb (notin Y e))) T) with (filter (notin Y) T); [reflexivity|].
  apply filter_ext. intros e. destruct (notin Y e); reflexivity.
Qed.

Lemma f_nonneg : forall f S, monotone f -> 0 <= f [] -> 0 <= f S.
Proof. intros f S Hm H0. pose proof (Hm [] S ltac:(intros x [])). lra. Qed.

Lemma gain_nonneg : forall f S e, monotone f -> 0 <= gain f S e.
Proof. intros f S e Hm. unfold gain. pose proof (Hm S (e :: S) ltac:(intros x Hx; right; exact Hx)). lra. Qed.

(** The sum of the gains over T is at most (the best density) * (the cost of T outside Y). *)
Lemma density_bound : forall f c B Y T S x Gx,
  set_fun f -> monotone f -> submodular f -> (forall e, 0 < c e) ->
  NoDup T -> NoDup Y -> incl Y T -> sumL c T <= B -> incl Y S -> 0 <= Gx ->
  (forall e, In e T -> ~ In e S -> gain f S e * c x <= Gx * c e) ->
  c x * (f T - f S) <= Gx * (B - sumL c Y).
Proof.
  intros f c B Y T S x Gx Hf Hm Hs Hc HT HY HYT HB HYS HG Hd.
  assert (Hc0 : forall e, 0 <= c e) by (intros; apply Rlt_le, Hc).
  pose proof (submod_bound f S T Hf Hm Hs) as B1.
  set (cT := fun e => if in_dec Nat.eq_dec e Y then 0 else c e).
  pose proof (sumL_split_seed c T Y HT HY HYT) as Sp. fold cT in Sp.
  assert (B2 : c x * sumL (gain f S) T <= Gx * sumL cT T).
  { rewrite <- !sumL_scale. apply sumL_le. intros e He. unfold cT.
    destruct (in_dec Nat.eq_dec e S) as [HeS|HeS].
    - rewrite gain_in by assumption. destruct (in_dec Nat.eq_dec e Y); [lra|].
      pose proof (Hc0 e). nra.
    - destruct (in_dec Nat.eq_dec e Y) as [HeY|HeY]; [exfalso; apply HeS, HYS, HeY|].
      rewrite (Rmult_comm (c x)). apply Hd; assumption. }
  pose proof (Hc x).
  assert (c x * (f T - f S) <= c x * sumL (gain f S) T) by (apply Rmult_le_compat_l; lra).
  assert (Gx * sumL cT T <= Gx * (B - sumL c Y)) by (apply Rmult_le_compat_l; lra).
  lra.
Qed.


Lemma exp_split : forall C x Bp, 0 < Bp -> exp (- (C + x) / Bp) = exp (- x / Bp) * exp (- C / Bp).
Proof. intros. rewrite <- exp_plus. f_equal. field. lra. Qed.

(** The last step: the densest remaining element e* of T does not fit. *)
Lemma finish : forall f c B Y T S C estar,
  set_fun f -> monotone f -> submodular f -> (forall e, 0 < c e) -> 0 <= f [] ->
  NoDup T -> NoDup Y -> incl Y T -> sumL c T <= B -> incl Y S ->
  (forall e, In e T -> ~ In e Y -> 3 * gain f Y e <= f Y) ->
  sumL c S = C + sumL c Y ->
  f T - f S <= exp (- C / (B - sumL c Y)) * (f T - f Y) ->
  In estar T -> ~ In estar S ->
  (forall e, In e T -> ~ In e S -> gain f S e * c estar <= gain f S estar * c e) ->
  B < sumL c S + c estar ->
  (1 - exp (-1)) * f T <= f S.
Proof.
  intros f c B Y T S C x Hf Hm Hs Hc Hf0 HT HY HYT HB HYS Hseed HC Hinv Hx HxS Hmax Hfit.
  set (Bp := B - sumL c Y) in *.
  pose proof (f_nonneg f T Hm Hf0). pose proof (f_nonneg f Y Hm Hf0).
  pose proof (exp_pos (-1)). pose proof exp_m1_ge_third.
  assert (HfTY : f Y <= f T) by (apply Hm; exact HYT).
  set (G := gain f S x).
  assert (HG0 : 0 <= G) by apply gain_nonneg, Hm.
  pose proof (density_bound f c B Y T S x G Hf Hm Hs Hc HT HY HYT HB HYS HG0 Hmax) as D.
  fold Bp in D.
  assert (HxY : ~ In x Y) by (intros Hin; apply HxS, HYS, Hin).
  assert (HGY : 3 * G <= f Y).
  { pose proof (Hseed x Hx HxY). pose proof (Hs Y S x HYS). unfold G, gain in *. lra. }
  destruct (Rle_dec (f T - f S) 0) as [Hle|Hgt].
  { assert (exp (-1) * f T >= 0) by nra. nra. }
  pose proof (Hc x) as Hcx.
  assert (HBp : 0 < Bp).
  { destruct (Rlt_dec 0 Bp) as [H'|H']; [exact H'|exfalso].
    assert (c x * (f T - f S) > 0) by nra. nra. }
  assert (Hstep : f T - f S - G <= exp (- (C + c x) / Bp) * (f T - f Y)).
  { rewrite exp_split by exact HBp.
    assert (HG : G >= c x / Bp * (f T - f S)).
    { apply Rle_ge. apply (Rmult_le_reg_r Bp); [exact HBp|].
      unfold Rdiv. replace (c x * / Bp * (f T - f S) * Bp) with (c x * (f T - f S)) by (field; lra).
      lra. }
    assert (f T - f S - G <= (1 - c x / Bp) * (f T - f S)) by lra.
    pose proof (one_minus_le_exp (c x / Bp)).
    assert ((1 - c x / Bp) * (f T - f S) <= exp (- (c x / Bp)) * (f T - f S))
      by (apply Rmult_le_compat_r; lra).
    assert (exp (- (c x / Bp)) * (f T - f S) <= exp (- (c x / Bp)) * (exp (- C / Bp) * (f T - f Y)))
      by (apply Rmult_le_compat_l; [apply Rlt_le, exp_pos | exact Hinv]).
    replace (- c x / Bp) with (- (c x / Bp)) by (unfold Rdiv; ring). lra. }
  assert (Hexp : exp (- (C + c x) / Bp) <= exp (-1)).
  { apply exp_le_mono'. apply (Rmult_le_reg_r Bp); [exact HBp|].
    unfold Rdiv. replace (- (C + c x) * / Bp * Bp) with (- (C + c x)) by (field; lra).
    unfold Bp in *. lra. }
  assert (exp (- (C + c x) / Bp) * (f T - f Y) <= exp (-1) * (f T - f Y))
    by (apply Rmult_le_compat_r; lra).
  assert (exp (-1) * f Y >= / 3 * f Y) by nra.
  nra.
Qed.

(** One greedy step whose pick is at least as dense as every remaining element of T keeps the
    invariant f(T) - f(S) <= exp(-C / B') (f(T) - f(Y)). *)
Lemma step_invariant : forall f c B Y T S C g,
  set_fun f -> monotone f -> submodular f -> (forall e, 0 < c e) ->
  NoDup T -> NoDup Y -> incl Y T -> sumL c T <= B -> incl Y S -> 0 < gain f S g ->
  (forall e, In e T -> ~ In e S -> gain f S e * c g <= gain f S g * c e) ->
  f T - f S <= exp (- C / (B - sumL c Y)) * (f T - f Y) ->
  f T - f (g :: S) <= exp (- (C + c g) / (B - sumL c Y)) * (f T - f Y).
Proof.
  intros f c B Y T S C g Hf Hm Hs Hc HT HY HYT HB HYS Hpos Hmax Hinv.
  set (Bp := B - sumL c Y) in *.
  assert (HfTY : f Y <= f T) by (apply Hm; exact HYT).
  pose proof (exp_pos (- (C + c g) / Bp)).
  set (Dl := gain f S g) in *.
  assert (E : f (g :: S) = f S + Dl) by (unfold Dl, gain; ring).
  rewrite E.
  destruct (Rle_dec (f T - (f S + Dl)) 0) as [Hle|Hgt]; [nra|].
  pose proof (density_bound f c B Y T S g Dl Hf Hm Hs Hc HT HY HYT HB HYS ltac:(lra) Hmax) as D.
  fold Bp in D. pose proof (Hc g) as Hcg.
  assert (HBp : 0 < Bp).
  { destruct (Rlt_dec 0 Bp) as [H'|H']; [exact H'|exfalso].
    assert (c g * (f T - f S) > 0) by nra. nra. }
  rewrite exp_split by exact HBp.
  assert (HG : Dl >= c g / Bp * (f T - f S)).
  { apply Rle_ge. apply (Rmult_le_reg_r Bp); [exact HBp|].
    unfold Rdiv. replace (c g * / Bp * (f T - f S) * Bp) with (c g * (f T - f S)) by (field; lra).
    lra. }
  assert (f T - (f S + Dl) <= (1 - c g / Bp) * (f T - f S)) by lra.
  pose proof (one_minus_le_exp (c g / Bp)).
  assert ((1 - c g / Bp) * (f T - f S) <= exp (- (c g / Bp)) * (f T - f S))
    by (apply Rmult_le_compat_r; lra).
  assert (exp (- (c g / Bp)) * (f T - f S) <= exp (- (c g / Bp)) * (exp (- C / Bp) * (f T - f Y)))
    by (apply Rmult_le_compat_l; [apply Rlt_le, exp_pos | exact Hinv]).
  replace (- c g / Bp) with (- (c g / Bp)) by (unfold Rdiv; ring). lra.
Qed.

Lemma div_le_cross : forall ge ce gx cx, 0 < ce -> 0 < cx -> ge / ce <= gx / cx -> ge * cx <= gx * ce.
Proof.
  intros ge ce gx cx Hce Hcx H. apply (Rmult_le_compat_r (ce * cx)) in H; [|nra].
  replace (ge / ce * (ce * cx)) with (ge * cx) in H by (field; lra).
  replace (gx / cx * (ce * cx)) with (gx * ce) in H by (field; lra). exact H.
Qed.

Lemma cross_le_div : forall ge ce gx cx, 0 < ce -> 0 < cx -> ge * cx <= gx * ce -> ge / ce <= gx / cx.
Proof.
  intros ge ce gx cx Hce Hcx H. apply (Rmult_le_reg_r (ce * cx)); [nra|].
  replace (ge / ce * (ce * cx)) with (ge * cx) by (field; lra).
  replace (gx / cx * (ce * cx)) with (gx * ce) by (field; lra). exact H.
Qed.

(** The densest element of T outside S (T \ S nonempty). *)
Lemma densest : forall f (c : nat -> R) T S e0, (forall e, 0 < c e) -> In e0 T -> ~ In e0 S ->
  exists x, In x T /\ ~ In x S /\ gain f S e0 / c e0 <= gain f S x / c x /\
    forall e, In e T -> ~ In e S -> gain f S e * c x <= gain f S x * c e.
Proof.
  intros f c T S e0 Hc He0 He0S.
  set (R := filter (notin S) T).
  assert (HinR : forall e, In e R <-> In e T /\ ~ In e S).
  { intros e. unfold R. rewrite filter_In. unfold notin.
    destruct (in_dec Nat.eq_dec e S); split; intros H; try tauto; try (destruct H; discriminate);
      destruct H; split; auto. }
  assert (HR : R <> []).
  { intros E. assert (Hin : In e0 R) by (apply HinR; split; assumption). rewrite E in Hin. destruct Hin. }
  destruct (max_cost_elem (fun e => gain f S e / c e) R HR) as [x [Hx Hmax]].
  apply HinR in Hx. destruct Hx as [HxT HxS].
  exists x. split; [exact HxT|]. split; [exact HxS|]. split.
  - apply Hmax, HinR. split; assumption.
  - intros e He HeS. apply div_le_cross; try apply Hc. apply Hmax, HinR. split; assumption.
Qed.

(** THEOREM (completion): if every element e of T outside Y has 3 f(e|Y) <= f(Y), every
    density-greedy completion of Y reaches (1 - 1/e) f(T). *)
Theorem completion_good : forall f c B ground Y T gs,
  set_fun f -> monotone f -> submodular f -> (forall e, 0 < c e) -> 0 <= f [] ->
  NoDup T -> NoDup Y -> incl Y T -> incl T ground -> sumL c T <= B ->
  (forall e, In e T -> ~ In e Y -> 3 * gain f Y e <= f Y) ->
  greedy_from f c B ground Y gs -> (1 - exp (-1)) * f T <= f (gs ++ Y).
Proof.
  intros f c B ground Y T gs Hf Hm Hs Hc Hf0 HT HY HYT Hground HB Hseed [Hrun Hstop].
  set (Bp := B - sumL c Y).
  pose proof (f_nonneg f T Hm Hf0) as HfT.
  pose proof (exp_pos (-1)).
  assert (Hfin : forall S, incl S (gs ++ Y) -> (1 - exp (-1)) * f T <= f S ->
                 (1 - exp (-1)) * f T <= f (gs ++ Y)).
  { intros S HS H'. pose proof (Hm S (gs ++ Y) HS). lra. }
  assert (HinclS : forall j, incl Y (firstn j gs ++ Y)) by (intros j x Hx; apply in_or_app; right; exact Hx).
  assert (HinclF : forall j, incl (firstn j gs ++ Y) (gs ++ Y)).
  { intros j x Hx. apply in_app_or in Hx. apply in_or_app. destruct Hx as [Hx|Hx]; [left|right; exact Hx].
    rewrite <- (firstn_skipn j gs). apply in_or_app. left. exact Hx. }
  assert (Q : forall j, (j <= length gs)%nat ->
     f T - f (firstn j gs ++ Y) <= exp (- sumL c (firstn j gs) / Bp) * (f T - f Y)
     \/ (1 - exp (-1)) * f T <= f (gs ++ Y)).
  { induction j as [|j IH]; intros Hj.
    - left. simpl. replace (- 0 / Bp) with 0 by (unfold Rdiv; ring). rewrite exp_0. lra.
    - destruct (IH ltac:(lia)) as [Inv|Goal]; [|right; exact Goal].
      destruct (Hrun j ltac:(lia)) as [Hgin [HgS [Hgfit [Hgpos Hgmax]]]].
      set (S := firstn j gs ++ Y) in *. set (g := nth j gs 0%nat) in *.
      assert (HcS : sumL c S = sumL c (firstn j gs) + sumL c Y) by (unfold S; apply sumL_app).
      destruct (Classical_Prop.classic
                  (forall e, In e T -> ~ In e S -> gain f S e * c g <= gain f S g * c e))
        as [Hall|Hnot].
      + left. rewrite firstn_S_nth by lia.
        assert (E1 : f ((firstn j gs ++ [g]) ++ Y) = f (g :: S)).
        { apply Hf. intros x. unfold S. simpl. rewrite !in_app_iff. simpl. tauto. }
        assert (E2 : sumL c (firstn j gs ++ [g]) = sumL c (firstn j gs) + c g)
          by (rewrite sumL_app; simpl; ring).
        fold g. rewrite E1, E2.
        apply (step_invariant f c B Y T S (sumL c (firstn j gs)) g); auto. apply HinclS.
      + right.
        destruct (Classical_Pred_Type.not_all_ex_not _ _ Hnot) as [e0 He0].
        destruct (Classical_Prop.imply_to_and _ _ He0) as [He0T He0'].
        destruct (Classical_Prop.imply_to_and _ _ He0') as [He0S Hlt].
        apply Rnot_le_lt in Hlt.
        destruct (densest f c T S e0 Hc He0T He0S) as [x [HxT [HxS [Hx0 Hxmax]]]].
        apply (Hfin S (HinclF j)).
        apply (finish f c B Y T S (sumL c (firstn j gs)) x); auto.
        * apply HinclS.
        * destruct (Rlt_dec B (sumL c S + c x)) as [Hb|Hb]; [exact Hb|exfalso].
          assert (Hfx : gain f S x * c g <= gain f S g * c x)
            by (apply Hgmax; [apply Hground; exact HxT | exact HxS | lra]).
          pose proof (cross_le_div _ _ _ _ (Hc x) (Hc g) Hfx).
          assert (gain f S g / c g < gain f S e0 / c e0).
          { destruct (Rlt_dec (gain f S g / c g) (gain f S e0 / c e0)) as [Hl|Hl]; [exact Hl|].
            exfalso. apply Rnot_lt_le in Hl.
            pose proof (div_le_cross _ _ _ _ (Hc e0) (Hc g) Hl). lra. }
          lra. }
  destruct (Q (length gs) ltac:(lia)) as [Inv|Goal]; [|exact Goal].
  rewrite firstn_all in Inv.
  set (S := gs ++ Y) in *.
  assert (HcS : sumL c S = sumL c gs + sumL c Y) by (unfold S; apply sumL_app).
  destruct (Classical_Prop.classic (forall e, In e T -> ~ In e S -> gain f S e <= 0)) as [Hall|Hnot].
  - pose proof (submod_bound f S T Hf Hm Hs) as B1.
    assert (sumL (gain f S) T <= sumL (fun _ => 0) T).
    { apply sumL_le. intros e He. destruct (in_dec Nat.eq_dec e S) as [Hin|Hin].
      - rewrite gain_in by assumption. lra.
      - apply Hall; assumption. }
    assert (Z : sumL (fun _ => 0) T = 0) by (clear; induction T; simpl; [reflexivity|rewrite IHT; ring]).
    nra.
  - destruct (Classical_Pred_Type.not_all_ex_not _ _ Hnot) as [e0 He0].
    destruct (Classical_Prop.imply_to_and _ _ He0) as [He0T He0'].
    destruct (Classical_Prop.imply_to_and _ _ He0') as [He0S Hlt].
    apply Rnot_le_lt in Hlt.
    destruct (densest f c T S e0 Hc He0T He0S) as [x [HxT [HxS [Hx0 Hxmax]]]].
    apply (finish f c B Y T S (sumL c gs) x); auto.
    + intros z Hz. unfold S. apply in_or_app. right. exact Hz.
    + destruct (Rlt_dec B (sumL c S + c x)) as [Hb|Hb]; [exact Hb|exfalso].
      assert (gain f S x <= 0) by (apply Hstop; [apply Hground; exact HxT | exact HxS | lra]).
      assert (0 < gain f S e0 / c e0) by (apply Rdiv_lt_0_compat; [lra | apply Hc]).
      assert (gain f S x / c x <= 0).
      { unfold Rdiv. pose proof (Hc x). assert (0 < / c x) by (apply Rinv_0_lt_compat; lra). nra. }
      lra.
Qed.

(** THEOREM (Sviridenko, ratio 1 - 1/e): for every feasible T there is a seed Y included in T,
    of at most 3 elements and within the budget, such that every density-greedy completion of
    Y has value at least (1 - 1/e) f(T).  Partial enumeration tries every seed of at most 3
    elements that fits and returns the best completion, hence at least (1 - 1/e) OPT.  The seed
    is T itself if |T| <= 3, else the first three elements of T in the greedy order by
    marginal value (o1 maximises f({o}), o2 maximises f(o | {o1}), o3 maximises
    f(o | {o1, o2}), each over the rest of T), so that f(e | Y) <= f(Y) / 3 on T \ Y. *)
Theorem sviridenko_ratio : forall f c B ground T,
  set_fun f -> monotone f -> submodular f -> (forall e, 0 < c e) -> 0 <= f [] ->
  NoDup T -> incl T ground -> sumL c T <= B ->
  exists Y, incl Y T /\ NoDup Y /\ (length Y <= 3)%nat /\ sumL c Y <= B /\
    forall gs, greedy_from f c B ground Y gs -> (1 - exp (-1)) * f T <= f (gs ++ Y).
Proof.
  intros f c B ground T Hf Hm Hs Hc Hf0 HT Hground HB.
  assert (Hc0 : forall e, 0 <= c e) by (intros; apply Rlt_le, Hc).
  assert (Hcost : forall Y, NoDup Y -> incl Y T -> sumL c Y <= B).
  { intros Y HY HYT. rewrite (sumL_split_seed c T Y HT HY HYT) in HB.
    assert (0 <= sumL (fun e => if in_dec Nat.eq_dec e Y then 0 else c e) T).
    { apply sumL_nonneg. intros x. destruct (in_dec Nat.eq_dec x Y); [lra|apply Hc0]. }
    lra. }
  destruct (le_lt_dec (length T) 3) as [Hsmall|Hbig].
  - exists T. split; [intros x Hx; exact Hx|]. split; [exact HT|]. split; [exact Hsmall|].
    split; [lra|]. intros gs _.
    pose proof (Hm T (gs ++ T) ltac:(intros x Hx; apply in_or_app; right; exact Hx)).
    pose proof (f_nonneg f T Hm Hf0). pose proof (exp_pos (-1)). nra.
  - destruct T as [|a [|b [|d T']]]; simpl in Hbig; try lia.
    set (T := a :: b :: d :: T') in *.
    inversion HT as [|? ? Ha HT1]; subst. inversion HT1 as [|? ? Hb HT2]; subst.
    assert (Hab : a <> b) by (intros E; apply Ha; left; symmetry; exact E).
    assert (Had : a <> d) by (intros E; apply Ha; right; left; symmetry; exact E).
    assert (Hbd : b <> d) by (intros E; apply Hb; left; symmetry; exact E).
    (* o1 *)
    destruct (max_cost_elem (fun e => gain f [] e) T ltac:(discriminate)) as [o1 [Ho1 H1]].
    set (T1 := remove Nat.eq_dec o1 T).
    assert (HT1ne : T1 <> []).
    { destruct (Nat.eq_dec a o1) as [->|Hne].
      - assert (Hin : In b T1) by (apply in_in_remove; [auto | right; left; reflexivity]).
        intros E; rewrite E in Hin; destruct Hin.
      - assert (Hin : In a T1) by (apply in_in_remove; [auto | left; reflexivity]).
        intros E; rewrite E in Hin; destruct Hin. }
    destruct (max_cost_elem (fun e => gain f [o1] e) T1 HT1ne) as [o2 [Ho2 H2]].
    apply in_remove in Ho2 as Ho2'. destruct Ho2' as [Ho2T Ho21].
    set (T2 := remove Nat.eq_dec o2 T1).
    assert (HT2ne : T2 <> []).
    { assert (Hpick : exists z, In z T /\ z <> o1 /\ z <> o2).
      { destruct (Nat.eq_dec a o1), (Nat.eq_dec a o2), (Nat.eq_dec b o1), (Nat.eq_dec b o2),
          (Nat.eq_dec d o1), (Nat.eq_dec d o2); try lia;
        first [ (exists a; split; [left; reflexivity | split; assumption])
              | (exists b; split; [right; left; reflexivity | split; assumption])
              | (exists d; split; [right; right; left; reflexivity | split; assumption]) ]. }
      destruct Hpick as [z [HzT [Hz1 Hz2]]].
      assert (Hin : In z T2) by (apply in_in_remove; [exact Hz2 | apply in_in_remove; assumption]).
      intros E; rewrite E in Hin; destruct Hin. }
    destruct (max_cost_elem (fun e => gain f [o2; o1] e) T2 HT2ne) as [o3 [Ho3 H3]].
    apply in_remove in Ho3 as Ho3'. destruct Ho3' as [Ho3T1 Ho32].
    apply in_remove in Ho3T1 as Ho3''. destruct Ho3'' as [Ho3T Ho31].
    set (Y := [o3; o2; o1]).
    assert (HYT : incl Y T) by (intros x [<-|[<-|[<-|[]]]]; assumption).
    assert (HY : NoDup Y).
    { constructor; [intros [E|[E|[]]]; congruence|].
      constructor; [intros [E|[]]; congruence|].
      constructor; [intros []|constructor]. }
    exists Y. split; [exact HYT|]. split; [exact HY|]. split; [simpl; lia|].
    split; [apply Hcost; assumption|].
    intros gs Hrun. apply (completion_good f c B ground Y T gs); auto.
    intros e He HeY.
    assert (He1 : e <> o1) by (intros E; apply HeY; right; right; left; symmetry; exact E).
    assert (He2 : e <> o2) by (intros E; apply HeY; right; left; symmetry; exact E).
    assert (He3 : e <> o3) by (intros E; apply HeY; left; symmetry; exact E).
    assert (HeT1 : In e T1) by (apply in_in_remove; assumption).
    assert (HeT2 : In e T2) by (apply in_in_remove; assumption).
    pose proof (H1 e He) as G1. pose proof (H2 e HeT1) as G2. pose proof (H3 e HeT2) as G3.
    cbv beta in G1, G2, G3.
    pose proof (Hs [] Y e ltac:(intros x [])) as S1.
    pose proof (Hs [o1] Y e ltac:(intros x [<-|[]]; right; right; left; reflexivity)) as S2.
    pose proof (Hs [o2; o1] Y e ltac:(intros x [<-|[<-|[]]]; [right; left | right; right; left]; reflexivity)) as S3.
    unfold gain in *. unfold Y in *. lra.
Qed.
