#include "traces/routing_params.h"

namespace moesim {

const char* to_string(PopularityKind kind) {
  switch (kind) {
    case PopularityKind::uniform:
      return "uniform";
    case PopularityKind::zipf:
      return "zipf";
    case PopularityKind::dirichlet:
      return "dirichlet";
  }
  return "uniform";
}

std::optional<PopularityKind> parse_popularity_kind(const std::string& text) {
  for (const PopularityKind k :
       {PopularityKind::uniform, PopularityKind::zipf, PopularityKind::dirichlet}) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

}  // namespace moesim
