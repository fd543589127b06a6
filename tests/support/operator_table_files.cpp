#include "support/operator_table_files.h"

#include "support/scenario_files.h"

namespace moesim::test {

void write_operator_tables(const std::filesystem::path& dir, const std::string& gemm_rows,
                           const std::string& moe_rows) {
  write_text(dir / "gemm_perf.csv", "gemm_dtype,m,n,k,latency\n" + gemm_rows);
  write_text(dir / "context_attention_perf.csv",
             "attn_dtype,kv_cache_dtype,num_heads,num_key_value_heads,head_dim,window_size,"
             "batch_size,isl,latency\nbfloat16,bfloat16,8,1,128,0,1,1024,0.1\n");
  write_text(dir / "generation_attention_perf.csv",
             "kv_cache_dtype,num_heads,num_key_value_heads,head_dim,window_size,batch_size,isl,"
             "step,latency\nbfloat16,8,1,128,0,1,1,1023,0.01\n");
  write_text(dir / "moe_perf.csv",
             "moe_dtype,distribution,topk,num_experts,hidden_size,inter_size,moe_tp_size,"
             "moe_ep_size,num_tokens,latency\n" +
                 moe_rows);
  write_text(dir / "custom_allreduce_perf.csv",
             "kernel_source,num_gpus,message_size,latency\n"
             "x_graph,2,1024,0.005\nx_eager,2,1024,0.5\nx_graph,2,2048,0.007\n");
}

}  // namespace moesim::test
