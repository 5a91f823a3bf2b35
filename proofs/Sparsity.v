(** Sparsity (SPEC A.4): gini and tsallis marginals are exactly 0 or 1 once all gaps of the DP
    exceed gamma (resp. 2 gamma). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP SmoothMax Sampler Marginals Bounds Constraints.
Import ListNotations.
Open Scope R_scope.

Definition is01 (x : R) : Prop := x = 0 \/ x = 1.

(** The table's effective pick probabilities are 0/1 on every suffix of l. *)
Fixpoint suffix_01 (Qf : qtable) (l : list itemR) : Prop :=
  match l with
  | [] => True
  | it :: l' => (forall c, is01 (qeff Qf (it :: l') c)) /\ suffix_01 Qf l'
  end.

Lemma marg_ext_row : forall Qf N l mu mu', (forall x, mu x = mu' x) ->
  marg Qf N l mu = marg Qf N l mu'.
Proof.
  intros Qf N l. induction l as [|it l IH]; intros mu mu' H; simpl; [reflexivity|].
  f_equal.
  - apply sumn_ext. intros c _. rewrite H. reflexivity.
  - apply IH. intros x. unfold Estep. rewrite !H. reflexivity.
Qed.

Lemma marg_01 : forall Qf N l c, suffix_01 Qf l -> (c < N)%nat ->
  Forall is01 (marg Qf N l (delta c)).
Proof.
  intros Qf N l. induction l as [|[t w] l IH]; intros c H01 Hc; cbn [marg]; [constructor|].
  destruct H01 as [Hq H01].
  assert (Hhead : sumn N (fun c' => delta c c' * qeff Qf ((t, w) :: l) c') = qeff Qf ((t, w) :: l) c).
  { rewrite (sumn_ext N _ (fun c' => if Nat.eqb c' c then qeff Qf ((t, w) :: l) c else 0)).
    - clear - Hc. induction N as [|N IHN]; [lia|]. cbn [sumn].
      destruct (Nat.eqb_spec N c) as [->|Hne].
      + rewrite (sumn_ext c _ (fun _ => 0)).
        * assert (Z0 : forall k, sumn k (fun _ => 0) = 0).
          { induction k; simpl; [reflexivity|rewrite IHk; ring]. }
          rewrite Z0. ring.
        * intros i Hi. destruct (Nat.eqb_spec i c); [lia|reflexivity].
      + rewrite IHN by lia. ring.
    - intros c' _. unfold delta. destruct (Nat.eqb_spec c' c) as [->|]; ring. }
  constructor; [rewrite Hhead; apply Hq|].
  destruct (Hq c) as [E|E].
  - (* skip: the next row is delta c *)
    rewrite (marg_ext_row Qf N l (Estep Qf ((t, w) :: l) (delta c)) (delta c)).
    + apply IH; assumption.
    + intros x. unfold Estep, delta. simpl wof.
      destruct (Nat.eqb_spec x c) as [->|Hne].
      { rewrite E. destruct (Nat.eqb_spec (c + w) c) as [Hcw|]; [rewrite Hcw, E|]; ring. }
      destruct (Nat.eqb_spec (x + w) c) as [Hxw|]; [|ring].
      rewrite Hxw, E. ring.
  - (* pick: w <= c and the next row is delta (c - w) *)
    assert (Hw : (w <= c)%nat).
    { unfold qeff in E. destruct (Nat.leb_spec w c); [assumption|lra]. }
    rewrite (marg_ext_row Qf N l (Estep Qf ((t, w) :: l) (delta c)) (delta (c - w))).
    + apply IH; [assumption|lia].
    + intros x. unfold Estep, delta. simpl wof.
      destruct (Nat.eqb_spec x c) as [->|Hne].
      * assert (c + w <> c \/ w = 0)%nat by lia.
        destruct (Nat.eqb_spec (c + w) c) as [Hcw|Hcw].
        -- assert (w = 0)%nat by lia. subst w. rewrite Hcw, E.
           destruct (Nat.eqb_spec c (c - 0)); [ring|lia].
        -- rewrite E. destruct (Nat.eqb_spec c (c - w)); [lia|ring].
      * destruct (Nat.eqb_spec (x + w) c) as [Hxw|Hxw].
        -- rewrite Hxw, E. destruct (Nat.eqb_spec x (c - w)); [ring|lia].
        -- destruct (Nat.eqb_spec x (c - w)); [lia|ring].
Qed.

Lemma marg_length : forall Qf N l mu, length (marg Qf N l mu) = length l.
Proof. intros Qf N l. induction l as [|it l IH]; intros mu; simpl; [reflexivity|]. rewrite IH. reflexivity. Qed.

Lemma marginals_01 : forall Qf l C k, suffix_01 Qf l -> (k < length l)%nat ->
  is01 (nth k (marginals Qf l C) 0).
Proof.
  intros Qf l C k H Hk. unfold marginals.
  pose proof (marg_01 Qf (S C) l C H ltac:(lia)) as F. rewrite Forall_forall in F.
  apply F. apply nth_In. rewrite marg_length. exact Hk.
Qed.

(** The DP's own table is 0/1 on every suffix once all gaps are >= d, if the two-way max is
    the plain max and q is 0/1 at such gaps. *)
Lemma Qdp_suffix_01 : forall op qop m l d,
  (forall s p, d <= Rabs (p - s) -> is01 (qop s p)) ->
  (forall s p, d <= Rabs (p - s) -> op s p = Rmax s p) ->
  gaps_ok d m l -> suffix_01 (Qdp op qop m) l.
Proof.
  intros op qop m l d Hq Hop. induction l as [|[t w] l IH]; intros Hgaps; [exact I|].
  destruct Hgaps as [Hg Hc]. split; [|apply IH; exact Hg].
  intros c. unfold qeff. destruct (Nat.leb w c) eqn:Ew; [|left; reflexivity].
  rewrite Qdp_cons, Ew. rewrite !(dp_equal_hard op d m l Hop Hg).
  specialize (Hc c). rewrite Ew in Hc.
  destruct (Rdp Rmax m l c) as [a|]; destruct (Rdp Rmax m l (c - w)) as [b|]; simpl in Hc.
  - apply Hq. exact Hc.
  - left; reflexivity.
  - right; reflexivity.
  - left; reflexivity.
Qed.

Theorem gini_marginals_sparse : forall g m l C k, 0 < g -> gaps_ok g m l ->
  (k < length l)%nat -> is01 (nth k (marginals (Qdp (gini_op g) (q_gini g) m) l C) 0).
Proof.
  intros g m l C k Hg Hgaps Hk. apply marginals_01; [|exact Hk].
  apply (Qdp_suffix_01 _ _ m l g); [| |exact Hgaps].
  - intros s p Hd. unfold q_gini. unfold Rabs in Hd. destruct (Rcase_abs (p - s)).
    + left. apply clip01_lo.
      assert ((p - s) / (2 * g) <= - / 2).
      { apply (Rmult_le_reg_r (2 * g)); [lra|]. unfold Rdiv.
        rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
      lra.
    + right. apply clip01_hi.
      assert (/ 2 <= (p - s) / (2 * g)).
      { apply (Rmult_le_reg_r (2 * g)); [lra|]. unfold Rdiv.
        rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra. lra. }
      lra.
  - intros s p Hd. unfold gini_op. apply gini_value_sparse; assumption.
Qed.

Theorem tsallis_marginals_sparse : forall g m l C k, 0 < g -> gaps_ok (2 * g) m l ->
  (k < length l)%nat -> is01 (nth k (marginals (Qdp (tsallis_op g) (q_tsallis g) m) l C) 0).
Proof.
  intros g m l C k Hg Hgaps Hk. apply marginals_01; [|exact Hk].
  apply (Qdp_suffix_01 _ _ m l (2 * g)); [| |exact Hgaps].
  - intros s p Hd. destruct (tsallis_sparse g s p Hg) as [H1 H0].
    unfold Rabs in Hd. destruct (Rcase_abs (p - s)); [left; apply H0 | right; apply H1]; lra.
  - intros s p Hd. unfold tsallis_op.
    destruct (tsallis_sparse g s p Hg) as [H1 H0].
    unfold Rabs in Hd. destruct (Rcase_abs (p - s)).
    + rewrite H0 by lra. rewrite obj_0 by exact H_tsallis_0. rewrite Rmax_left by lra. reflexivity.
    + rewrite H1 by lra. rewrite obj_1 by exact H_tsallis_1. rewrite Rmax_right by lra. reflexivity.
Qed.
