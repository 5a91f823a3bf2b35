(** The hard DP over R used in Bounds.v ([Rdp Rmax]) is the integer hard DP of HardDP.v read
    in R: for integer scores, Rdp Rmax = IZR of HardDP.dp at every cell.  So the V_hard of the
    bounds is the maximum over feasible sets (Theorem 1). *)

From Coq Require Import List Arith Lia ZArith Reals Lra.
From DiffKnap Require Import Common HardDP ShannonDP Bounds.
Import ListNotations.

Definition toR (l : list itemZ) : list itemR := map (fun it => (IZR (fst it), snd it)) l.

Lemma hmax_IZR : forall s p,
  option_map IZR (hmax s p) = oop Rmax (option_map IZR s) (option_map IZR p).
Proof.
  intros [a|] [b|]; unfold hmax, pickb; simpl; try reflexivity.
  destruct (Z.ltb_spec a b) as [H|H]; simpl; f_equal.
  - apply IZR_lt in H. rewrite Rmax_right by lra. reflexivity.
  - apply IZR_le in H. rewrite Rmax_left by lra. reflexivity.
Qed.

Theorem hard_dp_R_is_Z : forall m l c,
  Rdp Rmax m (toR l) c = option_map IZR (dp m l c).
Proof.
  intros m l. induction l as [|[t w] l IH]; intros c.
  - simpl. destruct m; simpl; [reflexivity|]. destruct (Nat.eqb c 0); reflexivity.
  - cbn [toR map Rdp dp fst snd]. fold (toR l). rewrite hmax_IZR, !IH. f_equal.
    unfold pickv. destruct (Nat.leb w c); [|reflexivity].
    destruct (dp m l (c - w)); simpl; [rewrite plus_IZR|]; reflexivity.
Qed.
