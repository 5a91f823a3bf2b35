(** Theorem 3: the gini DP is NOT permutation invariant -- a computed witness in exact
    rational arithmetic. *)

From Coq Require Import List QArith Qabs Qminmax Permutation.
From DiffKnap Require Import Common.
Import ListNotations.
Open Scope Q_scope.

Definition itemQ := (Q * nat)%type.

(** Gini two-way max (SPEC A.2): max(s,p) when |p - s| >= gamma, else
    (s + p)/2 + gamma/4 + (p - s)^2/(4 gamma).  -inf is [None]. *)
Definition gmax2 (g s p : Q) : Q :=
  if Qle_bool g (Qabs (p - s)) then Qmax s p
  else (s + p) / 2 + g / 4 + (p - s) * (p - s) / (4 * g).

Definition ogmax (g : Q) (s p : option Q) : option Q :=
  match s, p with
  | Some a, Some b => Some (gmax2 g a b)
  | Some a, None => Some a
  | None, Some b => Some b
  | None, None => None
  end.

Definition qrow0 (m : mode) (c : nat) : option Q :=
  match m with
  | Knapsack => Some 0
  | Exact => if Nat.eqb c 0 then Some 0 else None
  end.

(** Forward DP, same conventions as HardDP/ShannonDP (list head = item processed last). *)
Fixpoint Gdp (g : Q) (m : mode) (l : list itemQ) (c : nat) : option Q :=
  match l with
  | [] => qrow0 m c
  | (t, w) :: l' =>
      ogmax g (Gdp g m l' c)
        (if Nat.leb w c then option_map (fun v => v + t) (Gdp g m l' (c - w)) else None)
  end.

(** Knapsack witness: gamma = 1, capacity C = 1, items (theta, w) = (0, 1) and (1, 1).
    Processing (0,1) then (1,1) gives 65/64; processing (1,1) then (0,1) gives 1. *)
Definition order_A : list itemQ := [(1, 1%nat); (0, 1%nat)].
Definition order_B : list itemQ := [(0, 1%nat); (1, 1%nat)].

Lemma orders_are_permutations : Permutation order_A order_B.
Proof. apply perm_swap. Qed.

(** [x] is finite and equal (as a rational) to [v]. *)
Definition oeq (x : option Q) (v : Q) : Prop :=
  match x with Some a => a == v | None => False end.

Lemma value_A : oeq (Gdp 1 Knapsack order_A 1) (65 # 64).
Proof. vm_compute. reflexivity. Qed.

Lemma value_B : oeq (Gdp 1 Knapsack order_B 1) 1.
Proof. vm_compute. reflexivity. Qed.

Lemma not_65_64_eq_1 : ~ ((65 # 64) == 1).
Proof. intro H. apply Qeq_bool_iff in H. vm_compute in H. discriminate. Qed.

Theorem gini_not_permutation_invariant :
  Permutation order_A order_B /\
  (exists a b, Gdp 1 Knapsack order_A 1 = Some a /\ Gdp 1 Knapsack order_B 1 = Some b /\
               ~ (a == b) /\ (a - b == (1 # 64))).
Proof.
  split; [exact orders_are_permutations|].
  pose proof value_A as HA. pose proof value_B as HB. unfold oeq in HA, HB.
  destruct (Gdp 1 Knapsack order_A 1) as [a|]; [|contradiction].
  destruct (Gdp 1 Knapsack order_B 1) as [b|]; [|contradiction].
  exists a, b. repeat split.
  - intro H. apply not_65_64_eq_1. rewrite <- HA, <- HB. exact H.
  - rewrite HA, HB. reflexivity.
Qed.

(** Top-k witness (exact constraint, unit weights, k = 1): items with scores 0, 0, 1.
    Processing order (0, 0, 1) gives 65/64; processing order (0, 1, 0) gives 1. *)
Definition topk_A : list itemQ := [(1, 1%nat); (0, 1%nat); (0, 1%nat)].
Definition topk_B : list itemQ := [(0, 1%nat); (1, 1%nat); (0, 1%nat)].

Theorem gini_topk_not_permutation_invariant :
  Permutation topk_A topk_B /\
  oeq (Gdp 1 Exact topk_A 1) (65 # 64) /\ oeq (Gdp 1 Exact topk_B 1) 1 /\
  ~ ((65 # 64) == 1).
Proof.
  split; [apply perm_swap|]. split; [vm_compute; reflexivity|].
  split; [vm_compute; reflexivity|]. exact not_65_64_eq_1.
Qed.

(** ** The rational gini two-way max is max_Omega for the gini regularizer

    Link to SmoothMax.v (over R): for gamma > 0, the value [gmax2] used by the rational DP is
    exactly max over q in [0,1] of q p + (1-q) s + gamma q (1-q), attained at [q_gini]. *)
From Coq Require Import Reals Lra Qreals.
From DiffKnap Require Import SmoothMax.

Lemma Q2R_abs : forall x : Q, Q2R (Qabs x) = Rabs (Q2R x).
Proof.
  intros x. destruct (Qlt_le_dec x 0) as [H|H].
  - rewrite (Qeq_eqR _ _ (Qabs_neg x (Qlt_le_weak _ _ H))), Q2R_opp.
    apply Qlt_Rlt in H. rewrite Rabs_left1; [reflexivity|].
    apply Rlt_le. replace (Q2R 0) with 0%R in H by (unfold Q2R; simpl; field). exact H.
  - rewrite (Qeq_eqR _ _ (Qabs_pos x H)). apply Qle_Rle in H.
    replace (Q2R 0) with 0%R in H by (unfold Q2R; simpl; field).
    rewrite Rabs_pos_eq; [reflexivity|exact H].
Qed.

Lemma Q2R_max : forall s p : Q, Q2R (Qmax s p) = Rmax (Q2R s) (Q2R p).
Proof.
  intros s p. destruct (Qlt_le_dec p s) as [H|H].
  - apply Qlt_le_weak in H.
    rewrite (Qeq_eqR _ _ (Q.max_l s p H)). apply Qle_Rle in H.
    rewrite Rmax_left by exact H. reflexivity.
  - rewrite (Qeq_eqR _ _ (Q.max_r s p H)). apply Qle_Rle in H.
    rewrite Rmax_right by exact H. reflexivity.
Qed.

Theorem gmax2_is_max_Omega : forall g s p : Q, (0 < g)%Q ->
  Q2R (gmax2 g s p) = obj H_gini (Q2R g) (Q2R s) (Q2R p) (q_gini (Q2R g) (Q2R s) (Q2R p))
  /\ (forall q, (0 <= q <= 1)%R ->
        (obj H_gini (Q2R g) (Q2R s) (Q2R p) q <= Q2R (gmax2 g s p))%R).
Proof.
  intros g s p Hg.
  assert (HgR : (0 < Q2R g)%R).
  { apply Qlt_Rlt in Hg. replace (Q2R 0) with 0%R in Hg by (unfold Q2R; simpl; field).
    exact Hg. }
  assert (Hval : Q2R (gmax2 g s p) =
                 obj H_gini (Q2R g) (Q2R s) (Q2R p) (q_gini (Q2R g) (Q2R s) (Q2R p))).
  { unfold gmax2. destruct (Qle_bool g (Qabs (p - s))) eqn:E.
    - apply Qle_bool_iff, Qle_Rle in E. rewrite Q2R_abs, Q2R_minus in E.
      rewrite gini_value_sparse by assumption. apply Q2R_max.
    - assert (E' : (Rabs (Q2R p - Q2R s) < Q2R g)%R).
      { apply Rnot_le_lt. intro H. rewrite <- Q2R_minus, <- Q2R_abs in H.
        apply Rle_Qle, Qle_bool_iff in H. congruence. }
      rewrite gini_value_interior by assumption.
      assert (H4g : ~ 4 * g == 0).
      { intro H. apply Qeq_eqR in H. rewrite Q2R_mult in H.
        replace (Q2R 4) with 4%R in H by (unfold Q2R; simpl; field).
        replace (Q2R 0) with 0%R in H by (unfold Q2R; simpl; field). lra. }
      rewrite !Q2R_plus, !Q2R_div, !Q2R_mult, !Q2R_minus by (assumption || discriminate).
      replace (Q2R 2) with 2%R by (unfold Q2R; simpl; field).
      replace (Q2R 4) with 4%R by (unfold Q2R; simpl; field).
      rewrite Q2R_plus. field. lra. }
  split; [exact Hval|]. intros q Hq. rewrite Hval.
  apply gini_closed_form_maximises; assumption.
Qed.
