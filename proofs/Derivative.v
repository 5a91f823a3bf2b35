(** Shannon: the marginals are the gradient of the value, y_k = dV/dtheta_k (SPEC A.4
    "Derivatives", first item), using the standard-library notion [derivable_pt_lim]. *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler Marginals.
Import ListNotations.
Open Scope R_scope.

(** Replace theta_k (position k in the list) by t. *)
Fixpoint set_theta (k : nat) (t : R) (l : list itemR) : list itemR :=
  match k, l with
  | _, [] => []
  | O, (_, w) :: r => (t, w) :: r
  | S k', it :: r => it :: set_theta k' t r
  end.

Lemma set_theta_length : forall k t l, length (set_theta k t l) = length l.
Proof.
  induction k as [|k IH]; intros t [|[t0 w] r]; simpl; auto.
Qed.

Lemma weight_set_theta : forall k t l y, weight (set_theta k t l) y = weight l y.
Proof.
  induction k as [|k IH]; intros t [|[t0 w] r] y; destruct y; simpl; auto.
Qed.

Lemma score_set_theta : forall k t l y, length y = length l ->
  score (set_theta k t l) y = score (set_theta k 0 l) y + (if nth k y false then t else 0).
Proof.
  induction k as [|k IH]; intros t [|[t0 w] r] [|b y] H; simpl in *; try discriminate;
    try (destruct k; simpl; ring); try ring.
  - destruct b; ring.
  - rewrite (IH t r y) by lia. ring.
Qed.

Lemma dpl_ext : forall f g x l, (forall t, f t = g t) ->
  derivable_pt_lim f x l -> derivable_pt_lim g x l.
Proof.
  intros f g x l H D eps Heps. destruct (D eps Heps) as [delta Hd]. exists delta.
  intros h Hh0 Hh. rewrite <- !H. apply Hd; assumption.
Qed.

Lemma dpl_sum : forall {A} (F : A -> R -> R) (F' : A -> R) L x,
  (forall y, In y L -> derivable_pt_lim (F y) x (F' y)) ->
  derivable_pt_lim (fun t => sumR (map (fun y => F y t) L)) x (sumR (map F' L)).
Proof.
  intros A F F' L x. induction L as [|y L IH]; intros H; simpl.
  - apply (dpl_ext (fct_cte 0)); [reflexivity|]. apply derivable_pt_lim_const.
  - apply (dpl_ext (F y + (fun t => sumR (map (fun y => F y t) L)))%F); [reflexivity|].
    apply derivable_pt_lim_plus; [apply H; left; reflexivity|].
    apply IH. intros z Hz. apply H. right. exact Hz.
Qed.

(** d/dt exp((s + [b] t)/g) = [b]/g exp((s + [b] t)/g). *)
Lemma dpl_term : forall g s (b : bool) x, 0 < g ->
  derivable_pt_lim (fun t => exp ((s + (if b then t else 0)) / g)) x
    ((if b then / g else 0) * exp ((s + (if b then x else 0)) / g)).
Proof.
  intros g s b x Hg. destruct b.
  - apply (dpl_ext (comp exp (fun t => (s + t) / g))); [reflexivity|].
    rewrite Rmult_comm. apply derivable_pt_lim_comp; [|apply derivable_pt_lim_exp].
    apply (dpl_ext (mult_real_fct (/ g) (fct_cte s + id)%F)).
    { intros t. unfold mult_real_fct, plus_fct, fct_cte, id. unfold Rdiv. ring. }
    replace (/ g) with (/ g * (0 + 1)) at 2 by ring.
    apply derivable_pt_lim_scal, derivable_pt_lim_plus;
      [apply derivable_pt_lim_const | apply derivable_pt_lim_id].
  - rewrite Rmult_0_l. apply (dpl_ext (fct_cte (exp ((s + 0) / g)))); [reflexivity|].
    apply derivable_pt_lim_const.
Qed.

(** THEOREM: d/dtheta_k [gamma ln Z_n(C)] = y_k, the k-th marginal of the DP (algorithm 2)
    with the Shannon table, whenever Z_n(C) > 0.  (gamma ln Z_n(C) is the value V by
    ShannonDP.shannon_value_is_log_partition.) *)
Theorem shannon_gradient_is_marginal : forall g m l C k x, 0 < g ->
  (k < length l)%nat -> 0 < Zdp g m (set_theta k x l) C ->
  derivable_pt_lim (fun t => g * ln (Zdp g m (set_theta k t l) C)) x
    (nth k (marginals (Qshannon g m) (set_theta k x l) C) 0).
Proof.
  intros g m l C k x Hg Hk HZ.
  set (A := allsel (length l)).
  set (F := fun y t => if okb m C (weight l y)
                       then exp ((score (set_theta k 0 l) y + (if nth k y false then t else 0)) / g)
                       else 0).
  set (F' := fun y => if okb m C (weight l y)
                      then (if nth k y false then / g else 0) *
                           exp ((score (set_theta k 0 l) y + (if nth k y false then x else 0)) / g)
                      else 0).
  assert (HZt : forall t, Zdp g m (set_theta k t l) C = sumR (map (fun y => F y t) A)).
  { intros t. rewrite Zdp_is_partition by lra. unfold partition. rewrite set_theta_length.
    apply sumR_ext. intros y Hy. apply allsel_length in Hy. unfold gibbs, F.
    rewrite weight_set_theta, score_set_theta by exact Hy. reflexivity. }
  assert (DZ : derivable_pt_lim (fun t => Zdp g m (set_theta k t l) C) x (sumR (map F' A))).
  { apply (dpl_ext (fun t => sumR (map (fun y => F y t) A))); [intros; rewrite HZt; reflexivity|].
    apply dpl_sum. intros y _. unfold F, F'. destruct (okb m C (weight l y)).
    - apply dpl_term. exact Hg.
    - apply (dpl_ext (fct_cte 0)); [reflexivity|]. apply derivable_pt_lim_const. }
  assert (DV : derivable_pt_lim (fun t => g * ln (Zdp g m (set_theta k t l) C)) x
                 (g * (/ Zdp g m (set_theta k x l) C * sumR (map F' A)))).
  { apply (dpl_ext (mult_real_fct g (comp ln (fun t => Zdp g m (set_theta k t l) C))));
      [reflexivity|].
    apply derivable_pt_lim_scal, derivable_pt_lim_comp; [exact DZ|].
    apply derivable_pt_lim_ln. exact HZ. }
  replace (nth k (marginals (Qshannon g m) (set_theta k x l) C) 0)
    with (g * (/ Zdp g m (set_theta k x l) C * sumR (map F' A))); [exact DV|].
  rewrite shannon_marginals_are_gibbs by (rewrite ?set_theta_length; auto).
  rewrite set_theta_length. fold A. unfold Rdiv.
  set (Z := Zdp g m (set_theta k x l) C) in *.
  set (G := fun y => if nth k y false then gibbs g m (set_theta k x l) C y else 0).
  replace (g * (/ Z * sumR (map F' A))) with (sumR (map (fun y => g * (/ Z * F' y)) A))
    by (rewrite sumR_scale, sumR_scale; reflexivity).
  replace (sumR (map G A) * / Z) with (sumR (map (fun y => / Z * G y) A))
    by (rewrite sumR_scale; ring).
  apply sumR_ext. intros y Hy.
  unfold A in Hy. apply allsel_length in Hy. unfold F', G, gibbs.
  rewrite weight_set_theta, (score_set_theta k x l y Hy).
  destruct (okb m C (weight l y)); destruct (nth k y false); field; lra.
Qed.
