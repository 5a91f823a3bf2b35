(** Marginals (SPEC A.3, algorithm 2) are the sampler's pick probabilities.

    E_n = indicator of C; E_{i-1}(c) = E_i(c)(1 - Q_i(c)) + [c + w_i <= C] E_i(c + w_i) Q_i(c + w_i);
    y_i = sum_c E_i(c) Q_i(c)   (with Q_i(c) = 0 when c < w_i, i.e. p = -inf).
    For any table Q: every row of E has the same total mass as the row above (so sums to 1), and
    y_i = P(the ancestral sampler picks item i).  For Shannon, y_i is therefore the Gibbs marginal
    sum over feasible y with y_i = 1 of exp(<theta,y>/gamma) / Z_n(C). *)

From Coq Require Import List Arith Lia Reals Lra.
From DiffKnap Require Import Common ShannonDP Sampler.
Import ListNotations.
Open Scope R_scope.

(** sum_{c < N} f c *)
Fixpoint sumn (n : nat) (f : nat -> R) : R :=
  match n with 0 => 0 | S k => sumn k f + f k end.

Lemma sumn_ext : forall n f g, (forall i, (i < n)%nat -> f i = g i) -> sumn n f = sumn n g.
Proof.
  induction n; simpl; intros f g H; [reflexivity|].
  rewrite (IHn f g) by (intros; apply H; lia). rewrite H by lia. reflexivity.
Qed.

Lemma sumn_plus : forall n f g, sumn n (fun i => f i + g i) = sumn n f + sumn n g.
Proof. induction n; simpl; intros; [ring|rewrite IHn; ring]. Qed.

Lemma sumn_shift : forall N w h,
  sumn N (fun c => if Nat.leb w c then h (c - w)%nat else 0) = sumn (N - w) h.
Proof.
  induction N as [|N IH]; intros w h; [destruct w; reflexivity|].
  cbn [sumn]. rewrite IH. destruct (Nat.leb_spec w N) as [H|H].
  - replace (S N - w)%nat with (S (N - w)) by lia. cbn [sumn]. reflexivity.
  - replace (S N - w)%nat with 0%nat by lia. replace (N - w)%nat with 0%nat by lia.
    cbn [sumn]. ring.
Qed.

Lemma sumn_trunc : forall N M h, (M <= N)%nat -> (forall c, (M <= c)%nat -> h c = 0) ->
  sumn N h = sumn M h.
Proof.
  induction N as [|N IH]; intros M h HM H.
  - replace M with 0%nat by lia. reflexivity.
  - destruct (Nat.eq_dec M (S N)) as [->|Hne]; [reflexivity|].
    simpl. rewrite (IH M h) by (auto; lia). rewrite H by lia. ring.
Qed.

Lemma sumR_sumn_swap : forall {A} N (F : nat -> A -> R) L,
  sumR (map (fun y => sumn N (fun c => F c y)) L) = sumn N (fun c => sumR (map (F c) L)).
Proof.
  intros A N F L. induction L as [|y L IH]; simpl.
  - clear. induction N; simpl; [reflexivity|rewrite <- IHN; ring].
  - rewrite IH, <- sumn_plus. reflexivity.
Qed.

Lemma sumn_scale_r : forall n f k, sumn n (fun i => f i * k) = sumn n f * k.
Proof. induction n; simpl; intros; [ring|rewrite IHn; ring]. Qed.

(** Support of a capacity distribution: zero at c >= N. *)
Definition supp (N : nat) (mu : nat -> R) : Prop := forall c, (N <= c)%nat -> mu c = 0.

(** Effective pick probability of the head item: Q_i(c) if c >= w_i, else 0. *)
Definition qeff (Qf : qtable) (l : list itemR) (c : nat) : R :=
  match l with [] => 0 | (t, w) :: _ => if Nat.leb w c then Qf l c else 0 end.

Definition wof (l : list itemR) : nat := match l with [] => 0%nat | (_, w) :: _ => w end.

(** One step of the marginal recursion: row E_i -> row E_{i-1}. *)
Definition Estep (Qf : qtable) (l : list itemR) (mu : nat -> R) : nat -> R :=
  fun c => mu c * (1 - qeff Qf l c) + mu (c + wof l)%nat * qeff Qf l (c + wof l)%nat.

(** Marginals y_n, y_{n-1}, ..., y_1 (list order) from a row E_n = mu; sums over c < N. *)
Fixpoint marg (Qf : qtable) (N : nat) (l : list itemR) (mu : nat -> R) : list R :=
  match l with
  | [] => []
  | it :: l' => sumn N (fun c => mu c * qeff Qf (it :: l') c) :: marg Qf N l' (Estep Qf (it :: l') mu)
  end.

(** Probability of the path y when the start capacity is drawn from mu. *)
Definition mixprob (Qf : qtable) (N : nat) (l : list itemR) (mu : nat -> R) (y : list bool) : R :=
  sumn N (fun c => mu c * pathprob Qf l c y).

Lemma Estep_supp : forall Qf N l mu, supp N mu -> supp N (Estep Qf l mu).
Proof.
  intros Qf N l mu H c Hc. unfold Estep. rewrite !H by lia. ring.
Qed.

(** Shifting the capacity by the weight of the head item. *)
Lemma shift_lemma : forall Qf N t w l mu (g : nat -> R), supp N mu ->
  sumn N (fun c => mu c * qeff Qf ((t, w) :: l) c * g (c - w)%nat)
  = sumn N (fun c => mu (c + w)%nat * qeff Qf ((t, w) :: l) (c + w)%nat * g c).
Proof.
  intros Qf N t w l mu g Hs.
  set (H := fun c => mu (c + w)%nat * qeff Qf ((t, w) :: l) (c + w)%nat * g c).
  rewrite (sumn_ext N _ (fun c => if Nat.leb w c then H (c - w)%nat else 0)).
  - rewrite sumn_shift. symmetry. apply sumn_trunc; [lia|].
    intros c Hc. unfold H. rewrite Hs by lia. ring.
  - intros c _. unfold H, qeff. destruct (Nat.leb_spec w c) as [Hw|Hw].
    + replace (c - w + w)%nat with c by lia.
      replace (Nat.leb w c) with true by (symmetry; apply Nat.leb_le; exact Hw). reflexivity.
    + replace (Nat.leb w c) with false by (symmetry; apply Nat.leb_gt; exact Hw). ring.
Qed.

(** THEOREM: every row of E carries the mass of the row above (so, from E_n = indicator of C,
    every row sums to 1). *)
Theorem Estep_mass : forall Qf N l mu, supp N mu ->
  sumn N (Estep Qf l mu) = sumn N mu.
Proof.
  intros Qf N l mu Hs. destruct l as [|[t w] l].
  - unfold Estep, qeff. simpl. apply sumn_ext. intros; ring.
  - unfold Estep. simpl wof. rewrite sumn_plus.
    pose proof (shift_lemma Qf N t w l mu (fun _ => 1) Hs) as S. cbv beta in S.
    rewrite (sumn_ext N (fun c => mu c * qeff Qf ((t, w) :: l) c * 1)
               (fun c => mu c * qeff Qf ((t, w) :: l) c)) in S by (intros; ring).
    rewrite (sumn_ext N (fun c => mu (c + w)%nat * qeff Qf ((t, w) :: l) (c + w)%nat * 1)
               (fun c => mu (c + w)%nat * qeff Qf ((t, w) :: l) (c + w)%nat)) in S
      by (intros; ring).
    rewrite <- S.
    rewrite (sumn_ext N (fun c => mu c * (1 - qeff Qf ((t, w) :: l) c))
               (fun c => mu c + - (mu c * qeff Qf ((t, w) :: l) c))) by (intros; ring).
    rewrite sumn_plus.
    assert (Hneg : forall f, sumn N (fun c => - f c) = - sumn N f).
    { intros f. clear. induction N; simpl; [ring|rewrite IHN; ring]. }
    rewrite Hneg. ring.
Qed.

(** One step of the sampler, mixed over the start capacity. *)
Lemma mixprob_step : forall Qf N t w l mu y, supp N mu ->
  mixprob Qf N ((t, w) :: l) mu (false :: y) + mixprob Qf N ((t, w) :: l) mu (true :: y)
  = mixprob Qf N l (Estep Qf ((t, w) :: l) mu) y.
Proof.
  intros Qf N t w l mu y Hs. unfold mixprob, Estep. simpl wof.
  rewrite (sumn_ext N (fun c => mu c * pathprob Qf ((t, w) :: l) c (true :: y))
             (fun c => mu c * qeff Qf ((t, w) :: l) c * pathprob Qf l (c - w)%nat y)).
  2:{ intros c _. unfold qeff. simpl. destruct (Nat.leb w c); ring. }
  pose proof (shift_lemma Qf N t w l mu (fun c => pathprob Qf l c y) Hs) as S.
  cbv beta in S. rewrite S.
  rewrite <- sumn_plus. apply sumn_ext. intros c _. simpl.
  unfold qeff. destruct (Nat.leb w c); ring.
Qed.

Lemma sumR_cons_split : forall (f : list bool -> R) L,
  sumR (map f (map (cons false) L ++ map (cons true) L))
  = sumR (map (fun y => f (false :: y) + f (true :: y)) L).
Proof.
  intros f L. rewrite map_app, sumR_app, !map_map.
  induction L as [|y L IH]; simpl; [ring|]. rewrite <- IH. ring.
Qed.

(** THEOREM: y_k computed by the marginal recursion from the row mu is the probability that
    the sampler, started from a capacity drawn from mu, picks the k-th item of the list. *)
Theorem marg_is_pick_probability : forall Qf N l mu k, supp N mu -> (k < length l)%nat ->
  nth k (marg Qf N l mu) 0
  = sumR (map (fun y => if nth k y false then mixprob Qf N l mu y else 0) (allsel (length l))).
Proof.
  intros Qf N l. induction l as [|[t w] l IH]; intros mu k Hs Hk; [simpl in Hk; lia|].
  simpl length. simpl allsel. rewrite sumR_cons_split. destruct k as [|k].
  - simpl nth. unfold mixprob.
    rewrite (sumR_ext _ (fun y => sumn N (fun c =>
               mu (c + w)%nat * qeff Qf ((t, w) :: l) (c + w)%nat * pathprob Qf l c y))).
    2:{ intros y _. rewrite Rplus_0_l.
        rewrite (sumn_ext N (fun c => mu c * pathprob Qf ((t, w) :: l) c (true :: y))
             (fun c => mu c * qeff Qf ((t, w) :: l) c * pathprob Qf l (c - w)%nat y)).
        2:{ intros c _. unfold qeff. simpl. destruct (Nat.leb w c); ring. }
        pose proof (shift_lemma Qf N t w l mu (fun c => pathprob Qf l c y) Hs) as S.
        cbv beta in S. exact S. }
    rewrite sumR_sumn_swap.
    transitivity (sumn N (fun c => mu (c + w)%nat * qeff Qf ((t, w) :: l) (c + w)%nat)).
    + pose proof (shift_lemma Qf N t w l mu (fun _ => 1) Hs) as S. cbv beta in S.
      transitivity (sumn N (fun c => mu c * qeff Qf ((t, w) :: l) c * 1));
        [apply sumn_ext; intros; unfold qeff; ring|].
      etransitivity; [exact S|]. apply sumn_ext; intros; ring.
    + apply sumn_ext. intros c _.
      rewrite (sumR_scale (pathprob Qf l c)), sampler_paths_sum_to_one. ring.
  - simpl nth. simpl in Hk. rewrite IH by (auto using Estep_supp; lia).
    apply sumR_ext. intros y _. destruct (nth k y false); [|ring].
    symmetry. apply mixprob_step. exact Hs.
Qed.

(** Start of the marginal recursion: E_n = indicator of C, sums over c <= C. *)
Definition delta (C : nat) : nat -> R := fun c => if Nat.eqb c C then 1 else 0.

Lemma delta_supp : forall C, supp (S C) (delta C).
Proof. intros C c Hc. unfold delta. destruct (Nat.eqb_spec c C); [lia|reflexivity]. Qed.

Lemma mixprob_delta : forall Qf C l y, mixprob Qf (S C) l (delta C) y = pathprob Qf l C y.
Proof.
  intros Qf C l y. unfold mixprob, delta. simpl. rewrite Nat.eqb_refl.
  rewrite (sumn_ext C _ (fun _ => 0)).
  - assert (Z0 : forall k, sumn k (fun _ => 0) = 0).
    { induction k; simpl; [reflexivity|rewrite IHk; ring]. }
    rewrite Z0. ring.
  - intros i Hi. destruct (Nat.eqb_spec i C); [lia|ring].
Qed.

(** The marginals of the DP, y = marg Qf (C+1) l (delta C). *)
Definition marginals (Qf : qtable) (l : list itemR) (C : nat) : list R :=
  marg Qf (S C) l (delta C).

(** THEOREM (marginals = sampler pick probabilities): y_k = P(sample has y_k = 1). *)
Theorem marginals_are_pick_probabilities : forall Qf l C k, (k < length l)%nat ->
  nth k (marginals Qf l C) 0
  = sumR (map (fun y => if nth k y false then pathprob Qf l C y else 0) (allsel (length l))).
Proof.
  intros Qf l C k Hk. unfold marginals.
  rewrite marg_is_pick_probability by (auto using delta_supp).
  apply sumR_ext. intros y _. rewrite mixprob_delta. reflexivity.
Qed.

(** THEOREM (Shannon marginals are the Gibbs marginals): with the Shannon table and Z_n(C) > 0,
    y_k = sum over feasible y with y_k = 1 of exp(<theta,y>/gamma) / Z_n(C). *)
Theorem shannon_marginals_are_gibbs : forall g m l C k, 0 < g -> 0 < Zdp g m l C ->
  (k < length l)%nat ->
  nth k (marginals (Qshannon g m) l C) 0
  = sumR (map (fun y => if nth k y false then gibbs g m l C y else 0) (allsel (length l)))
    / Zdp g m l C.
Proof.
  intros g m l C k Hg HZ Hk. rewrite marginals_are_pick_probabilities by exact Hk.
  unfold Rdiv. rewrite Rmult_comm, <- sumR_scale. apply sumR_ext. intros y Hy.
  apply allsel_length in Hy.
  destruct (nth k y false); [|ring].
  rewrite shannon_sampler_is_gibbs by assumption. unfold Rdiv. ring.
Qed.

(** Row sums: from E_n = indicator of C, every row E_i sums to 1. *)
Fixpoint Erow (Qf : qtable) (l : list itemR) (mu : nat -> R) (k : nat) : nat -> R :=
  match k, l with
  | O, _ => mu
  | S k', it :: l' => Erow Qf l' (Estep Qf (it :: l') mu) k'
  | S _, [] => mu
  end.

Theorem E_rows_sum_to_one : forall Qf l C k, sumn (S C) (Erow Qf l (delta C) k) = 1.
Proof.
  intros Qf l C k.
  assert (G : forall l mu k, supp (S C) mu -> sumn (S C) (Erow Qf l mu k) = sumn (S C) mu
                             /\ supp (S C) (Erow Qf l mu k)).
  { clear. intros l. induction l as [|it l IH]; intros mu k Hs; destruct k; cbn [Erow]; auto.
    destruct (IH (Estep Qf (it :: l) mu) k (Estep_supp _ _ _ _ Hs)) as [H1 H2].
    rewrite H1, Estep_mass by exact Hs. auto. }
  destruct (G l (delta C) k (delta_supp C)) as [H _]. rewrite H.
  unfold delta. simpl. rewrite Nat.eqb_refl.
  rewrite (sumn_ext C _ (fun _ => 0)).
  - assert (Z0 : forall k, sumn k (fun _ => 0) = 0).
    { induction k0; simpl; [reflexivity|rewrite IHk0; ring]. }
    rewrite Z0. ring.
  - intros i Hi. destruct (Nat.eqb_spec i C); [lia|ring].
Qed.
