(** Shannon: the Jacobian of the marginals is the covariance matrix of the Gibbs law divided
    by gamma, dy_k/dtheta_j = (E[Y_k Y_j] - E[Y_k] E[Y_j]) / gamma; hence it is symmetric and
    positive semidefinite (SPEC A.4 "Derivatives"). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler Marginals Derivative Constraints.
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

(** ** Positive semidefiniteness *)


(** Unnormalised expectation. *)
Definition W (g : R) (m : mode) (L : list itemR) (C : nat) (f : list bool -> R) : R :=
  sumR (map (fun y => f y * gibbs g m L C y) (allsel (length L))).

Lemma W_ext : forall g m L C f h, (forall y, f y = h y) -> W g m L C f = W g m L C h.
Proof. intros. unfold W. apply sumR_ext. intros y _. rewrite H. reflexivity. Qed.

Lemma W_plus : forall g m L C f h,
  W g m L C (fun y => f y + h y) = W g m L C f + W g m L C h.
Proof.
  intros. unfold W. induction (allsel (length L)) as [|y A IH]; simpl; [ring|]. rewrite IH. ring.
Qed.

Lemma W_scale : forall g m L C f a, W g m L C (fun y => a * f y) = a * W g m L C f.
Proof.
  intros. unfold W. induction (allsel (length L)) as [|y A IH]; simpl; [ring|]. rewrite IH. ring.
Qed.

Lemma W_sumn : forall g m L C n (F : nat -> list bool -> R),
  W g m L C (fun y => sumn n (fun k => F k y)) = sumn n (fun k => W g m L C (F k)).
Proof.
  intros g m L C n F. induction n as [|n IH]; simpl.
  - unfold W. induction (allsel (length L)) as [|y A IH]; simpl; [ring|]. rewrite IH. ring.
  - rewrite (W_plus g m L C (fun y => sumn n (fun k => F k y)) (F n)), IH. reflexivity.
Qed.

Lemma W_nonneg : forall g m L C f, (forall y, 0 <= f y) -> 0 <= W g m L C f.
Proof.
  intros g m L C f Hf. unfold W. induction (allsel (length L)) as [|y A IH]; simpl; [lra|].
  assert (0 <= gibbs g m L C y).
  { unfold gibbs. destruct (okb m C (weight L y)); [apply Rlt_le, exp_pos|lra]. }
  pose proof (Hf y). assert (0 <= f y * gibbs g m L C y) by (apply Rmult_le_pos; lra). lra.
Qed.

Lemma W_one : forall g m L C, g <> 0 -> W g m L C (fun _ => 1) = Zdp g m L C.
Proof.
  intros g m L C Hg. rewrite Zdp_is_partition by exact Hg. unfold W, partition.
  apply sumR_ext. intros; ring.
Qed.

Lemma sumn_mult : forall n f h,
  sumn n f * sumn n h = sumn n (fun k => sumn n (fun j => f k * h j)).
Proof.
  intros n f h. rewrite <- sumn_scale_r. apply sumn_ext. intros k _.
  rewrite Rmult_comm, <- sumn_scale_r. apply sumn_ext. intros; ring.
Qed.

Lemma sumn_minus : forall n f h, sumn n (fun k => f k - h k) = sumn n f - sumn n h.
Proof. induction n; simpl; intros; [ring|rewrite IHn; ring]. Qed.

(** THEOREM: the Jacobian is positive semidefinite: sum_{k,j} z_k z_j J_kj >= 0. *)
Theorem shannon_jacobian_psd : forall g m L C (z : nat -> R), 0 < g -> 0 < Zdp g m L C ->
  0 <= sumn (length L) (fun k => sumn (length L) (fun j => z k * z j * jac g m L C k j)).
Proof.
  intros g m L C z Hg HZ. set (n := length L). set (Z := Zdp g m L C) in *.
  set (S := fun y => sumn n (fun k => z k * ind k y)).
  set (Wf := W g m L C).
  assert (HEx : forall f, Ex g m L C f = Wf f / Z) by reflexivity.
  (* the quadratic form equals (Z W(S^2) - W(S)^2) / (g Z^2) *)
  assert (E1 : sumn n (fun k => sumn n (fun j => z k * z j * Wf (fun y => ind k y * ind j y)))
               = Wf (fun y => S y * S y)).
  { unfold S, Wf. rewrite (W_ext g m L C (fun y => sumn n (fun k => z k * ind k y) *
                                              sumn n (fun k => z k * ind k y))
                          (fun y => sumn n (fun k => sumn n (fun j =>
                                      z k * z j * (ind k y * ind j y))))).
    2:{ intros y. rewrite sumn_mult. apply sumn_ext. intros k _. apply sumn_ext. intros; ring. }
    rewrite W_sumn. apply sumn_ext. intros k _. rewrite W_sumn. apply sumn_ext.
    intros j _. rewrite <- W_scale. reflexivity. }
  assert (E2 : sumn n (fun k => sumn n (fun j => z k * z j * (Wf (ind k) * Wf (ind j))))
               = Wf S * Wf S).
  { unfold S, Wf. rewrite W_sumn, sumn_mult. apply sumn_ext. intros k _. apply sumn_ext.
    intros j _. rewrite !W_scale. ring. }
  assert (Q : sumn n (fun k => sumn n (fun j => z k * z j * jac g m L C k j))
              = / g * (Wf (fun y => S y * S y) / Z - (Wf S / Z) * (Wf S / Z))).
  { unfold jac.
    rewrite (sumn_ext n _ (fun k => sumn n (fun j =>
               / g / Z * (z k * z j * Wf (fun y => ind k y * ind j y))
               - / g / (Z * Z) * (z k * z j * (Wf (ind k) * Wf (ind j)))))).
    2:{ intros k _. apply sumn_ext. intros j _. rewrite !HEx. field. lra. }
    rewrite (sumn_ext n _ (fun k => / g / Z * sumn n (fun j => z k * z j * Wf (fun y => ind k y * ind j y))
                                  - / g / (Z * Z) * sumn n (fun j => z k * z j * (Wf (ind k) * Wf (ind j))))).
    2:{ intros k _. rewrite <- !sumn_scale_l, <- sumn_minus. reflexivity. }
    rewrite sumn_minus, !sumn_scale_l, E1, E2. field. lra. }
  rewrite Q.
  (* variance: W((S - mu)^2) = W(S^2) - W(S)^2 / Z >= 0 *)
  set (mu := Wf S / Z).
  assert (V : 0 <= Wf (fun y => (S y - mu) * (S y - mu))) by (apply W_nonneg; intros; apply Rle_0_sqr).
  assert (V' : Wf (fun y => (S y - mu) * (S y - mu))
               = Wf (fun y => S y * S y) - 2 * mu * Wf S + mu * mu * Z).
  { unfold Wf. rewrite (W_ext g m L C _ (fun y => S y * S y + ((- (2 * mu)) * S y + (mu * mu) * 1)))
      by (intros; ring).
    rewrite !W_plus, !W_scale, W_one by lra. fold Z. ring. }
  assert (0 <= Wf (fun y => S y * S y) / Z - (Wf S / Z) * (Wf S / Z)).
  { replace (Wf (fun y => S y * S y) / Z - (Wf S / Z) * (Wf S / Z))
      with (Wf (fun y => (S y - mu) * (S y - mu)) / Z) by (rewrite V'; unfold mu; field; lra).
    apply Rmult_le_pos; [exact V|apply Rlt_le, Rinv_0_lt_compat; exact HZ]. }
  apply Rmult_le_pos; [apply Rlt_le, Rinv_0_lt_compat; exact Hg|exact H].
Qed.

(** ** Top-k: the Jacobian has zero column sums, so sum_k (J z)_k = 0 (SPEC A.4 "sum of vjp = 0") *)

Lemma sum_ind_topk : forall (L : list itemR) y, length y = length L -> Forall (fun it => snd it = 1%nat) L ->
  sumn (length L) (fun k => ind k y) = INR (weight L y).
Proof.
  intros L y Hy Hw. rewrite weight_as_sum by exact Hy. apply sumn_ext. intros k Hk.
  unfold ind, wk.
  assert (Hn : nth k (map snd L) 0%nat = 1%nat).
  { rewrite Forall_forall in Hw. rewrite (nth_indep _ _ (snd (0, 0%nat))) by (rewrite map_length; lia).
    rewrite map_nth. apply Hw. apply nth_In. exact Hk. }
  rewrite Hn. reflexivity.
Qed.

Theorem shannon_topk_jacobian_columns : forall g L K j, 0 < g -> 0 < Zdp g Exact L K ->
  Forall (fun it => snd it = 1%nat) L ->
  sumn (length L) (fun k => jac g Exact L K k j) = 0.
Proof.
  intros g L K j Hg HZ Hw.
  set (n := length L). set (Z := Zdp g Exact L K) in *.
  (* on every set of positive Gibbs weight, sum_k ind_k = K *)
  assert (HK : forall f, W g Exact L K (fun y => sumn n (fun k => ind k y) * f y)
                         = INR K * W g Exact L K f).
  { intros f. rewrite <- W_scale. unfold W. apply sumR_ext. intros y Hy.
    apply allsel_length in Hy. unfold gibbs.
    destruct (okb Exact K (weight L y)) eqn:E; [|ring].
    apply okb_ok in E. simpl in E. unfold n. rewrite sum_ind_topk by assumption. rewrite E. ring. }
  unfold jac, Ex. fold Z.
  rewrite (sumn_ext n _ (fun k => / g / Z * W g Exact L K (fun y => ind k y * ind j y)
                                 - / g / (Z * Z) * (W g Exact L K (ind j) * W g Exact L K (ind k)))).
  2:{ intros k _. unfold W. fold n. field. lra. }
  rewrite sumn_minus, !sumn_scale_l.
  rewrite <- (W_sumn g Exact L K n (fun k y => ind k y * ind j y)).
  rewrite (W_ext g Exact L K (fun y => sumn n (fun k => ind k y * ind j y))
             (fun y => sumn n (fun k => ind k y) * ind j y))
    by (intros y; rewrite <- sumn_scale_r; reflexivity).
  rewrite HK.
  rewrite <- (W_sumn g Exact L K n (fun k => ind k)).
  rewrite (W_ext g Exact L K (fun y => sumn n (fun k => ind k y))
             (fun y => sumn n (fun k => ind k y) * 1)) by (intros; ring).
  rewrite HK, W_one by lra. fold Z. field. lra.
Qed.

Corollary shannon_topk_sum_Jz : forall g L K (z : nat -> R), 0 < g -> 0 < Zdp g Exact L K ->
  Forall (fun it => snd it = 1%nat) L ->
  sumn (length L) (fun k => sumn (length L) (fun j => jac g Exact L K k j * z j)) = 0.
Proof.
  intros g L K z Hg HZ Hw.
  rewrite (sumn_ext _ _ (fun k => sumn (length L) (fun j => z j * jac g Exact L K k j)))
    by (intros; apply sumn_ext; intros; ring).
  (* swap the two finite sums *)
  assert (Swap : forall n m (F : nat -> nat -> R),
            sumn n (fun k => sumn m (fun j => F k j)) = sumn m (fun j => sumn n (fun k => F k j))).
  { intros n m F. induction n as [|n IH].
    - simpl. clear. induction m; simpl; [reflexivity|rewrite <- IHm; ring].
    - simpl. rewrite IH. rewrite <- sumn_plus. reflexivity. }
  rewrite Swap.
  rewrite (sumn_ext _ _ (fun j => z j * sumn (length L) (fun k => jac g Exact L K k j)))
    by (intros; rewrite <- sumn_scale_l; reflexivity).
  rewrite (sumn_ext _ _ (fun _ => 0))
    by (intros j _; rewrite shannon_topk_jacobian_columns by assumption; ring).
  clear. induction (length L); simpl; [reflexivity|rewrite IHn; ring].
Qed.
