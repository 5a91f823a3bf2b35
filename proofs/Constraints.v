(** Constraint facts about the marginals (SPEC A.4): 0 <= y <= 1; knapsack <w,y> <= C for any
    table Q with values in [0,1]; exact (Shannon) <w,y> = C; top-k (Shannon) sum y = k. *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler Marginals.
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
