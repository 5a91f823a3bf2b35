(** The VJP of SPEC A.3 algorithm 4.  With a pick-probability table Q and a table Qdot of its
    tangents, the backward tangent
      Edot_n = 0,
      Edot_{i-1}(c) = Edot_i(c)(1 - Q_i(c)) - E_i(c) Qdot_i(c)
                      + [c + w_i <= C](Edot_i(c + w_i) Q_i(c + w_i) + E_i(c + w_i) Qdot_i(c + w_i)),
      vjp_i = sum_c (Edot_i(c) Q_i(c) + E_i(c) Qdot_i(c))
    computes vjp_i = sum_y [y_i] Pdot(y), Pdot the product-rule tangent of the path probability.
    With the Shannon local tangent Qdot = q(1-q)/gamma (Vdot(c-w) + z_i - Vdot(c)), Pdot(y) =
    P(y)(<z,y> - Vdot_n(C))/gamma, so vjp_i = Cov(Y_i, <z,Y>)/gamma = (J z)_i. *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler Marginals Constraints Tangent Jacobian.
Import ListNotations.
Open Scope R_scope.

(** Product-rule tangent of the path probability. *)
Fixpoint dpath (Qf Qd : qtable) (l : list itemR) (c : nat) (y : list bool) : R :=
  match l, y with
  | (t, w) :: l', b :: y' =>
      if Nat.leb w c then
        (if b then Qd ((t, w) :: l') c * pathprob Qf l' (c - w) y'
                   + Qf ((t, w) :: l') c * dpath Qf Qd l' (c - w) y'
         else - Qd ((t, w) :: l') c * pathprob Qf l' c y'
              + (1 - Qf ((t, w) :: l') c) * dpath Qf Qd l' c y')
      else (if b then 0 else dpath Qf Qd l' c y')
  | _, _ => 0
  end.

Lemma dpath_sum_zero : forall Qf Qd l c,
  sumR (map (dpath Qf Qd l c) (allsel (length l))) = 0.
Proof.
  intros Qf Qd l. induction l as [|[t w] l IH]; intros c; simpl; [ring|].
  rewrite map_app, sumR_app, !map_map. simpl.
  destruct (Nat.leb w c).
  - rewrite !sumR_plus2, !sumR_scale, !sampler_paths_sum_to_one, !IH. ring.
  - rewrite (sumR_zero (fun _ => 0)) by reflexivity. rewrite IH. ring.
Qed.

(** One step of the backward tangent. *)
Definition Edstep (Qf Qd : qtable) (l : list itemR) (mu mud : nat -> R) : nat -> R :=
  fun c => mud c * (1 - qeff Qf l c) - mu c * qeff Qd l c
           + (mud (c + wof l)%nat * qeff Qf l (c + wof l)%nat
              + mu (c + wof l)%nat * qeff Qd l (c + wof l)%nat).

(** vjp_n, ..., vjp_1 (list order) from rows E_n = mu, Edot_n = mud. *)
Fixpoint vjpl (Qf Qd : qtable) (N : nat) (l : list itemR) (mu mud : nat -> R) : list R :=
  match l with
  | [] => []
  | it :: l' =>
      sumn N (fun c => mud c * qeff Qf (it :: l') c + mu c * qeff Qd (it :: l') c)
      :: vjpl Qf Qd N l' (Estep Qf (it :: l') mu) (Edstep Qf Qd (it :: l') mu mud)
  end.

Definition dmix (Qf Qd : qtable) (N : nat) (l : list itemR) (mu mud : nat -> R) (y : list bool) : R :=
  sumn N (fun c => mud c * pathprob Qf l c y + mu c * dpath Qf Qd l c y).

Lemma Edstep_supp : forall Qf Qd N l mu mud, supp N mu -> supp N mud ->
  supp N (Edstep Qf Qd l mu mud).
Proof.
  intros Qf Qd N l mu mud H1 H2 c Hc. unfold Edstep. rewrite !H1, !H2 by lia. ring.
Qed.

Lemma dmix_step : forall Qf Qd N t w l mu mud y, supp N mu -> supp N mud ->
  dmix Qf Qd N ((t, w) :: l) mu mud (false :: y) + dmix Qf Qd N ((t, w) :: l) mu mud (true :: y)
  = dmix Qf Qd N l (Estep Qf ((t, w) :: l) mu) (Edstep Qf Qd ((t, w) :: l) mu mud) y.
Proof.
  intros Qf Qd N t w l mu mud y Hs Hsd. unfold dmix, Estep, Edstep. simpl wof.
  set (it := (t, w)). set (qe := qeff Qf (it :: l)). set (qd := qeff Qd (it :: l)).
  set (P := fun c => pathprob Qf l c y). set (D := fun c => dpath Qf Qd l c y).
  (* pointwise forms with qeff *)
  rewrite (sumn_ext N (fun c => mud c * pathprob Qf (it :: l) c (true :: y)
                                + mu c * dpath Qf Qd (it :: l) c (true :: y))
             (fun c => mud c * qe c * P (c - w)%nat + mu c * qd c * P (c - w)%nat
                       + mu c * qe c * D (c - w)%nat)).
  2:{ intros c _. unfold qe, qd, qeff, P, D, it. simpl. destruct (Nat.leb w c); ring. }
  rewrite (sumn_ext N (fun c => mud c * pathprob Qf (it :: l) c (false :: y)
                                + mu c * dpath Qf Qd (it :: l) c (false :: y))
             (fun c => mud c * (1 - qe c) * P c - mu c * qd c * P c + mu c * (1 - qe c) * D c)).
  2:{ intros c _. unfold qe, qd, qeff, P, D, it. simpl. destruct (Nat.leb w c); ring. }
  rewrite !sumn_plus.
  pose proof (shift_lemma Qf N t w l mud P Hsd) as S1.
  pose proof (shift_lemma Qd N t w l mu P Hs) as S2.
  pose proof (shift_lemma Qf N t w l mu D Hs) as S3.
  fold it qe in S1, S3. fold it qd in S2. cbv beta in S1, S2, S3.
  rewrite S1, S2, S3.
  assert (Hm : forall f h, sumn N (fun c => f c - h c) = sumn N f - sumn N h).
  { intros f h. clear. induction N; simpl; [ring|rewrite IHN; ring]. }
  rewrite Hm.
  rewrite <- !sumn_plus. rewrite <- Hm. rewrite <- !sumn_plus.
  apply sumn_ext. intros c _. unfold P, D. ring.
Qed.

(** THEOREM (backward tangent = derivative of the pick probabilities). *)
Theorem vjpl_is_dpick : forall Qf Qd N l mu mud k, supp N mu -> supp N mud ->
  (k < length l)%nat ->
  nth k (vjpl Qf Qd N l mu mud) 0
  = sumR (map (fun y => if nth k y false then dmix Qf Qd N l mu mud y else 0) (allsel (length l))).
Proof.
  intros Qf Qd N l. induction l as [|[t w] l IH]; intros mu mud k Hs Hsd Hk;
    [simpl in Hk; lia|].
  simpl length. simpl allsel. rewrite sumR_cons_split. destruct k as [|k].
  - simpl nth. unfold dmix.
    rewrite (sumR_ext _ (fun y => sumn N (fun c =>
               mud c * qeff Qf ((t, w) :: l) c * pathprob Qf l (c - w)%nat y
               + mu c * qeff Qd ((t, w) :: l) c * pathprob Qf l (c - w)%nat y
               + mu c * qeff Qf ((t, w) :: l) c * dpath Qf Qd l (c - w)%nat y))).
    2:{ intros y _. rewrite Rplus_0_l. apply sumn_ext. intros c _. unfold qeff. simpl.
        destruct (Nat.leb w c); ring. }
    rewrite sumR_sumn_swap. apply sumn_ext. intros c _.
    rewrite !sumR_plus2, (sumR_scale (pathprob Qf l (c - w)%nat)).
    rewrite (sumR_scale (pathprob Qf l (c - w)%nat) (mu c * qeff Qd ((t, w) :: l) c)).
    rewrite (sumR_scale (dpath Qf Qd l (c - w)%nat)).
    rewrite sampler_paths_sum_to_one, dpath_sum_zero. unfold qeff. ring.
  - simpl nth. simpl in Hk. rewrite IH by (auto using Estep_supp, Edstep_supp; lia).
    apply sumR_ext. intros y _. destruct (nth k y false); [|ring].
    symmetry. apply dmix_step; assumption.
Qed.

(** ** The local tangent Qdot = q(1-q)/gamma (Vdot_{i-1}(c - w_i) + z_i - Vdot_{i-1}(c))

    z is indexed by position in the full list of length n0 (0 = head = item n); for a suffix l
    of the full list, its own positions are shifted by n0 - length l. *)
Definition zsub (n0 : nat) (z : nat -> R) (l : list itemR) : nat -> R :=
  fun k => z (n0 - length l + k)%nat.

Definition Qd_sigmoid (Qf : qtable) (g : R) (n0 : nat) (z : nat -> R) : qtable :=
  fun l c =>
    match l with
    | [] => 0
    | (t, w) :: l' =>
        if Nat.leb w c then
          Qf l c * (1 - Qf l c) / g *
          (vdot Qf l' (zsub n0 z l') (c - w) + z (n0 - length l)%nat - vdot Qf l' (zsub n0 z l') c)
        else 0
    end.

Lemma vdot_ext : forall Qf l z z' c, (forall k, z k = z' k) -> vdot Qf l z c = vdot Qf l z' c.
Proof.
  intros Qf l. induction l as [|[t w] l IH]; intros z z' c H; simpl; [reflexivity|].
  rewrite !(IH (fun k => z (S k)) (fun k => z' (S k))) by (intros; apply H). rewrite H.
  reflexivity.
Qed.

Lemma zscore_ext : forall n z z' y, (forall k, z k = z' k) -> zscore n z y = zscore n z' y.
Proof. intros. unfold zscore. apply sumn_ext. intros k _. rewrite H. reflexivity. Qed.

Lemma zscore_cons : forall n z b y,
  zscore (S n) z (b :: y) = (if b then z 0%nat else 0) + zscore n (fun k => z (S k)) y.
Proof. intros. unfold zscore. rewrite sumn_head. reflexivity. Qed.

(** THEOREM: with this local tangent, for ANY table Q, the path-probability tangent is
    Pdot(y) = P(y) (<z,y> - Vdot(c)) / gamma (the log-derivatives telescope along the path). *)
Theorem dpath_sigmoid : forall Qf g n0 z l c y, g <> 0 -> (length l <= n0)%nat ->
  length y = length l ->
  dpath Qf (Qd_sigmoid Qf g n0 z) l c y
  = / g * pathprob Qf l c y * (zscore (length l) (zsub n0 z l) y - vdot Qf l (zsub n0 z l) c).
Proof.
  intros Qf g n0 z l. induction l as [|[t w] l IH]; intros c y Hg Hn Hy.
  - destruct y; [|discriminate]. simpl. unfold zscore. simpl. ring.
  - destruct y as [|b y]; [discriminate|]. simpl in Hy, Hn. injection Hy as Hy.
    assert (Hz : forall k, zsub n0 z ((t, w) :: l) (S k) = zsub n0 z l k).
    { intros k. unfold zsub. simpl length. f_equal. lia. }
    assert (Hz0 : zsub n0 z ((t, w) :: l) 0%nat = z (n0 - S (length l))%nat).
    { unfold zsub. simpl length. f_equal. lia. }
    cbn [length]. rewrite zscore_cons, Hz0.
    rewrite (zscore_ext _ (fun k => zsub n0 z ((t, w) :: l) (S k)) (zsub n0 z l) y Hz).
    cbn [vdot]. rewrite !(vdot_ext Qf l (fun k => zsub n0 z ((t, w) :: l) (S k)) (zsub n0 z l))
      by exact Hz.
    rewrite Hz0.
    cbn [dpath pathprob]. unfold Qd_sigmoid. cbn [length].
    set (q := Qf ((t, w) :: l) c).
    destruct (Nat.leb w c); destruct b.
    + rewrite IH by (auto; lia). field. exact Hg.
    + rewrite IH by (auto; lia). field. exact Hg.
    + ring.
    + rewrite IH by (auto; lia). ring.
Qed.

(** ** The VJP output *)

Lemma sumR_plus2_neg : forall {A} (f h : A -> R) L,
  sumR (map (fun y => f y - h y) L) = sumR (map f L) - sumR (map h L).
Proof. induction L; simpl; [ring|rewrite IHL; ring]. Qed.

(** vjp from E_n = indicator of C and Edot_n = 0. *)
Definition vjp (Qf Qd : qtable) (l : list itemR) (C : nat) : list R :=
  vjpl Qf Qd (S C) l (delta C) (fun _ => 0).

Lemma dmix_delta : forall Qf Qd C l y,
  dmix Qf Qd (S C) l (delta C) (fun _ => 0) y = dpath Qf Qd l C y.
Proof.
  intros Qf Qd C l y. unfold dmix, delta. simpl. rewrite Nat.eqb_refl.
  rewrite (sumn_ext C _ (fun _ => 0)).
  - assert (Z0 : forall k, sumn k (fun _ => 0) = 0).
    { induction k; simpl; [reflexivity|rewrite IHk; ring]. }
    rewrite Z0. ring.
  - intros i Hi. destruct (Nat.eqb_spec i C); [lia|ring].
Qed.

Lemma supp_zero : forall N, supp N (fun _ => 0).
Proof. intros N c _. reflexivity. Qed.

(** THEOREM (any table Q, Shannon-form local tangent):
    vjp_k = (E[Y_k <z,Y>] - y_k Vdot_n(C)) / gamma, expectations under the sampler's law. *)
Theorem vjp_covariance : forall Qf g z l C k, g <> 0 -> (k < length l)%nat ->
  nth k (vjp Qf (Qd_sigmoid Qf g (length l) z) l C) 0
  = / g * (sumR (map (fun y => if nth k y false then pathprob Qf l C y * zscore (length l) z y
                               else 0) (allsel (length l)))
           - vdot Qf l z C * nth k (marginals Qf l C) 0).
Proof.
  intros Qf g z l C k Hg Hk. unfold vjp.
  rewrite vjpl_is_dpick by (auto using delta_supp, supp_zero).
  rewrite marginals_are_pick_probabilities by exact Hk.
  assert (Hzs : forall k', zsub (length l) z l k' = z k')
    by (intros; unfold zsub; f_equal; lia).
  rewrite Rmult_comm, <- sumR_scale, <- sumR_plus2_neg, Rmult_comm, <- sumR_scale.
  apply sumR_ext. intros y Hy. apply allsel_length in Hy.
  rewrite dmix_delta. destruct (nth k y false); [|ring].
  rewrite dpath_sigmoid by (auto; lia).
  rewrite (zscore_ext _ _ z y Hzs), (vdot_ext Qf l _ z C Hzs). ring.
Qed.

(** THEOREM (Shannon: the VJP recursion outputs J z): with the Shannon table, the Shannon local
    tangent q(1-q)/gamma (...) and Z_n(C) > 0, vjp_k = sum_j J_kj z_j, J the Jacobian of the
    marginals (Jacobian.shannon_jacobian). *)
Theorem shannon_vjp_is_Jz : forall g m z l C k, 0 < g -> 0 < Zdp g m l C ->
  (k < length l)%nat ->
  nth k (vjp (Qshannon g m) (Qd_sigmoid (Qshannon g m) g (length l) z) l C) 0
  = sumn (length l) (fun j => jac g m l C k j * z j).
Proof.
  intros g m z l C k Hg HZ Hk.
  rewrite vjp_covariance by (auto; lra).
  set (n := length l). set (Z := Zdp g m l C) in *. set (A := allsel n).
  set (S := fun y => sumn n (fun j => z j * ind j y)).
  assert (HS : forall y, zscore n z y = S y).
  { intros y. unfold zscore, S. apply sumn_ext. intros j _. unfold ind.
    destruct (nth j y false); ring. }
  assert (HP : forall y, In y A -> pathprob (Qshannon g m) l C y = gibbs g m l C y / Z).
  { intros y Hy. apply allsel_length in Hy. apply shannon_sampler_is_gibbs; auto. }
  (* the three expectations *)
  assert (E1 : sumR (map (fun y => if nth k y false
                                   then pathprob (Qshannon g m) l C y * zscore n z y else 0) A)
               = W g m l C (fun y => ind k y * S y) / Z).
  { unfold W, Rdiv. fold n A. rewrite Rmult_comm, <- sumR_scale. apply sumR_ext.
    intros y Hy. rewrite HP by exact Hy. rewrite HS. unfold ind.
    destruct (nth k y false); unfold Rdiv; ring. }
  assert (E2 : vdot (Qshannon g m) l z C = W g m l C S / Z).
  { rewrite vdot_expectation. unfold W, Rdiv. fold n A. rewrite Rmult_comm, <- sumR_scale.
    apply sumR_ext. intros y Hy. rewrite HP by exact Hy. rewrite HS. unfold Rdiv. ring. }
  assert (E3 : nth k (marginals (Qshannon g m) l C) 0 = W g m l C (ind k) / Z).
  { rewrite marginal_as_ratio by auto. reflexivity. }
  rewrite E1, E2, E3.
  (* the right-hand side *)
  unfold jac, Ex. fold Z n.
  rewrite (sumn_ext n _ (fun j => / g / Z * (z j * W g m l C (fun y => ind k y * ind j y))
                                 - / g / (Z * Z) * W g m l C (ind k) * (z j * W g m l C (ind j)))).
  2:{ intros j _. unfold W. fold n A. field. lra. }
  assert (Hm : forall f h, sumn n (fun j => f j - h j) = sumn n f - sumn n h).
  { intros f h. clear. induction n; simpl; [ring|rewrite IHn; ring]. }
  rewrite Hm, sumn_scale_l.
  rewrite sumn_scale_l.
  rewrite (sumn_ext n (fun j => z j * W g m l C (fun y => ind k y * ind j y))
             (fun j => W g m l C (fun y => z j * (ind k y * ind j y))))
    by (intros; rewrite W_scale; reflexivity).
  rewrite (sumn_ext n (fun j => z j * W g m l C (ind j))
             (fun j => W g m l C (fun y => z j * ind j y)))
    by (intros; rewrite W_scale; reflexivity).
  rewrite <- (W_sumn g m l C n (fun j y => z j * (ind k y * ind j y))).
  rewrite <- (W_sumn g m l C n (fun j y => z j * ind j y)).
  rewrite (W_ext g m l C (fun y => sumn n (fun j => z j * (ind k y * ind j y)))
             (fun y => ind k y * S y)).
  2:{ intros y. unfold S. rewrite <- sumn_scale_l. apply sumn_ext. intros; ring. }
  fold S. field. lra.
Qed.
