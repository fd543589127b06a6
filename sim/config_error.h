#pragma once
/// Errors in user input (scenario, catalogue, trace), as opposed to failures while running.
/// The CLI maps ConfigError to exit code 2 and other exceptions to exit code 1. The message is
/// one line that names the file, the line or key, and what was expected.

#include <stdexcept>

namespace moesim {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace moesim
