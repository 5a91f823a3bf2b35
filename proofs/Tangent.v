(** Forward tangent of SPEC A.3 algorithm 4 and its by-product Vdot_n(C) = <y, z>:
      Vdot_0 = 0;
      Vdot_i(c) = Q_i(c) (Vdot_{i-1}(c - w_i) + z_i) [c >= w_i] + (1 - Q_i(c)) Vdot_{i-1}(c)
    (with Q_i(c) = 0 when c < w_i).  For ANY table Q, Vdot_n(C) is the expected z-score
    E[<z, Y>] of the ancestral sampler, hence equals <z, y> with y the marginals. *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler Marginals Constraints.
Import ListNotations.
Open Scope R_scope.

(** Tangent direction z, indexed by list position (k = 0 is the head, i.e. item n). *)
Fixpoint vdot (Qf : qtable) (l : list itemR) (z : nat -> R) (c : nat) : R :=
  match l with
  | [] => 0
  | (t, w) :: l' =>
      if Nat.leb w c then
        Qf ((t, w) :: l') c * (vdot Qf l' (fun k => z (S k)) (c - w) + z 0%nat)
        + (1 - Qf ((t, w) :: l') c) * vdot Qf l' (fun k => z (S k)) c
      else vdot Qf l' (fun k => z (S k)) c
  end.

(** <z, y> for a selection y. *)
Definition zscore (n : nat) (z : nat -> R) (y : list bool) : R :=
  sumn n (fun k => if nth k y false then z k else 0).

Lemma sumR_plus2 : forall {A} (f g : A -> R) L,
  sumR (map (fun y => f y + g y) L) = sumR (map f L) + sumR (map g L).
Proof. induction L; simpl; [ring|rewrite IHL; ring]. Qed.

Lemma vdot_expectation : forall Qf l z c,
  vdot Qf l z c
  = sumR (map (fun y => pathprob Qf l c y * zscore (length l) z y) (allsel (length l))).
Proof.
  intros Qf l. induction l as [|[t w] l IH]; intros z c.
  - simpl. unfold zscore. simpl. ring.
  - cbn [vdot length allsel]. rewrite map_app, sumR_app, !map_map.
    unfold zscore. cbn [pathprob].
    assert (Zs : forall b y, sumn (S (length l)) (fun k => if nth k (b :: y) false then z k else 0)
                 = (if b then z 0%nat else 0) + zscore (length l) (fun k => z (S k)) y).
    { intros b y. rewrite sumn_head. reflexivity. }
    set (zs := fun y => zscore (length l) (fun k => z (S k)) y).
    set (Q := Qf ((t, w) :: l) c).
    match goal with |- _ = sumR (map ?f1 ?A) + sumR (map ?f2 ?A) =>
      rewrite (sumR_ext f1 (fun y => (if Nat.leb w c then (1 - Q) else 1)
                                     * (pathprob Qf l c y * zs y)) A),
              (sumR_ext f2 (fun y => (if Nat.leb w c then Q else 0) *
                         (pathprob Qf l (c - w) y * zs y + z 0%nat * pathprob Qf l (c - w) y)) A)
    end.
    + rewrite !sumR_scale, sumR_plus2, (sumR_scale (pathprob Qf l (c - w))),
        sampler_paths_sum_to_one.
      unfold zs. rewrite <- !IH.
      destruct (Nat.leb w c); ring.
    + intros y _. cbn [pathprob]. rewrite Zs. unfold zs, Q. cbv beta.
      destruct (Nat.leb w c); ring.
    + intros y _. cbn [pathprob]. rewrite Zs. unfold zs, Q. cbv beta.
      destruct (Nat.leb w c); ring.
Qed.

(** THEOREM (SPEC A.3 "By-product: Vdot_n(C) = <y, z>"), for any table Q. *)
Theorem vdot_is_y_dot_z : forall Qf l z C,
  vdot Qf l z C = sumn (length l) (fun k => z k * nth k (marginals Qf l C) 0).
Proof.
  intros Qf l z C. rewrite vdot_expectation.
  rewrite (sumn_ext _ _ (fun k => sumR (map (fun y => z k *
             (if nth k y false then pathprob Qf l C y else 0)) (allsel (length l))))).
  2:{ intros k Hk. rewrite marginals_are_pick_probabilities by exact Hk.
      rewrite sumR_scale. reflexivity. }
  rewrite sumn_sumR_swap'. apply sumR_ext. intros y _. unfold zscore.
  rewrite Rmult_comm, <- sumn_scale_r. apply sumn_ext. intros k _.
  destruct (nth k y false); ring.
Qed.
