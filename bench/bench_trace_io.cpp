// Routing trace files: reading and writing the binary (.mtr) and JSON Lines (.jsonl)
// encodings of traces/FORMAT.md on one core.
//
// Traces are decode steps of 128 tokens (one per request, positions growing by one a step),
// each token routed at every layer to top-k distinct experts drawn uniformly (seeded), stored
// step by step, layer by layer. Shapes (the Arg):
//   0 Mixtral-like: 32 layers, 8 experts, top-2, 256 steps (1.05 M records, 2.1 M entries)
//   1 128 experts, top-8, 48 layers, 128 steps (0.79 M records, 6.3 M entries)
//   2 as 0 with per-choice gate scores (random floats that sum to 1 per record)
// An entry is one (record, expert) choice. Counters: entries/s, and for the binary benchmarks
// bytes/entry, the file size divided by the entries.
//
// Run: build/bench/moesim_bench --benchmark_filter=Trace

#include <unistd.h>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "sim/rng.h"
#include "traces/binary_trace_reader.h"
#include "traces/binary_trace_writer.h"
#include "traces/jsonl_trace_reader.h"
#include "traces/jsonl_trace_writer.h"

namespace {

namespace fs = std::filesystem;
using moesim::RoutingBatch;
using moesim::TraceHeader;

constexpr uint32_t kTokensPerStep = 128;
constexpr size_t kReadBatch = 65536;  // records per next() call

struct Shape {
  TraceHeader header;
  uint32_t steps;
};

Shape shape(int64_t index) {
  switch (index) {
    case 1:
      return {{"128 experts top-8", 48, 128, 8, moesim::ScoreLayout::none}, 128};
    case 2:
      return {{"Mixtral-like with scores", 32, 8, 2, moesim::ScoreLayout::per_choice}, 256};
    default:
      return {{"Mixtral-like", 32, 8, 2, moesim::ScoreLayout::none}, 256};
  }
}

RoutingBatch generate(const Shape& s) {
  moesim::RngStream rng(42);
  RoutingBatch batch;
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> experts;
  std::vector<float> scores;
  for (uint32_t step = 0; step < s.steps; ++step) {
    for (uint32_t layer = 0; layer < s.header.layers; ++layer) {
      for (uint32_t token = 0; token < kTokensPerStep; ++token) {
        rng.sample_distinct(s.header.experts, s.header.top_k, scratch, experts);
        scores.clear();
        if (s.header.scores == moesim::ScoreLayout::per_choice) {
          float sum = 0;
          for (uint32_t k = 0; k < s.header.top_k; ++k) {
            scores.push_back(static_cast<float>(rng.uniform01()) + 1e-3f);
            sum += scores.back();
          }
          for (float& v : scores) v /= sum;
        }
        batch.push({step, token, 512 + step, moesim::TokenPhase::decode, layer, experts, scores});
      }
    }
  }
  return batch;
}

/// The generated records and their two files, made once per shape and removed at exit.
struct TraceFixture {
  Shape shape;
  RoutingBatch records;
  fs::path binary;
  fs::path jsonl;
};

class Fixtures {
 public:
  ~Fixtures() {
    std::error_code ignored;
    if (!dir_.empty()) fs::remove_all(dir_, ignored);
  }
  const TraceFixture& get(int64_t index) {
    if (dir_.empty()) {
      dir_ = fs::temp_directory_path() / ("moesim-bench-traces-" + std::to_string(::getpid()));
      fs::create_directories(dir_);
    }
    auto& slot = fixtures_[index];
    if (!slot) {
      slot = std::make_unique<TraceFixture>();
      slot->shape = shape(index);
      slot->records = generate(slot->shape);
      slot->binary = dir_ / (std::to_string(index) + ".mtr");
      slot->jsonl = dir_ / (std::to_string(index) + ".jsonl");
      moesim::BinaryTraceWriter binary(slot->binary, slot->shape.header);
      binary.write(slot->records);
      binary.finish();
      moesim::JsonlTraceWriter jsonl(slot->jsonl, slot->shape.header);
      jsonl.write(slot->records);
      jsonl.finish();
    }
    return *slot;
  }
  fs::path scratch(const std::string& name) const { return dir_ / name; }

 private:
  fs::path dir_;
  std::map<int64_t, std::unique_ptr<TraceFixture>> fixtures_;
};

Fixtures fixtures;

void set_counters(benchmark::State& state, const TraceFixture& f, bool binary) {
  const double entries = static_cast<double>(f.records.experts.size());
  state.counters["entries/s"] =
      benchmark::Counter(entries, benchmark::Counter::kIsIterationInvariantRate);
  if (binary) {
    state.counters["bytes/entry"] = static_cast<double>(fs::file_size(f.binary)) / entries;
  }
  state.SetLabel(f.shape.header.model);
}

template <class Reader>
void read_trace(benchmark::State& state, bool binary) {
  const TraceFixture& f = fixtures.get(state.range(0));
  RoutingBatch batch;
  for (auto _ : state) {
    Reader reader(binary ? f.binary : f.jsonl);
    size_t entries = 0;
    while (reader.next(batch, kReadBatch)) entries += batch.experts.size();
    if (entries != f.records.experts.size()) state.SkipWithError("entries lost");
    benchmark::DoNotOptimize(entries);
  }
  set_counters(state, f, binary);
}

template <class Writer>
void write_trace(benchmark::State& state, bool binary) {
  const TraceFixture& f = fixtures.get(state.range(0));
  const fs::path out = fixtures.scratch(binary ? "written.mtr" : "written.jsonl");
  for (auto _ : state) {
    Writer writer(out, f.shape.header);
    writer.write(f.records);
    writer.finish();
  }
  set_counters(state, f, binary);
}

void BM_TraceBinaryRead(benchmark::State& state) {
  read_trace<moesim::BinaryTraceReader>(state, true);
}
void BM_TraceJsonlRead(benchmark::State& state) {
  read_trace<moesim::JsonlTraceReader>(state, false);
}
void BM_TraceBinaryWrite(benchmark::State& state) {
  write_trace<moesim::BinaryTraceWriter>(state, true);
}
void BM_TraceJsonlWrite(benchmark::State& state) {
  write_trace<moesim::JsonlTraceWriter>(state, false);
}

BENCHMARK(BM_TraceBinaryRead)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TraceJsonlRead)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TraceBinaryWrite)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TraceJsonlWrite)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

}  // namespace
