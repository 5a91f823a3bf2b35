(** Part B: the upper-bound certificate of src/submod/opt.rs and the 1/2 guarantee of
    greedy + max (Yaroslavtsev, Zhou, Avdiukhin 2020), on a model over an abstract monotone
    submodular set function and modular positive costs.

    Sets are lists of elements (nat); a set function [f : list nat -> R] is required to depend
    only on the elements ([set_fun]), so duplicates and order do not matter.  Submodularity is
    stated as diminishing returns: A included in B implies f(e + B) - f(B) <= f(e + A) - f(A). *)

From Coq Require Import List Arith Lia Reals Lra.
Import ListNotations.
Open Scope R_scope.

Definition set_fun (f : list nat -> R) : Prop :=
  forall A B, (forall x, In x A <-> In x B) -> f A = f B.
Definition monotone (f : list nat -> R) : Prop := forall A B, incl A B -> f A <= f B.
Definition submodular (f : list nat -> R) : Prop :=
  forall A B e, incl A B -> f (e :: B) - f B <= f (e :: A) - f A.

(** Marginal gain f(e | S). *)
Definition gain (f : list nat -> R) (S : list nat) (e : nat) : R := f (e :: S) - f S.

Definition sumL (h : nat -> R) (L : list nat) : R := fold_right (fun x acc => h x + acc) 0 L.

Lemma sumL_le : forall h h' L, (forall x, In x L -> h x <= h' x) -> sumL h L <= sumL h' L.
Proof.
  intros h h' L. induction L as [|a L IH]; simpl; intros H; [lra|].
  pose proof (H a (or_introl eq_refl)). pose proof (IH (fun x Hx => H x (or_intror Hx))). lra.
Qed.

Lemma sumL_app : forall h A B, sumL h (A ++ B) = sumL h A + sumL h B.
Proof. intros h A B. induction A as [|a A IH]; simpl; [ring|rewrite IH; ring]. Qed.

Lemma sumL_nonneg : forall h L, (forall x, 0 <= h x) -> 0 <= sumL h L.
Proof. intros h L H. induction L as [|a L IH]; simpl; [lra|]. pose proof (H a). lra. Qed.

Lemma sumL_plus : forall h h' L, sumL (fun x => h x + h' x) L = sumL h L + sumL h' L.
Proof. intros h h' L. induction L; simpl; [ring|rewrite IHL; ring]. Qed.

Lemma sumL_scale : forall h a L, sumL (fun x => a * h x) L = a * sumL h L.
Proof. intros h a L. induction L; simpl; [ring|rewrite IHL; ring]. Qed.

(** A sum over a duplicate-free list included in another, of a nonnegative function, is at most
    the sum over the other list. *)
Lemma sumL_incl : forall h A B, (forall x, 0 <= h x) -> NoDup A -> incl A B ->
  sumL h A <= sumL h B.
Proof.
  intros h A. induction A as [|a A IH]; intros B Hh HA Hinc; simpl; [apply sumL_nonneg; exact Hh|].
  inversion HA as [|a' A' Ha HA']; subst.
  assert (Hin : In a B) by (apply Hinc; left; reflexivity).
  apply in_split in Hin. destruct Hin as [B1 [B2 ->]].
  rewrite sumL_app. simpl.
  assert (sumL h A <= sumL h (B1 ++ B2)).
  { apply IH; [exact Hh|exact HA'|]. intros x Hx.
    assert (In x (B1 ++ a :: B2)) by (apply Hinc; right; exact Hx).
    apply in_app_or in H. apply in_or_app. destruct H as [H|[H|H]]; auto.
    subst; contradiction. }
  rewrite sumL_app in H. lra.
Qed.

(** f(T) <= f(S) + sum over e in T of f(e | S), for monotone submodular f. *)
Lemma submod_chain : forall f S T, set_fun f -> submodular f ->
  f (T ++ S) <= f S + sumL (gain f S) T.
Proof.
  intros f S T Hf Hs. induction T as [|t T IH]; simpl; [lra|].
  assert (gain f (T ++ S) t <= gain f S t).
  { apply Hs. intros x Hx. apply in_or_app. right. exact Hx. }
  unfold gain in *. lra.
Qed.

Lemma submod_bound : forall f S T, set_fun f -> monotone f -> submodular f ->
  f T <= f S + sumL (gain f S) T.
Proof.
  intros f S T Hf Hm Hs. pose proof (submod_chain f S T Hf Hs).
  assert (f T <= f (T ++ S)) by (apply Hm; intros x Hx; apply in_or_app; left; exact Hx).
  lra.
Qed.

Lemma gain_in : forall f S e, set_fun f -> In e S -> gain f S e = 0.
Proof.
  intros f S e Hf Hin. unfold gain. rewrite (Hf (e :: S) S); [ring|].
  intros x. split; [intros [<-|H]; auto | intros H; right; exact H].
Qed.

(** ** The fractional knapsack by density (the loop of [certificate] in src/submod/opt.rs) *)

(** Items (gain, cost): take whole items while they fit, then a fraction of the first one that
    does not, and stop. *)
Fixpoint fk (items : list (R * R)) (rem : R) : R :=
  match items with
  | [] => 0
  | (g, c) :: t => if Rle_dec c rem then g + fk t (rem - c) else g * rem / c
  end.

(** Sorted by nonincreasing density g / c (written without division). *)
Fixpoint dsorted (items : list (R * R)) : Prop :=
  match items with
  | [] => True
  | (g, c) :: t => Forall (fun it => fst it * c <= g * snd it) t /\ dsorted t
  end.

Definition pos_items (items : list (R * R)) : Prop :=
  Forall (fun it => 0 <= fst it /\ 0 < snd it) items.

Lemma div_nonneg : forall a b, 0 <= a -> 0 < b -> 0 <= a / b.
Proof. intros a b Ha Hb. unfold Rdiv. apply Rmult_le_pos; [exact Ha|]. apply Rlt_le, Rinv_0_lt_compat. exact Hb. Qed.

Definition dual (items : list (R * R)) (lam rem : R) : R :=
  lam * rem + fold_right (fun it acc => Rmax 0 (fst it - lam * snd it) + acc) 0 items.

(** The greedy value equals the Lagrangian dual value at the critical density lambda. *)
Lemma fk_is_dual : forall items rem, dsorted items -> pos_items items -> 0 <= rem ->
  exists lam, 0 <= lam /\
    (forall d, 0 <= d -> Forall (fun it => fst it <= d * snd it) items -> lam <= d) /\
    fk items rem = dual items lam rem.
Proof.
  intros items. induction items as [|[g c] t IH]; intros rem Hs Hp Hr.
  - exists 0. split; [lra|]. split; [intros; lra|]. unfold dual. simpl. ring.
  - destruct Hs as [Hhd Hs]. inversion Hp as [|it t' [Hg Hc] Hp']; subst. simpl fst in *. simpl snd in *.
    cbn [fk]. destruct (Rle_dec c rem) as [Hle|Hgt].
    + destruct (IH (rem - c) Hs Hp' ltac:(lra)) as [lam [Hl0 [Hlub Heq]]].
      exists lam. split; [exact Hl0|]. split.
      * intros d Hd Hall. inversion Hall; subst. apply Hlub; assumption.
      * assert (Hlc : lam * c <= g).
        { assert (lam <= g / c).
          { apply Hlub; [apply div_nonneg; lra|].
            eapply Forall_impl; [|exact Hhd]. intros [g' c'] H'. simpl in *.
            apply (Rmult_le_reg_r c); [lra|]. unfold Rdiv.
            replace (g * / c * c' * c) with (g * c') by (field; lra). exact H'. }
          apply (Rmult_le_compat_r c) in H; [|lra]. unfold Rdiv in H.
          rewrite Rmult_assoc, Rinv_l, Rmult_1_r in H by lra. exact H. }
        rewrite Heq. unfold dual. simpl. rewrite Rmax_right by lra. ring.
    + exists (g / c). split; [apply div_nonneg; lra|]. split.
      * intros d Hd Hall. inversion Hall; subst. simpl in *.
        apply (Rmult_le_reg_r c); [lra|]. unfold Rdiv.
        rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra.
      * unfold dual. simpl. rewrite Rmax_left.
        2:{ unfold Rdiv. rewrite Rmult_assoc, Rinv_l by lra. lra. }
        assert (Z : fold_right (fun it acc => Rmax 0 (fst it - g / c * snd it) + acc) 0 t = 0).
        { clear IH Hs Hp. revert Hhd Hp'. induction t as [|[g' c'] t IHt]; intros Hhd Hp';
            [reflexivity|].
          inversion Hhd as [|? ? H1 H2]; subst. inversion Hp' as [|? ? [Hg' Hc'] Hp'']; subst.
          simpl in *. rewrite (IHt H2 Hp''). rewrite Rmax_left; [ring|].
          assert (g' * c <= g * c') by exact H1.
          assert (g / c * c' = g * c' / c) by (field; lra).
          rewrite H0. apply Rle_minus. apply (Rmult_le_reg_r c); [lra|]. unfold Rdiv.
          rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. exact H. }
        rewrite Z. field. lra.
Qed.

Lemma sumL_elem : forall h L e, (forall x, 0 <= h x) -> In e L -> h e <= sumL h L.
Proof.
  intros h L e Hh. induction L as [|a L IH]; simpl; intros Hin; [destruct Hin|].
  destruct Hin as [->|Hin].
  - pose proof (sumL_nonneg h L Hh). lra.
  - pose proof (IH Hin). pose proof (Hh a). lra.
Qed.

Lemma sumL_filter : forall h (P : nat -> bool) L, (forall x, P x = false -> h x = 0) ->
  sumL h L = sumL h (filter P L).
Proof.
  intros h P L H. induction L as [|a L IH]; simpl; [reflexivity|].
  destruct (P a) eqn:E; simpl; rewrite IH; [reflexivity|]. rewrite H by exact E. ring.
Qed.

Lemma sumL_if_filter : forall h (P : nat -> bool) L,
  sumL (fun e => if P e then h e else 0) L = sumL h (filter P L).
Proof.
  intros h P L. induction L as [|a L IH]; simpl; [reflexivity|].
  destruct (P a); simpl; rewrite IH; [reflexivity|ring].
Qed.

Lemma dual_map : forall (gf cf : nat -> R) lam es,
  fold_right (fun it acc => Rmax 0 (fst it - lam * snd it) + acc) 0 (map (fun e => (gf e, cf e)) es)
  = sumL (fun e => Rmax 0 (gf e - lam * cf e)) es.
Proof. intros. induction es; simpl; [reflexivity|]. rewrite IHes. reflexivity. Qed.

(** THEOREM (the certificate of src/submod/opt.rs): for any set S, let es list (without
    repetition) every element e of the ground set with e not in S, c_e <= B and f(e|S) > 0,
    sorted by nonincreasing density f(e|S)/c_e.  Then every feasible set T (c(T) <= B) has
    f(T) <= f(S) + the greedy fractional knapsack of the gains over es with budget B,
    i.e. OPT <= f(S) + max fractional knapsack of the marginals. *)
Theorem certificate_bound : forall f (c : nat -> R) B ground S T es,
  set_fun f -> monotone f -> submodular f -> (forall e, 0 < c e) ->
  NoDup es -> (forall e, In e es -> 0 <= gain f S e) ->
  (forall e, In e ground -> ~ In e S -> c e <= B -> 0 < gain f S e -> In e es) ->
  dsorted (map (fun e => (gain f S e, c e)) es) ->
  NoDup T -> incl T ground -> sumL c T <= B ->
  f T <= f S + fk (map (fun e => (gain f S e, c e)) es) B.
Proof.
  intros f c B ground S T es Hf Hm Hs Hc Hes Hpos Hcomplete Hsorted HT Hground HB.
  assert (Hc0 : forall x, 0 <= c x) by (intros x; apply Rlt_le, Hc).
  assert (HB0 : 0 <= B) by (pose proof (sumL_nonneg c T Hc0); lra).
  assert (Hp : pos_items (map (fun e => (gain f S e, c e)) es)).
  { unfold pos_items. apply Forall_forall. intros it Hit. apply in_map_iff in Hit.
    destruct Hit as [e [<- He]]. simpl. split; [apply Hpos; exact He | apply Hc]. }
  destruct (fk_is_dual _ B Hsorted Hp HB0) as [lam [Hl0 [_ Heq]]].
  rewrite Heq. unfold dual. rewrite dual_map.
  set (h := fun e => Rmax 0 (gain f S e - lam * c e)).
  set (P := fun e => if in_dec Nat.eq_dec e es then true else false).
  set (hT := fun e => if P e then h e else 0).
  assert (Hh : forall x, 0 <= h x) by (intros x; unfold h; apply Rmax_l).
  pose proof (submod_bound f S T Hf Hm Hs) as B1.
  assert (B2 : sumL (gain f S) T <= sumL (fun e => lam * c e + hT e) T).
  { apply sumL_le. intros e He. unfold hT, P.
    destruct (in_dec Nat.eq_dec e es) as [Hin|Hnin].
    - unfold h. pose proof (Rmax_r 0 (gain f S e - lam * c e)). lra.
    - assert (gain f S e <= 0).
      { destruct (Rle_dec (gain f S e) 0) as [Hle|Hgt]; [exact Hle|exfalso].
        destruct (in_dec Nat.eq_dec e S) as [HS|HS].
        - rewrite gain_in in Hgt by assumption. lra.
        - apply Hnin, Hcomplete; [apply Hground; exact He | exact HS | | lra].
          pose proof (sumL_elem c T e Hc0 He). lra. }
      pose proof (Hc0 e). assert (0 <= lam * c e) by (apply Rmult_le_pos; lra). lra. }
  rewrite sumL_plus, sumL_scale in B2.
  assert (B3 : sumL hT T <= sumL h es).
  { unfold hT. rewrite sumL_if_filter.
    apply sumL_incl; [exact Hh| apply NoDup_filter; exact HT|].
    intros x Hx. apply filter_In in Hx. destruct Hx as [_ Hx]. unfold P in Hx.
    destruct (in_dec Nat.eq_dec x es); [assumption|discriminate]. }
  assert (lam * sumL c T <= lam * B) by (apply Rmult_le_compat_l; lra).
  fold h. lra.
Qed.

(** ** Greedy + max: ratio 1/2 *)

(** A run of the density greedy on [ground] with budget B: the picks [gs] in order.  Each pick
    fits, is new, has positive gain and maximal density f(e|G)/c_e among the new fitting
    elements (written without division; ties may be broken in any way); the run stops when no
    new fitting element has positive gain. *)
Definition greedy_run (f : list nat -> R) (c : nat -> R) (B : R) (ground gs : list nat) : Prop :=
  (forall j, (j < length gs)%nat ->
     In (nth j gs 0%nat) ground /\ ~ In (nth j gs 0%nat) (firstn j gs) /\
     sumL c (firstn j gs) + c (nth j gs 0%nat) <= B /\
     0 < gain f (firstn j gs) (nth j gs 0%nat) /\
     (forall e, In e ground -> ~ In e (firstn j gs) -> sumL c (firstn j gs) + c e <= B ->
        gain f (firstn j gs) e * c (nth j gs 0%nat)
        <= gain f (firstn j gs) (nth j gs 0%nat) * c e)) /\
  (forall e, In e ground -> ~ In e gs -> sumL c gs + c e <= B -> gain f gs e <= 0).

(** The candidates of greedy + max: a prefix G_j, or G_j plus one element that fits. *)
Definition gm_candidate (c : nat -> R) (B : R) (gs : list nat) (X : list nat) : Prop :=
  exists j, (j <= length gs)%nat /\
    (X = firstn j gs \/ exists e, X = e :: firstn j gs /\ sumL c (firstn j gs) + c e <= B).

Lemma firstn_S_nth : forall (gs : list nat) j, (j < length gs)%nat ->
  firstn (S j) gs = firstn j gs ++ [nth j gs 0%nat].
Proof.
  intros gs. induction gs as [|a gs IH]; intros j Hj; simpl in Hj; [lia|].
  destruct j as [|j]; [reflexivity|].
  change (a :: firstn (S j) gs = a :: (firstn j gs ++ [nth j gs 0%nat])). rewrite IH by lia. reflexivity.
Qed.

Lemma set_fun_snoc : forall f G g, set_fun f -> f (G ++ [g]) = f (g :: G).
Proof.
  intros f G g Hf. apply Hf. intros x. rewrite in_app_iff. simpl. tauto.
Qed.

Lemma sumL_split_elem : forall h L o, NoDup L -> In o L ->
  sumL h L = h o + sumL (fun e => if Nat.eq_dec e o then 0 else h e) L.
Proof.
  intros h L o. induction L as [|a L IH]; intros Hnd Hin; [destruct Hin|].
  inversion Hnd as [|a' L' Ha Hnd']; subst. simpl.
  destruct (Nat.eq_dec a o) as [->|Hne].
  - assert (sumL (fun e => if Nat.eq_dec e o then 0 else h e) L = sumL h L).
    { clear IH Hin Hnd. induction L as [|b L IHL]; simpl; [reflexivity|].
      destruct (Nat.eq_dec b o) as [->|]; [exfalso; apply Ha; left; reflexivity|].
      rewrite IHL; [reflexivity| |]; [intros H; apply Ha; right; exact H | inversion Hnd'; assumption]. }
    rewrite H. ring.
  - destruct Hin as [->|Hin]; [contradiction|]. rewrite (IH Hnd' Hin). ring.
Qed.

Lemma max_cost_elem : forall (c : nat -> R) (T : list nat), T <> [] ->
  exists o, In o T /\ forall e, In e T -> c e <= c o.
Proof.
  intros c T. induction T as [|a T IH]; intros H; [congruence|].
  destruct T as [|b T'].
  - exists a. split; [left; reflexivity|]. intros e [<-|[]]. lra.
  - destruct (IH ltac:(discriminate)) as [o [Ho Hmax]].
    destruct (Rle_dec (c a) (c o)).
    + exists o. split; [right; exact Ho|]. intros e [<-|He]; [lra|apply Hmax; exact He].
    + exists a. split; [left; reflexivity|]. intros e [<-|He]; [lra|].
      pose proof (Hmax e He). lra.
Qed.

(** THEOREM (greedy + max, ratio 1/2): for monotone submodular f with f({}) >= 0, positive
    costs and any run of the density greedy, some candidate (a greedy prefix, or a prefix plus
    one fitting element) has value at least f(T)/2 for every feasible T; the algorithm returns
    the best candidate, hence at least OPT/2. *)
Theorem greedy_max_half : forall f (c : nat -> R) B ground gs T,
  set_fun f -> monotone f -> submodular f -> (forall e, 0 < c e) -> 0 <= f [] ->
  greedy_run f c B ground gs ->
  NoDup T -> incl T ground -> sumL c T <= B ->
  exists X, gm_candidate c B gs X /\ f T <= 2 * f X.
Proof.
  intros f c B ground gs T Hf Hm Hs Hc Hf0 [Hrun Hstop] HT Hground HB.
  assert (Hc0 : forall x, 0 <= c x) by (intros x; apply Rlt_le, Hc).
  destruct (list_eq_dec Nat.eq_dec T []) as [->|Hne].
  { exists []. split; [exists 0%nat; split; [lia|left; reflexivity]|]. lra. }
  destruct (Classical_Prop.classic (exists X, gm_candidate c B gs X /\ f T <= 2 * f X))
    as [Hyes|Hno]; [exact Hyes|exfalso].
  assert (Hlt : forall X, gm_candidate c B gs X -> 2 * f X < f T).
  { intros X HX. destruct (Rlt_dec (2 * f X) (f T)) as [Hl|Hl]; [exact Hl|].
    exfalso. apply Hno. exists X. split; [exact HX|lra]. }
  assert (HfT : 0 < f T).
  { pose proof (Hlt [] ltac:(exists 0%nat; split; [lia|left; reflexivity])). lra. }
  destruct (max_cost_elem c T Hne) as [o [Ho Hmaxc]].
  set (C' := B - c o).
  set (co := fun e => if Nat.eq_dec e o then 0 else c e).
  assert (HTo : sumL co T <= C').
  { unfold C', co. rewrite (sumL_split_elem c T o HT Ho) in HB. lra. }
  assert (HC' : 0 <= C') by (pose proof (sumL_nonneg co T ltac:(intros x; unfold co; destruct (Nat.eq_dec x o); [lra|apply Hc0])); lra).
  (* One greedy step, while all of T still fits. *)
  assert (Hstep : forall j, (j < length gs)%nat -> sumL c (firstn j gs) <= C' ->
            c (nth j gs 0%nat) * (f T / 2)
            <= gain f (firstn j gs) (nth j gs 0%nat) * C').
  { intros j Hj HG. set (G := firstn j gs) in *. set (g := nth j gs 0%nat) in *.
    destruct (Hrun j Hj) as [Hgin [Hgnew [Hgfit [Hgpos Hgmax]]]]. fold G g in Hgin, Hgnew, Hgfit, Hgpos, Hgmax.
    assert (HoX : 2 * f (o :: G) < f T).
    { apply Hlt. exists j. split; [lia|]. right. exists o. split; [reflexivity|].
      fold G. unfold C' in HG. lra. }
    pose proof (submod_bound f (o :: G) T Hf Hm Hs) as B1.
    assert (B2 : sumL (gain f (o :: G)) T <= sumL (fun e => if Nat.eq_dec e o then 0 else gain f G e) T).
    { apply sumL_le. intros e He. destruct (Nat.eq_dec e o) as [->|Hneo].
      - rewrite gain_in by (exact Hf || (left; reflexivity)). lra.
      - apply Hs. intros x Hx. right. exact Hx. }
    assert (B3 : c g * sumL (fun e => if Nat.eq_dec e o then 0 else gain f G e) T
                 <= gain f G g * sumL co T).
    { rewrite <- !sumL_scale. apply sumL_le. intros e He. unfold co.
      destruct (Nat.eq_dec e o) as [->|Hneo]; [lra|].
      destruct (in_dec Nat.eq_dec e G) as [HeG|HeG].
      - rewrite gain_in by (exact Hf || exact HeG). pose proof (Hc0 e). pose proof (Hc0 g). nra.
      - rewrite (Rmult_comm (c g)). apply Hgmax; [apply Hground; exact He | exact HeG |].
        pose proof (Hmaxc e He). unfold C' in HG. lra. }
    assert (gain f G g * sumL co T <= gain f G g * C') by (apply Rmult_le_compat_l; lra).
    pose proof (Hc g).
    assert (c g * (f T / 2) <= c g * (f T - f (o :: G))) by (apply Rmult_le_compat_l; lra).
    assert (c g * (f T - f (o :: G)) <= c g * sumL (fun e => if Nat.eq_dec e o then 0 else gain f G e) T)
      by (apply Rmult_le_compat_l; lra).
    lra. }
  (* Induction along the run: the prefixes stay within C' and accumulate enough value. *)
  assert (Hind : forall j, (j <= length gs)%nat ->
            sumL c (firstn j gs) <= C' /\
            f T / 2 * sumL c (firstn j gs) <= C' * (f (firstn j gs) - f [])).
  { induction j as [|j IH]; intros Hj.
    - simpl. split; [lra|]. lra.
    - destruct (IH ltac:(lia)) as [H1 H2].
      pose proof (Hstep j ltac:(lia) H1) as Hst.
      rewrite firstn_S_nth by lia. rewrite sumL_app, set_fun_snoc by exact Hf. simpl.
      assert (E : f (nth j gs 0%nat :: firstn j gs) = f (firstn j gs) + gain f (firstn j gs) (nth j gs 0%nat))
        by (unfold gain; ring).
      assert (Hacc : f T / 2 * (sumL c (firstn j gs) + (c (nth j gs 0%nat) + 0))
                     <= C' * (f (nth j gs 0%nat :: firstn j gs) - f [])) by (rewrite E; nra).
      split; [|exact Hacc].
      assert (HX : 2 * f (firstn (S j) gs) < f T).
      { apply Hlt. exists (S j). split; [lia|left; reflexivity]. }
      rewrite firstn_S_nth, set_fun_snoc in HX by (lia || exact Hf).
      assert (C' * (f (nth j gs 0%nat :: firstn j gs) - f []) <= C' * (f T / 2))
        by (apply Rmult_le_compat_l; lra).
      assert (f T / 2 * (sumL c (firstn j gs) + (c (nth j gs 0%nat) + 0)) <= f T / 2 * C') by lra.
      apply (Rmult_le_reg_l (f T / 2)); lra. }
  (* At the end of the run all of T fits, so no element of T has positive gain. *)
  destruct (Hind (length gs) ltac:(lia)) as [Hend _].
  rewrite firstn_all in Hend.
  pose proof (submod_bound f gs T Hf Hm Hs) as B1.
  assert (sumL (gain f gs) T <= sumL (fun _ => 0) T).
  { apply sumL_le. intros e He. destruct (in_dec Nat.eq_dec e gs) as [Hin|Hin].
    - rewrite gain_in by (exact Hf || exact Hin). lra.
    - apply Hstop; [apply Hground; exact He | exact Hin |].
      pose proof (Hmaxc e He). unfold C' in Hend. lra. }
  assert (Z : sumL (fun _ => 0) T = 0) by (clear; induction T; simpl; [reflexivity|rewrite IHT; ring]).
  assert (HXm : 2 * f gs < f T).
  { rewrite <- (firstn_all gs) at 1. apply Hlt. exists (length gs). split; [lia|left; reflexivity]. }
  lra.
Qed.
