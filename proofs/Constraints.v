(** Constraint facts about the marginals (SPEC A.4): 0 <= y <= 1; knapsack <w,y> <= C for any
    table Q with values in [0,1]; exact (Shannon) <w,y> = C; top-k (Shannon) sum y = k. *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP SmoothMax Sampler Marginals.
Import ListNotations.
Open Scope R_scope.

Lemma sumn_head : forall n f, sumn (S n) f = f 0%nat + sumn n (fun k => f (S k)).
Proof.
  induction n as [|n IH]; intros f; [simpl; ring|].
  change (sumn (S (S n)) f) with (sumn (S n) f + f (S n)). rewrite IH. simpl. ring.
Qed.

Lemma sumR_nonneg : forall {A} (f : A -> R) L, (forall y, In y L -> 0 <= f y) ->
  0 <= sumR (map f L).
Proof.
  induction L as [|y L IH]; simpl; intros H; [lra|].
  pose proof (H y (or_introl eq_refl)). pose proof (IH (fun z Hz => H z (or_intror Hz))). lra.
Qed.

Lemma sumR_le' : forall {A} (f g : A -> R) L, (forall y, In y L -> f y <= g y) ->
  sumR (map f L) <= sumR (map g L).
Proof.
  induction L as [|y L IH]; simpl; intros H; [lra|].
  pose proof (H y (or_introl eq_refl)). pose proof (IH (fun z Hz => H z (or_intror Hz))). lra.
Qed.

(** Weight of the k-th item. *)
Definition wk (l : list itemR) (k : nat) : R := INR (nth k (map snd l) 0%nat).

(** <w, y> as a sum over positions. *)
Lemma weight_as_sum : forall l y, length y = length l ->
  INR (weight l y) = sumn (length l) (fun k => if nth k y false then wk l k else 0).
Proof.
  induction l as [|[t w] l IH]; intros y H; [destruct y; simpl; reflexivity|].
  destruct y as [|b y]; [discriminate|]. simpl in H. injection H as H.
  cbn [length]. rewrite sumn_head. simpl weight. rewrite plus_INR, IH by exact H.
  unfold wk. simpl. destruct b; simpl; ring.
Qed.

Lemma sumn_sumR_swap' : forall {A} N (F : nat -> A -> R) L,
  sumn N (fun k => sumR (map (F k) L)) = sumR (map (fun y => sumn N (fun k => F k y)) L).
Proof. intros. symmetry. apply sumR_sumn_swap. Qed.

Lemma sumn_scale_l : forall n f a, sumn n (fun k => a * f k) = a * sumn n f.
Proof. induction n; simpl; intros; [ring|rewrite IHn; ring]. Qed.

(** Marginals are probabilities: 0 <= y_k <= 1 for any table with values in [0,1]. *)
Theorem marginals_in_unit_interval : forall Qf l C k, qtable_ok Qf -> (k < length l)%nat ->
  0 <= nth k (marginals Qf l C) 0 <= 1.
Proof.
  intros Qf l C k HQ Hk. rewrite marginals_are_pick_probabilities by exact Hk. split.
  - apply sumR_nonneg. intros y _. destruct (nth k y false); [|lra].
    apply pathprob_range; exact HQ.
  - rewrite <- (sampler_paths_sum_to_one Qf l C). apply sumR_le'. intros y _.
    pose proof (pathprob_range Qf l C y HQ). destruct (nth k y false); lra.
Qed.

(** <w, y> = E[<w, Y>] for the sampler. *)
Lemma weighted_marginals : forall Qf l C,
  sumn (length l) (fun k => wk l k * nth k (marginals Qf l C) 0)
  = sumR (map (fun y => INR (weight l y) * pathprob Qf l C y) (allsel (length l))).
Proof.
  intros Qf l C.
  rewrite (sumn_ext _ _ (fun k => sumR (map (fun y => wk l k *
             (if nth k y false then pathprob Qf l C y else 0)) (allsel (length l))))).
  2:{ intros k Hk. rewrite marginals_are_pick_probabilities by exact Hk.
      rewrite sumR_scale. reflexivity. }
  rewrite sumn_sumR_swap'. apply sumR_ext. intros y Hy. apply allsel_length in Hy.
  rewrite weight_as_sum by exact Hy. rewrite <- sumn_scale_r.
  apply sumn_ext. intros k _. destruct (nth k y false); ring.
Qed.

(** THEOREM (knapsack): <w, y> <= C for every table Q with values in [0,1]. *)
Theorem marginals_weight_le_capacity : forall Qf l C, qtable_ok Qf ->
  sumn (length l) (fun k => wk l k * nth k (marginals Qf l C) 0) <= INR C.
Proof.
  intros Qf l C HQ. rewrite weighted_marginals.
  rewrite <- (Rmult_1_r (INR C)), <- (sampler_paths_sum_to_one Qf l C), <- sumR_scale.
  apply sumR_le'. intros y _. pose proof (pathprob_range Qf l C y HQ).
  destruct (Req_dec (pathprob Qf l C y) 0) as [E|E]; [rewrite E; lra|].
  apply pathprob_feasible in E. apply le_INR in E.
  apply Rmult_le_compat_r; lra.
Qed.

(** THEOREM (exact, Shannon): <w, y> = C when some set is feasible (Z_n(C) > 0). *)
Theorem shannon_exact_weight : forall g l C, 0 < g -> 0 < Zdp g Exact l C ->
  sumn (length l) (fun k => wk l k * nth k (marginals (Qshannon g Exact) l C) 0) = INR C.
Proof.
  intros g l C Hg HZ. rewrite weighted_marginals.
  rewrite <- (Rmult_1_r (INR C)), <- (sampler_paths_sum_to_one (Qshannon g Exact) l C),
    <- sumR_scale.
  apply sumR_ext. intros y Hy. apply allsel_length in Hy.
  rewrite shannon_sampler_is_gibbs by assumption. unfold gibbs.
  destruct (okb Exact C (weight l y)) eqn:E.
  - apply okb_ok in E. simpl in E. rewrite E. reflexivity.
  - unfold Rdiv. ring.
Qed.

(** THEOREM (top-k, Shannon): with unit weights, sum y = k. *)
Theorem shannon_topk_sum : forall g l K, 0 < g -> 0 < Zdp g Exact l K ->
  Forall (fun it => snd it = 1%nat) l ->
  sumn (length l) (fun k => nth k (marginals (Qshannon g Exact) l K) 0) = INR K.
Proof.
  intros g l K Hg HZ Hw. rewrite <- (shannon_exact_weight g l K Hg HZ).
  apply sumn_ext. intros k Hk. unfold wk.
  assert (Hn : nth k (map snd l) 0%nat = 1%nat).
  { rewrite Forall_forall in Hw. rewrite (nth_indep _ _ (snd (0, 0%nat))) by (rewrite map_length; lia).
    rewrite map_nth. apply Hw. apply nth_In. exact Hk. }
  rewrite Hn. simpl. ring.
Qed.

(** ** Exact constraint for every regularizer

    The local choice table of the forward DP (SPEC A.3, algorithm 1) for a two-way max [op] with
    pick probability [qop] (SPEC A.2: if only p is finite q = 1, if p = -inf q = 0). *)
From DiffKnap Require Import Bounds.

Definition Qdp (op qop : R -> R -> R) (m : mode) : qtable :=
  fun l c =>
    match l with
    | [] => 0
    | (t, w) :: l' =>
        if Nat.leb w c then
          match Rdp op m l' c, Rdp op m l' (c - w) with
          | Some a, Some b => qop a (b + t)
          | None, Some _ => 1
          | _, None => 0
          end
        else 0
    end.

Lemma Qdp_ok : forall op qop m, (forall s p, 0 <= qop s p <= 1) -> qtable_ok (Qdp op qop m).
Proof.
  intros op qop m Hq l c. destruct l as [|[t w] l]; simpl; [lra|].
  destruct (Nat.leb w c); [|lra].
  destruct (Rdp op m l c); destruct (Rdp op m l (c - w)); auto; lra.
Qed.

Lemma Qdp_cons : forall op qop m t w l c,
  Qdp op qop m ((t, w) :: l) c =
  if Nat.leb w c then
    match Rdp op m l c, Rdp op m l (c - w) with
    | Some a, Some b => qop a (b + t)
    | None, Some _ => 1
    | _, None => 0
    end
  else 0.
Proof. reflexivity. Qed.

(** Every sample with nonzero probability is exactly feasible, from any finite cell. *)
Lemma Qdp_exact_feasible : forall op qop l c y,
  Rdp op Exact l c <> None -> pathprob (Qdp op qop Exact) l c y <> 0 -> weight l y = c.
Proof.
  intros op qop l. induction l as [|[t w] l IH]; intros c y Hfin Hp.
  - destruct y; [|exfalso; apply Hp; reflexivity]. simpl in *.
    destruct (Nat.eqb_spec c 0); [lia|]. exfalso. apply Hfin. reflexivity.
  - destruct y as [|b y]; [exfalso; apply Hp; reflexivity|].
    cbn [pathprob] in Hp. rewrite Qdp_cons in Hp. cbn [Rdp] in Hfin. simpl weight.
    destruct (Nat.leb_spec w c) as [Hw|Hw].
    + destruct b.
      * destruct (Rdp op Exact l (c - w)) as [pb|] eqn:Ep.
        -- assert (pathprob (Qdp op qop Exact) l (c - w) y <> 0)
             by (intro E; apply Hp; rewrite E; ring).
           assert (Rdp op Exact l (c - w) <> None) by congruence.
           pose proof (IH (c - w)%nat y H0 H). lia.
        -- exfalso. apply Hp. destruct (Rdp op Exact l c); ring.
      * assert (H1 : pathprob (Qdp op qop Exact) l c y <> 0)
          by (intro E; apply Hp; rewrite E; ring).
        apply (IH c y); [|exact H1].
        intro En. rewrite En in Hp, Hfin.
        destruct (Rdp op Exact l (c - w)) as [pb|].
        -- apply Hp. ring.
        -- simpl in Hfin. apply Hfin. reflexivity.
    + destruct b; [exfalso; apply Hp; reflexivity|].
      apply (IH c y); [|exact Hp].
      intro En. rewrite En in Hfin. simpl in Hfin. apply Hfin. reflexivity.
Qed.

(** THEOREM (exact constraint, any regularizer): if V_n(C) is finite, the marginals of the DP's
    own choice table satisfy <w, y> = C; with unit weights (top-k), sum y = k. *)
Theorem dp_exact_weight : forall op qop l C,
  Rdp op Exact l C <> None ->
  sumn (length l) (fun k => wk l k * nth k (marginals (Qdp op qop Exact) l C) 0) = INR C.
Proof.
  intros op qop l C Hfin. rewrite weighted_marginals.
  rewrite <- (Rmult_1_r (INR C)), <- (sampler_paths_sum_to_one (Qdp op qop Exact) l C),
    <- sumR_scale.
  apply sumR_ext. intros y _.
  destruct (Req_dec (pathprob (Qdp op qop Exact) l C y) 0) as [E|E]; [rewrite E; ring|].
  rewrite (Qdp_exact_feasible op qop l C y Hfin E). reflexivity.
Qed.

Theorem dp_topk_sum : forall op qop l K,
  Rdp op Exact l K <> None -> Forall (fun it => snd it = 1%nat) l ->
  sumn (length l) (fun k => nth k (marginals (Qdp op qop Exact) l K) 0) = INR K.
Proof.
  intros op qop l K Hfin Hw. rewrite <- (dp_exact_weight op qop l K Hfin).
  apply sumn_ext. intros k Hk. unfold wk.
  assert (Hn : nth k (map snd l) 0%nat = 1%nat).
  { rewrite Forall_forall in Hw. rewrite (nth_indep _ _ (snd (0, 0%nat))) by (rewrite map_length; lia).
    rewrite map_nth. apply Hw. apply nth_In. exact Hk. }
  rewrite Hn. simpl. ring.
Qed.

(** Instances: the three regularizers' closed-form q are in [0,1]. *)
Corollary gini_topk_sum : forall g l K, 0 < g ->
  Rdp (gini_op g) Exact l K <> None -> Forall (fun it => snd it = 1%nat) l ->
  sumn (length l) (fun k => nth k (marginals (Qdp (gini_op g) (q_gini g) Exact) l K) 0) = INR K
  /\ (forall k, (k < length l)%nat ->
        0 <= nth k (marginals (Qdp (gini_op g) (q_gini g) Exact) l K) 0 <= 1).
Proof.
  intros g l K Hg Hfin Hw. split; [apply dp_topk_sum; assumption|].
  intros k Hk. apply marginals_in_unit_interval; [|exact Hk].
  apply Qdp_ok. intros s p. apply q_gini_range.
Qed.

Corollary tsallis_topk_sum : forall g l K, 0 < g ->
  Rdp (tsallis_op g) Exact l K <> None -> Forall (fun it => snd it = 1%nat) l ->
  sumn (length l) (fun k => nth k (marginals (Qdp (tsallis_op g) (q_tsallis g) Exact) l K) 0)
    = INR K
  /\ (forall k, (k < length l)%nat ->
        0 <= nth k (marginals (Qdp (tsallis_op g) (q_tsallis g) Exact) l K) 0 <= 1).
Proof.
  intros g l K Hg Hfin Hw. split; [apply dp_topk_sum; assumption|].
  intros k Hk. apply marginals_in_unit_interval; [|exact Hk].
  apply Qdp_ok. intros s p. unfold q_tsallis.
  apply (q_of_c_sqrt (c_tsallis g s p)), clip11_range.
Qed.
