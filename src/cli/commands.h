// The `rebound` subcommands. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

#include "classify/classifier.h"

namespace rebound::cli {

enum class OutputFormat { kAuto, kJsonl, kHuman };

struct ClassifyArgs {
  std::vector<std::string> paths;
  bool mbox = false;
  OutputFormat format = OutputFormat::kAuto;
};
// Exit codes: 0 every input read, 1 some input unreadable.
int RunClassify(const classify::Classifier& classifier, const ClassifyArgs& args);

struct ClassifyReplyArgs {
  std::vector<std::string> replies;  // empty: read standard input, one per line
};
int RunClassifyReply(const classify::Classifier& classifier, const ClassifyReplyArgs& args);

struct EvalArgs {
  std::string corpus_dir;
  std::string filter;  // glob over label file paths, e.g. "*/rfc3464-*"
  size_t max_disagreements = 1000;
};
int RunEval(const classify::Classifier& classifier, const EvalArgs& args);

}  // namespace rebound::cli
