// Fuzzes the message layer and the classifier behind it: any bytes must
// parse without a crash, a hang or unbounded memory, and every view the
// Message hands out must stay inside its buffers.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "classify/classifier.h"
#include "message/message.h"

namespace {

const rebound::classify::Classifier& TheClassifier() {
  static std::unique_ptr<rebound::classify::Classifier> c = [] {
    std::string error;
    rebound::classify::ClassifierOptions options;
    options.limits.max_mime_depth = 12;
    return rebound::classify::Classifier::Create(options, &error);
  }();
  return *c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  rebound::message::Message m;
  m.Parse(raw);
  for (const auto& part : m.parts()) {
    std::string text = m.DecodedText(part);
    (void)text;
  }
  for (const auto& group : m.delivery_status().recipients) (void)group.Text("Diagnostic-Code");
  (void)m.headers().Text("Subject");
  std::vector<rebound::classify::Verdict> verdicts;
  TheClassifier().Classify(m, &verdicts);
  (void)TheClassifier().ClassifyReply(raw.substr(0, 512));
  return 0;
}
