(** The link lemma (issue: "the table of the proofs equals the closed-form table of SPEC A.2").

    The Shannon theorems (sampler, marginals, Jacobian, VJP, limits) use the table
    [Qshannon g m], defined as a ratio of partition functions,
        Q_i(c) = exp(theta_i/gamma) Z_{i-1}(c - w_i) / Z_i(c)      (0 when c < w_i).
    The forward pass of SPEC A.3 computes instead, at every cell, the closed-form choice of
    SPEC A.2 from the log-space values s = V_{i-1}(c), p = V_{i-1}(c - w_i) + theta_i:
    q = sigmoid((p - s)/gamma) if both are finite, 1 if only p is finite, 0 if p = -inf.
    That is the table [Qdp (smax g) (q_shannon g) m] of Constraints.v.  We prove the two tables
    are equal in every cell (feasible or not), so every theorem stated for [Qshannon] holds for
    the table the forward pass computes. *)

From Coq Require Import List Arith Lia Reals Lra FunctionalExtensionality.
From DiffKnap Require Import Common ShannonDP SmoothMax Sampler Marginals Bounds Constraints
  Derivative.
Import ListNotations.
Open Scope R_scope.

Lemma Rdp_smax_glog : forall g m l c, 0 < g -> Rdp (smax g) m l c = glog g (Zdp g m l c).
Proof. intros g m l c Hg. rewrite <- Vdp_is_Rdp. apply Vdp_is_glog_Zdp. exact Hg. Qed.

(** THEOREM (link lemma): the ratio-of-partition-functions table equals, in every cell, the
    closed-form sigmoid table that the forward pass computes from its own log-space values. *)
Theorem shannon_table_link : forall g m l c, 0 < g ->
  Qshannon g m l c = Qdp (smax g) (q_shannon g) m l c.
Proof.
  intros g m l c Hg. destruct l as [|[t w] l]; [reflexivity|].
  unfold Qshannon. rewrite Qdp_cons. simpl Zdp.
  destruct (Nat.leb w c); [|reflexivity].
  rewrite !Rdp_smax_glog by exact Hg.
  pose proof (Zdp_nonneg g m l c) as Ha. pose proof (Zdp_nonneg g m l (c - w)) as Hb.
  pose proof (exp_pos (t / g)) as He.
  set (A := Zdp g m l c) in *. set (B := Zdp g m l (c - w)) in *.
  destruct (Req_dec B 0) as [EB|EB].
  - rewrite EB, glog_zero. destruct (glog g A); unfold Rdiv; ring.
  - rewrite (glog_pos g B) by lra.
    destruct (Req_dec A 0) as [EA|EA].
    + rewrite EA, glog_zero. field. split; lra.
    + rewrite (glog_pos g A) by lra. unfold q_shannon, sigmoid.
      replace (- ((g * ln B + t - g * ln A) / g)) with (ln A + (- ln B + - (t / g)))
        by (field; lra).
      rewrite !exp_plus, !exp_Ropp, !exp_ln by lra.
      field. repeat split; try lra. nra.
Qed.

Corollary shannon_table_link_fun : forall g m, 0 < g ->
  Qshannon g m = Qdp (smax g) (q_shannon g) m.
Proof.
  intros g m Hg. apply functional_extensionality. intros l.
  apply functional_extensionality. intros c. apply shannon_table_link. exact Hg.
Qed.

(** Hence the marginals computed from the forward pass's own table are the Gibbs marginals,
    and they are the gradient of the value (Marginals.v, Derivative.v). *)
Corollary shannon_dp_marginals_are_gibbs : forall g m l C k, 0 < g -> 0 < Zdp g m l C ->
  (k < length l)%nat ->
  nth k (marginals (Qdp (smax g) (q_shannon g) m) l C) 0
  = sumR (map (fun y => if nth k y false then gibbs g m l C y else 0) (allsel (length l)))
    / Zdp g m l C.
Proof.
  intros g m l C k Hg HZ Hk. rewrite <- shannon_table_link_fun by exact Hg.
  apply shannon_marginals_are_gibbs; assumption.
Qed.

Corollary shannon_dp_gradient_is_marginal : forall g m l C k x, 0 < g ->
  (k < length l)%nat -> 0 < Zdp g m (set_theta k x l) C ->
  derivable_pt_lim (fun t => g * ln (Zdp g m (set_theta k t l) C)) x
    (nth k (marginals (Qdp (smax g) (q_shannon g) m) (set_theta k x l) C) 0).
Proof.
  intros g m l C k x Hg Hk HZ. rewrite <- shannon_table_link_fun by exact Hg.
  apply shannon_gradient_is_marginal; assumption.
Qed.
