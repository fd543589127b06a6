#pragma once
/// What an importer of another tool's routing dump cannot always learn from the dump itself.

#include <cstdint>
#include <string>

namespace moesim {

struct RoutingImportOptions {
  std::string model;     ///< written to the trace header; free text
  uint32_t experts = 0;  ///< routed experts per layer; 0 = from the dump (map or largest id + 1)
  uint32_t top_k = 0;    ///< nominal choices per token; 0 = the most any record holds
};

}  // namespace moesim
