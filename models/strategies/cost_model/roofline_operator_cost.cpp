// The roofline operator cost model (models/cost_model/roofline.h) as a selectable strategy.
#include "models/operator_costs.h"
#include "models/strategies/cost_model/operator_cost_family.h"

namespace moesim {
namespace {

constexpr OpKind kTunable[] = {OpKind::kRouter, OpKind::kExpert, OpKind::kCombine};

std::vector<ParamSpec> roofline_params() {
  std::vector<ParamSpec> p{
      param::real("compute_efficiency", 1.0, "achieved fraction of peak FLOP/s").above(0.0, 1.0),
      param::real("memory_efficiency", 1.0, "achieved fraction of memory bandwidth")
          .above(0.0, 1.0),
      param::time("kernel_overhead", Time::zero(), "fixed time added to every operator")
          .in(0.0, 1.0)};
  for (const OpKind kind : kTunable) {
    const std::string op(to_string(kind));
    p.push_back(param::optional("per_operator." + op + ".compute_efficiency", ParamKind::kDouble,
                                "compute_efficiency", "this operator's compute efficiency")
                    .above(0.0, 1.0));
    p.push_back(param::optional("per_operator." + op + ".memory_efficiency", ParamKind::kDouble,
                                "memory_efficiency", "this operator's memory efficiency")
                    .above(0.0, 1.0));
  }
  return p;
}

}  // namespace

RooflineConfig roofline_config(const Params& p) {
  RooflineConfig c;
  c.compute_efficiency = p.real("compute_efficiency");
  c.memory_efficiency = p.real("memory_efficiency");
  c.kernel_overhead = p.time("kernel_overhead");
  for (const OpKind kind : kTunable) {
    const std::string prefix = "per_operator." + std::string(to_string(kind)) + ".";
    const bool compute = p.has(prefix + "compute_efficiency");
    const bool memory = p.has(prefix + "memory_efficiency");
    if (!compute && !memory) continue;
    c.per_operator[kind] = {compute ? p.real(prefix + "compute_efficiency") : c.compute_efficiency,
                            memory ? p.real(prefix + "memory_efficiency") : c.memory_efficiency};
  }
  return c;
}

void add_builtin_operator_costs(OperatorCostFamily& family) {
  family.add(
      {{"roofline", "max(FLOPs / achievable peak, bytes / achievable bandwidth) + kernel overhead",
        roofline_params(), nullptr},
       [](const OperatorCostContext&, const Params& p) {
         return std::make_unique<RooflineCostModel>(roofline_config(p));
       }});
}

}  // namespace moesim
