// The classifier over parsed messages, and synchronous replies.
#include <benchmark/benchmark.h>

#include "classify/classifier.h"
#include "corpus.h"

namespace rebound::bench {
namespace {

const classify::Classifier& TheClassifier() {
  static std::unique_ptr<classify::Classifier> c = [] {
    std::string error;
    return classify::Classifier::Create({}, &error);
  }();
  return *c;
}

void BM_ClassifyCorpus(benchmark::State& state) {
  const auto& messages = CorpusMessages();
  const classify::Classifier& c = TheClassifier();
  message::Message m;
  std::vector<classify::Verdict> verdicts;
  for (auto _ : state) {
    for (const std::string& raw : messages) {
      m.Parse(raw);
      verdicts.clear();
      c.Classify(m, &verdicts);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * CorpusBytes()));
}
BENCHMARK(BM_ClassifyCorpus)->Unit(benchmark::kMillisecond);

void BM_ClassifyReply(benchmark::State& state) {
  static const char* kReplies[] = {
      "550 5.1.1 <jane@example.org>: Recipient address rejected: User unknown in virtual mailbox table",
      "452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to "
      "https://support.google.com/mail/?p=OverQuotaTemp",
      "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user "
      "complaints",
      "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
      "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy",
      "250 2.0.0 Ok: queued as 4F1A2B3C4D"};
  const classify::Classifier& c = TheClassifier();
  size_t i = 0;
  for (auto _ : state) {
    classify::Verdict v = c.ClassifyReply(kReplies[i++ % 6]);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ClassifyReply);

}  // namespace
}  // namespace rebound::bench

namespace rebound::bench {
namespace {

// The phrase database over a long notification text (the fallback path).
void BM_ClassifyReplyLongText(benchmark::State& state) {
  std::string text = "550 5.1.1 ";
  while (text.size() < static_cast<size_t>(state.range(0))) {
    text +=
        "This is the mail system at host mx.example.org. I'm sorry to have to inform you that your message "
        "could not be delivered to one or more recipients. ";
  }
  const classify::Classifier& c = TheClassifier();
  for (auto _ : state) {
    classify::Verdict v = c.ClassifyReply(text);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ClassifyReplyLongText)->Arg(128)->Arg(2048);

}  // namespace
}  // namespace rebound::bench

#include "formats/prefilter.h"

namespace rebound::bench {
namespace {

// The format prefilter alone (main text decoding included).
void BM_FormatCandidates(benchmark::State& state) {
  const auto& messages = CorpusMessages();
  std::vector<std::unique_ptr<message::Message>> parsed;
  for (const std::string& raw : messages) {
    parsed.push_back(std::make_unique<message::Message>());
    parsed.back()->Parse(raw);
    (void)parsed.back()->MainText();
  }
  size_t n = 0;
  for (auto _ : state) {
    for (const auto& m : parsed) n += formats::Candidates(*m).count();
  }
  benchmark::DoNotOptimize(n);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * messages.size()));
}
BENCHMARK(BM_FormatCandidates)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rebound::bench
