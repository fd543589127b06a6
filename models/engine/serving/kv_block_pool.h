#pragma once
/// A paged KV cache: a fixed number of blocks of `block_size` tokens, handed to requests as
/// their context grows and taken back when they finish or are preempted (vLLM PagedAttention,
/// Kwon et al., SOSP 2023).

#include <cstdint>

#include "models/engine/serving/serving_request.h"

namespace moesim {

class KvBlockPool {
 public:
  /// Throws std::invalid_argument if block_size is 0.
  KvBlockPool(uint64_t blocks, uint32_t block_size);

  uint64_t capacity() const { return capacity_; }
  uint64_t used() const { return used_; }
  uint64_t free_blocks() const { return capacity_ - used_; }
  uint32_t block_size() const { return block_size_; }

  /// Blocks that hold `tokens` tokens.
  uint64_t blocks_for(uint64_t tokens) const { return (tokens + block_size_ - 1) / block_size_; }

  /// Grows `request`'s allocation to hold `tokens` tokens; false (nothing changed) if the pool
  /// has too few free blocks.
  bool grow_to(ServingRequest& request, uint64_t tokens);
  /// Returns all of `request`'s blocks.
  void release(ServingRequest& request);

 private:
  uint64_t capacity_;
  uint32_t block_size_;
  uint64_t used_ = 0;
};

}  // namespace moesim
