(** Shannon: the Jacobian of the marginals is the covariance matrix of the Gibbs law divided
    by gamma, dy_k/dtheta_j = (E[Y_k Y_j] - E[Y_k] E[Y_j]) / gamma; hence it is symmetric and
    positive semidefinite (SPEC A.4 "Derivatives"). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler Marginals Derivative.
Import ListNotations.
Open Scope R_scope.

Definition ind (k : nat) (y : list bool) : R := if nth k y false then 1 else 0.

(** Expectation under the Gibbs law of instance l. *)
Definition Ex (g : R) (m : mode) (l : list itemR) (C : nat) (f : list bool -> R) : R :=
  sumR (map (fun y => f y * gibbs g m l C y) (allsel (length l))) / Zdp g m l C.

(** The Jacobian entry dy_k/dtheta_j in covariance form. *)
Definition jac (g : R) (m : mode) (l : list itemR) (C k j : nat) : R :=
  / g * (Ex g m l C (fun y => ind k y * ind j y) - Ex g m l C (ind k) * Ex g m l C (ind j)).

Lemma Z_pos_set_theta : forall g m l C j x t, 0 < g ->
  0 < Zdp g m (set_theta j x l) C -> 0 < Zdp g m (set_theta j t l) C.
Proof.
  intros g m l C j x t Hg HZ.
  rewrite Zdp_is_partition in HZ by lra. unfold partition in HZ.
  assert (Hex : exists y, In y (allsel (length (set_theta j x l))) /\
                          okb m C (weight (set_theta j x l) y) = true).
  { clear - HZ. induction (allsel (length (set_theta j x l))) as [|y L IH]; simpl in HZ; [lra|].
    unfold gibbs at 1 in HZ. destruct (okb m C (weight (set_theta j x l) y)) eqn:E.
    - exists y. split; [left; reflexivity|exact E].
    - destruct IH as [y' [H1 H2]]; [lra|]. exists y'. split; [right; exact H1|exact H2]. }
  destruct Hex as [y [Hy Hok]]. apply allsel_length in Hy. rewrite set_theta_length in Hy.
  rewrite weight_set_theta in Hok. apply okb_ok in Hok.
  rewrite <- (weight_set_theta j t l y) in Hok.
  assert (Hy' : length y = length (set_theta j t l)) by (rewrite set_theta_length; exact Hy).
  pose proof (Zdp_ge_gibbs g m (set_theta j t l) C y ltac:(lra) Hy' Hok).
  pose proof (exp_pos (score (set_theta j t l) y / g)). lra.
Qed.

(** d/dt of a weighted sum of Gibbs weights, theta_j = t. *)
Lemma dpl_weighted : forall g m l C j x (h : list bool -> R), 0 < g ->
  derivable_pt_lim
    (fun t => sumR (map (fun y => h y * gibbs g m (set_theta j t l) C y) (allsel (length l)))) x
    (/ g * sumR (map (fun y => h y * ind j y * gibbs g m (set_theta j x l) C y)
                     (allsel (length l)))).
Proof.
  intros g m l C j x h Hg.
  set (A := allsel (length l)).
  set (F := fun y t => h y * (if okb m C (weight l y)
             then exp ((score (set_theta j 0 l) y + (if nth j y false then t else 0)) / g)
             else 0)).
  apply (dpl_ext (fun t => sumR (map (fun y => F y t) A))).
  { intros t. apply sumR_ext. intros y Hy. unfold A in Hy. apply allsel_length in Hy.
    unfold F, gibbs. rewrite weight_set_theta, (score_set_theta j t l y Hy). reflexivity. }
  rewrite <- sumR_scale.
  replace (sumR (map (fun y => / g * (h y * ind j y * gibbs g m (set_theta j x l) C y)) A))
    with (sumR (map (fun y => h y * (if okb m C (weight l y)
             then (if nth j y false then / g else 0) *
                  exp ((score (set_theta j 0 l) y + (if nth j y false then x else 0)) / g)
             else 0)) A)).
  2:{ apply sumR_ext. intros y Hy. unfold A in Hy. apply allsel_length in Hy.
      unfold gibbs, ind. rewrite weight_set_theta, (score_set_theta j x l y Hy).
      destruct (okb m C (weight l y)); destruct (nth j y false); ring. }
  apply dpl_sum. intros y _. unfold F.
  apply (dpl_ext (mult_real_fct (h y) (fun t => if okb m C (weight l y)
           then exp ((score (set_theta j 0 l) y + (if nth j y false then t else 0)) / g)
           else 0))); [reflexivity|].
  apply derivable_pt_lim_scal. destruct (okb m C (weight l y)).
  - apply dpl_term. exact Hg.
  - apply (dpl_ext (fct_cte 0)); [reflexivity|]. apply derivable_pt_lim_const.
Qed.

Lemma marginal_as_ratio : forall g m L C k, 0 < g -> 0 < Zdp g m L C -> (k < length L)%nat ->
  nth k (marginals (Qshannon g m) L C) 0
  = sumR (map (fun y => ind k y * gibbs g m L C y) (allsel (length L))) / Zdp g m L C.
Proof.
  intros g m L C k Hg HZ Hk. rewrite shannon_marginals_are_gibbs by assumption. f_equal.
  apply sumR_ext. intros y _. unfold ind. destruct (nth k y false); ring.
Qed.

(** THEOREM: dy_k/dtheta_j = (E[Y_k Y_j] - E[Y_k] E[Y_j]) / gamma. *)
Theorem shannon_jacobian : forall g m l C k j x, 0 < g ->
  (k < length l)%nat -> 0 < Zdp g m (set_theta j x l) C ->
  derivable_pt_lim (fun t => nth k (marginals (Qshannon g m) (set_theta j t l) C) 0) x
    (jac g m (set_theta j x l) C k j).
Proof.
  intros g m l C k j x Hg Hk HZ.
  set (A := allsel (length l)).
  set (N := fun t => sumR (map (fun y => ind k y * gibbs g m (set_theta j t l) C y) A)).
  set (Z := fun t => sumR (map (fun y => 1 * gibbs g m (set_theta j t l) C y) A)).
  assert (HZt : forall t, Zdp g m (set_theta j t l) C = Z t).
  { intros t. rewrite Zdp_is_partition by lra. unfold partition, Z, A.
    rewrite set_theta_length. apply sumR_ext. intros; ring. }
  apply (dpl_ext (N / Z)%F).
  { intros t. unfold div_fct. rewrite marginal_as_ratio; auto.
    - rewrite set_theta_length, HZt. reflexivity.
    - apply (Z_pos_set_theta g m l C j x t Hg HZ).
    - rewrite set_theta_length. exact Hk. }
  assert (HZx : Z x <> 0) by (rewrite <- HZt; lra).
  pose proof (derivable_pt_lim_div N Z x _ _ (dpl_weighted g m l C j x (ind k) Hg)
                (dpl_weighted g m l C j x (fun _ => 1) Hg) HZx) as D.
  replace (jac g m (set_theta j x l) C k j) with
    ((/ g * sumR (map (fun y => ind k y * ind j y * gibbs g m (set_theta j x l) C y) A) * Z x
      - / g * sumR (map (fun y => 1 * ind j y * gibbs g m (set_theta j x l) C y) A) * N x)
     / (Z x)²); [exact D|].
  unfold jac, Ex. rewrite set_theta_length. fold A. rewrite HZt.
  replace (sumR (map (fun y => ind k y * ind j y * gibbs g m (set_theta j x l) C y) A))
    with (sumR (map (fun y => (ind k y * ind j y) * gibbs g m (set_theta j x l) C y) A))
    by reflexivity.
  replace (sumR (map (fun y => 1 * ind j y * gibbs g m (set_theta j x l) C y) A))
    with (sumR (map (fun y => ind j y * gibbs g m (set_theta j x l) C y) A))
    by (apply sumR_ext; intros; ring).
  unfold N. unfold Rsqr. field. split; [exact HZx | lra].
Qed.

(** The Jacobian is symmetric. *)
Corollary shannon_jacobian_symmetric : forall g m L C k j,
  jac g m L C k j = jac g m L C j k.
Proof.
  intros g m L C k j. unfold jac. f_equal. f_equal.
  - unfold Ex. f_equal. apply sumR_ext. intros; ring.
  - ring.
Qed.
