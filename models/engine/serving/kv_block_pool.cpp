#include "models/engine/serving/kv_block_pool.h"

#include <stdexcept>

namespace moesim {

KvBlockPool::KvBlockPool(uint64_t blocks, uint32_t block_size)
    : capacity_(blocks), block_size_(block_size) {
  if (block_size == 0) throw std::invalid_argument("KV block size must be positive");
}

bool KvBlockPool::grow_to(ServingRequest& request, uint64_t tokens) {
  const uint64_t needed = blocks_for(tokens);
  if (needed <= request.kv_blocks) return true;
  const uint64_t extra = needed - request.kv_blocks;
  if (extra > free_blocks()) return false;
  used_ += extra;
  request.kv_blocks = static_cast<uint32_t>(needed);
  return true;
}

void KvBlockPool::release(ServingRequest& request) {
  used_ -= request.kv_blocks;
  request.kv_blocks = 0;
}

}  // namespace moesim
