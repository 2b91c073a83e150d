#include <unistd.h>

#include <cstdio>
#include <string>

#include "app/verdict_output.h"
#include "cli/commands.h"
#include "message/reader.h"

namespace rebound::cli {

using app::AppendHuman;
using app::AppendJson;
using app::AppendReplyJson;

int RunClassify(const classify::Classifier& classifier, const ClassifyArgs& args) {
  bool human =
      args.format == OutputFormat::kHuman || (args.format == OutputFormat::kAuto && isatty(STDOUT_FILENO) == 1);
  message::ReadOptions read_options;
  read_options.force_mbox = args.mbox;
  read_options.max_message_bytes = classifier.options().limits.max_message_bytes;

  message::Message message;
  std::vector<classify::Verdict> verdicts;
  std::string out;
  out.reserve(1 << 17);
  auto flush = [&] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  auto on_message = [&](std::string_view name, std::string_view bytes) {
    message.Parse(bytes, classifier.options().limits);
    verdicts.clear();
    classifier.Classify(message, &verdicts);
    for (const classify::Verdict& v : verdicts) {
      if (human) {
        AppendHuman(v, name, &out);
      } else {
        AppendJson(v, name, &out);
        out.push_back('\n');
      }
    }
    if (out.size() >= (1 << 16)) flush();
  };
  auto on_error = [&](std::string_view name, std::string_view error) {
    flush();
    std::fflush(stdout);
    std::fprintf(stderr, "rebound: cannot read %.*s: %.*s\n", static_cast<int>(name.size()), name.data(),
                 static_cast<int>(error.size()), error.data());
  };
  bool ok = true;
  for (const std::string& path : args.paths) {
    ok = message::ReadMessages(path, read_options, on_message, on_error) && ok;
  }
  flush();
  std::fflush(stdout);
  return ok ? 0 : 1;
}

int RunClassifyReply(const classify::Classifier& classifier, const ClassifyReplyArgs& args) {
  std::string out;
  auto one = [&](std::string_view reply) {
    while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r')) reply.remove_suffix(1);
    if (reply.empty()) return;
    classify::Verdict v = classifier.ClassifyReply(reply);
    AppendReplyJson(v, reply, &out);
    out.push_back('\n');
    if (out.size() >= (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  };
  if (!args.replies.empty()) {
    for (const std::string& r : args.replies) one(r);
  } else {
    char* line = nullptr;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) >= 0) one(std::string_view(line, static_cast<size_t>(n)));
    free(line);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace rebound::cli
