#pragma once
/// Small synthetic operator-table folders for the operator-database tests.

#include <filesystem>
#include <string>

namespace moesim::test {

/// The five tables of a backend folder (OperatorTables::load): `gemm_rows` and `moe_rows` (CSV
/// lines without the header, latencies in ms), and one row each of context attention,
/// generation attention and the CUDA-graph all-reduce (plus one eager all-reduce row, not read).
void write_operator_tables(const std::filesystem::path& dir, const std::string& gemm_rows,
                           const std::string& moe_rows);

}  // namespace moesim::test
