#include "cli/validation/comm_fit.h"

#include <array>
#include <stdexcept>

namespace moesim {
namespace {

// Coordinates: step latency (us) of ll, of simple; base latency (us) of ll, of simple;
// 1 / bandwidth efficiency of ll, of simple; 1 / switch_reduce_efficiency.
constexpr int kParams = 7;
constexpr int kProtocols = 2;
constexpr const char* kProtocolNames[kProtocols] = {"ll", "simple"};
constexpr int kSimple = 1;
/// Initial protocol of a row: NCCL runs LL for small messages and Simple for large ones.
constexpr double kInitialSimpleBytes = 1024.0 * 1024.0;
using Vector = std::array<double, kParams>;

/// One equation a . x = b of the fit.
struct FitRow {
  Vector a;
  double b;
};

/// Solves the normal equations of min sum_i (a_i . x - b_i)^2 over the free coordinates; the
/// others keep their `fixed` values.
Vector least_squares(const std::vector<FitRow>& rows, const Vector& fixed,
                     std::array<bool, kParams> free) {
  std::array<std::array<double, kParams + 1>, kParams> m{};  // augmented normal equations
  for (const auto& [a, b] : rows) {
    double rhs = b;
    for (int j = 0; j < kParams; ++j) {
      if (!free[j]) rhs -= a[j] * fixed[j];
    }
    for (int i = 0; i < kParams; ++i) {
      if (!free[i]) continue;
      for (int j = 0; j < kParams; ++j) {
        if (free[j]) m[i][j] += a[i] * a[j];
      }
      m[i][kParams] += a[i] * rhs;
    }
  }
  for (int i = 0; i < kParams; ++i) {
    if (free[i] && m[i][i] != 0.0) continue;
    m[i] = {};  // a fixed (or unconstrained) coordinate: the identity row x_i = fixed_i
    m[i][i] = 1.0;
    m[i][kParams] = fixed[i];
  }
  for (int col = 0; col < kParams; ++col) {  // Gauss-Jordan on a positive definite matrix
    const double pivot = m[col][col];
    for (double& v : m[col]) v /= pivot;
    for (int r = 0; r < kParams; ++r) {
      if (r == col) continue;
      const double f = m[r][col];
      for (int c = 0; c <= kParams; ++c) m[r][c] -= f * m[col][c];
    }
  }
  Vector x;
  for (int i = 0; i < kParams; ++i) x[i] = m[i][kParams];
  return x;
}

}  // namespace

namespace {

/// One way a fit row may run: T = steps x step_p + base_p + links + wire x beta_p.
struct Alternative {
  double steps, links, wire;
  bool switch_reduced;
};

/// A fit row: its measurement and the algorithms it may run as.
struct RowTerms {
  double measured;
  std::vector<Alternative> alternatives;
};

/// Which algorithm and protocol a row is fitted under.
struct Choice {
  size_t alternative;
  int protocol;
};

FitRow equation(const RowTerms& r, Choice c) {
  const Alternative& alt = r.alternatives[c.alternative];
  const double s = 1.0 / r.measured;  // relative error: (T - measured) / measured
  Vector a{};
  a[c.protocol] = alt.steps * s;
  a[2 + c.protocol] = s;
  a[alt.switch_reduced ? 6 : 4 + c.protocol] = alt.wire * s;
  return FitRow{a, 1.0 - alt.links * s};
}

/// The relative error T / measured - 1 of a row under a choice; ordering choices by it orders
/// them by predicted time T.
double predicted(const RowTerms& r, Choice c, const Vector& x) {
  const FitRow e = equation(r, c);
  double v = -e.b;
  for (int i = 0; i < kParams; ++i) v += e.a[i] * x[i];
  return v;
}

/// Least squares with latencies >= 0 and efficiencies <= 1: bound coordinates are fixed at the
/// bound and the rest refitted. Coordinates no row constrains stay at `fixed`.
Vector bounded_fit(const std::vector<FitRow>& rows, std::array<bool, kParams> free) {
  const Vector lower{0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0};
  Vector fixed = lower;
  Vector x = least_squares(rows, fixed, free);
  for (int round = 0; round < kParams; ++round) {
    bool clamped = false;
    for (int i = 0; i < kParams; ++i) {
      if (free[i] && x[i] < lower[i]) {
        free[i] = false;
        clamped = true;
      }
    }
    if (!clamped) break;
    x = least_squares(rows, fixed, free);
  }
  return x;
}

}  // namespace

CommCalibration fit_comm_calibration(const SystemConfig& config, const BuiltSystem& system,
                                     const std::vector<CommMeasurement>& rows) {
  // Two runs per row without latencies, at full and at half bandwidth, separate the link
  // latencies from the wire time.
  CommCalibration at_one, at_half;
  at_half.protocols.front().bandwidth_efficiency = 0.5;
  at_half.switch_reduce_efficiency = 0.5;
  std::vector<RowTerms> terms;
  std::vector<Choice> initial;
  for (const CommMeasurement& m : rows) {
    if (!m.fit_row) continue;
    RowTerms row{m.latency_us, {}};
    for (const AllReduceAlgorithm algorithm : candidate_algorithms(config, system, m.op)) {
      const double t1 =
          simulate_collective(config, system, m.op, m.ranks, m.bytes, at_one, algorithm)
              .microseconds();
      const double t2 =
          simulate_collective(config, system, m.op, m.ranks, m.bytes, at_half, algorithm)
              .microseconds();
      row.alternatives.push_back(
          Alternative{static_cast<double>(collective_steps(m.op, m.ranks, algorithm)),
                      t1 - (t2 - t1), t2 - t1, algorithm == AllReduceAlgorithm::kSwitchReduce});
    }
    terms.push_back(std::move(row));
    // Start: LL for small messages, Simple for large ones; algorithms are set per start below.
    initial.push_back(Choice{0, m.bytes > kInitialSimpleBytes ? kSimple : 0});
  }
  if (terms.empty()) throw std::invalid_argument("no fit rows for system '" + config.name + "'");

  // Piecewise fit (k-plane regression): fit each protocol on its rows, give every row the
  // protocol fastest for it under the new constants, repeat until no row moves. As the
  // communicator runs it, Simple reduces in the switch where the row offers a switch and LL
  // runs the ring, so a row's protocol fixes its algorithm.
  const auto alternative_for = [&](size_t row, int protocol) {
    const bool offers_switch = terms[row].alternatives.back().switch_reduced;
    return offers_switch && protocol == kSimple ? terms[row].alternatives.size() - 1 : size_t{0};
  };
  std::vector<Choice> choice = initial;
  Vector x{};
  std::array<bool, kProtocols> used{};
  bool any_switch = false;
  for (int iteration = 0; iteration < 50; ++iteration) {
    std::vector<FitRow> fit;
    used = {};
    any_switch = false;
    for (size_t i = 0; i < terms.size(); ++i) {
      choice[i].alternative = alternative_for(i, choice[i].protocol);
      fit.push_back(equation(terms[i], choice[i]));
      used[choice[i].protocol] = true;
      any_switch = any_switch || terms[i].alternatives[choice[i].alternative].switch_reduced;
    }
    x = bounded_fit(fit, {used[0], used[1], used[0], used[1], used[0], used[1], any_switch});
    bool moved = false;
    for (size_t i = 0; i < terms.size(); ++i) {
      Choice best = choice[i];
      for (int p = 0; p < kProtocols; ++p) {
        const Choice candidate{alternative_for(i, p), p};
        if (used[p] && predicted(terms[i], candidate, x) < predicted(terms[i], best, x)) {
          best = candidate;
        }
      }
      moved = moved || best.protocol != choice[i].protocol;
      choice[i] = best;
    }
    if (!moved) break;
  }

  CommCalibration c;
  c.protocols.clear();
  for (int p = 0; p < kProtocols; ++p) {
    if (!used[p]) continue;  // a protocol no row chose is left out
    c.protocols.push_back(CommProtocol{kProtocolNames[p], Time::from_seconds_ceil(x[2 + p] * 1e-6),
                                       Time::from_seconds_ceil(x[p] * 1e-6), 1.0 / x[4 + p],
                                       p == kSimple});
  }
  // A switch no row chose stays available only at the efficiency of the slowest protocol.
  c.switch_reduce_efficiency = any_switch ? 1.0 / x[6] : 1.0 / std::max(x[4], x[5]);
  return c;
}

}  // namespace moesim
