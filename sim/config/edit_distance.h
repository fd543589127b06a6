#pragma once
/// Levenshtein distance between two words, for did-you-mean suggestions.

#include <cstddef>
#include <string>

namespace moesim {

/// Insertions, deletions and substitutions that turn `a` into `b`.
size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace moesim
