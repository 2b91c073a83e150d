// The message layer alone: structure, headers, DSN fields, original.
#include <benchmark/benchmark.h>

#include "corpus.h"
#include "message/message.h"

namespace rebound::bench {
namespace {

void BM_ParseCorpus(benchmark::State& state) {
  const auto& messages = CorpusMessages();
  message::Message m;
  size_t fields = 0;
  for (auto _ : state) {
    for (const std::string& raw : messages) {
      m.Parse(raw);
      fields += m.delivery_status().recipients.size() + m.headers().size();
    }
  }
  benchmark::DoNotOptimize(fields);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_ParseCorpus)->Unit(benchmark::kMillisecond);

// Parse plus reading the fields a decoder reads: DSN values unfolded.
void BM_ParseAndReadDsn(benchmark::State& state) {
  const auto& messages = CorpusMessages();
  message::Message m;
  size_t n = 0;
  for (auto _ : state) {
    for (const std::string& raw : messages) {
      m.Parse(raw);
      for (const auto& g : m.delivery_status().recipients) {
        n += g.Unfolded("Final-Recipient").size() + g.Unfolded("Diagnostic-Code").size() + g.Raw("Status").size();
      }
      n += m.original_message_id().size();
    }
  }
  benchmark::DoNotOptimize(n);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_ParseAndReadDsn)->Unit(benchmark::kMillisecond);

// Decoding every leaf part to UTF-8 (what a decoder pays when it asks).
void BM_DecodeAllText(benchmark::State& state) {
  const auto& messages = CorpusMessages();
  message::Message m;
  size_t n = 0;
  for (auto _ : state) {
    for (const std::string& raw : messages) {
      m.Parse(raw);
      for (const auto& p : m.parts()) {
        if (p.IsText()) n += m.DecodedText(p).size();
      }
    }
  }
  benchmark::DoNotOptimize(n);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_DecodeAllText)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rebound::bench
