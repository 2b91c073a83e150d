// The public classification API: bytes or a parsed message in, one verdict
// per bounced recipient out. Delivery, intake and the CLI all call this.
//
// Create() loads the built-in rules (embedded from rules/ at build time) and
// an optional user rule file whose rules win over the built-in ones. After
// Create(), a Classifier is immutable and every method is safe to call from
// many threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "classify/verdict.h"
#include "message/message.h"

namespace rebound::classify {

struct ClassifierOptions {
  // A file of extra rules (status, phrase or provider lines, see
  // rules/README.md) that win over the built-in ones.
  std::string extra_rules;
  message::Limits limits;
};

class Classifier {
 public:
  // nullptr, with `error` set, when a rule file cannot be read or parsed.
  static std::unique_ptr<Classifier> Create(const ClassifierOptions& options, std::string* error);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // Appends to `out` one verdict per bounced recipient of `message`, or a
  // single verdict of type NONE for a message that is not a bounce (or one
  // with `error` set when it holds nothing readable).
  void Classify(const message::Message& message, std::vector<Verdict>* out) const;

  // Parses `raw` with the configured limits, then Classify.
  std::vector<Verdict> ClassifyBytes(std::string_view raw) const;

  // Classifies one synchronous SMTP reply, e.g. "550 5.1.1 <a@b>: User
  // unknown" (multi-line replies joined by blanks).
  Verdict ClassifyReply(std::string_view reply) const;

  const ClassifierOptions& options() const { return options_; }

 private:
  struct Rules;
  Classifier(ClassifierOptions options, std::unique_ptr<Rules> rules);
  void ClassifyParsed(const message::Message& message, std::vector<Verdict>* out) const;
  // Decides cause, type and reason of one finding; `notification` gives the
  // human-readable text, normalized. It is called only when the finding has
  // no diagnostic and neither the format nor the status decided.
  void Judge(Verdict* v, const std::function<std::string_view()>& notification) const;

  ClassifierOptions options_;
  std::unique_ptr<Rules> rules_;
};

}  // namespace rebound::classify
