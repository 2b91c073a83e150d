// The JSON lines of `rebound classify`: every verdict of the corpus written
// as one record each, as the command writes them.
#include <benchmark/benchmark.h>

#include <memory>

#include "app/verdict_output.h"
#include "classify/classifier.h"
#include "corpus.h"

namespace rebound::bench {
namespace {

void BM_JsonRecords(benchmark::State& state) {
  std::string error;
  const std::unique_ptr<classify::Classifier> classifier = classify::Classifier::Create({}, &error);
  std::vector<classify::Verdict> verdicts;
  message::Message m;
  for (const std::string& raw : CorpusMessages()) {
    m.Parse(raw);
    classifier->Classify(m, &verdicts);  // appends
  }
  const std::string file = "/var/spool/bounces/new/1700000000.M1P2.mx.example.org";
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (const classify::Verdict& v : verdicts) {
      app::AppendJson(v, file, &out);
      out.push_back('\n');
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * verdicts.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_JsonRecords)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rebound::bench
