#pragma once
/// Inclusion probabilities of the k-expert choice SyntheticRouting draws per token: the first
/// expert from `first`, then k - 1 more one after another from `rest` restricted to the experts
/// not yet chosen (successive sampling without replacement). Element e is the chance that a
/// token's k experts include e; the elements sum to k.
///
/// Computed, not sampled. Successive sampling from `rest` picks experts in the order of
/// independent exponential arrival times of rates rest[j] (an exponential race), so with first
/// choice a, expert e != a is among the next k - 1 iff fewer than k - 1 of the others arrive
/// before e does. Averaged over a with weights first[a], that probability at time x is one
/// coefficient of prod_{j != e} (q_j(x) + p_j(x) z + first[j] w), p_j(x) = 1 - exp(-rest[j] x)
/// the chance that j arrived by x: the coefficient of w^1 (a is one other expert, outside the
/// race) and z^0 .. z^(k-2) (fewer than k - 1 arrivals). Leaving e out uses prefix and suffix
/// products (no division, no cancellation); the integral over x runs on Gauss-Legendre nodes
/// in log x. Absolute error below 1e-12 against enumeration (tests); cost O(experts k) per
/// node, a few hundred nodes.

#include <cstdint>
#include <span>
#include <vector>

namespace moesim {

/// `first` and `rest` are probabilities over the same experts (each summing to 1). Empty when
/// k == 0, k exceeds the experts, or k > 1 and fewer than k experts have rest weight (a token
/// can then run out of `rest` experts, and SyntheticRouting falls back to uniform choices).
std::vector<double> successive_sampling_inclusion(std::span<const double> first,
                                                  std::span<const double> rest, uint32_t k);

}  // namespace moesim
