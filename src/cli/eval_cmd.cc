// `rebound eval`: agreement of the classifier with a labelled corpus
// (labels.jsonl, the layout of shared/corpus).
#include <fnmatch.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "classify/verdict.h"
#include "cli/commands.h"
#include "message/reader.h"

namespace rebound::cli {

namespace {

struct Label {
  std::string file;
  int index = 1;
  std::string format;
  std::string cause;  // "" for null
  std::string status;
  bool has_status = true;  // see where it is read
  std::string reply_code;
  std::string type;    // "" unless the label states it (the lab's labels do)
  std::string reason;  // likewise; "-" for a null reason
  bool has_recipient = false;
  std::string recipient;
  bool not_a_bounce = false;
};

struct Tally {
  int total = 0;
  int cause = 0;
  int status = 0;
  int status_total = 0;
  int recipient_total = 0;
  int recipient = 0;
  int type = 0;
  int reason = 0;
};

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// The type and reason a label means: stated by the label, or derived from
// its cause and status with PRODUCT.md section 3's table (Decide). A label
// cannot say "Action: delayed", so a derived SOFT also accepts PENDING
// (PENDING is a SOFT still being retried: same reason); and it cannot say
// whether an authfailure was the sender domain's own DMARC policy, so a
// derived authfailure accepts either row of the table.
struct Expected {
  std::vector<std::pair<std::string, std::string>> accepted;  // (type, reason)
};

Expected ExpectedOf(const Label& l) {
  Expected e;
  if (!l.type.empty()) {
    e.accepted.emplace_back(l.type, l.reason == "-" ? "" : l.reason);
    return e;
  }
  if (l.not_a_bounce || l.cause.empty()) {
    e.accepted.emplace_back("NONE", "");
    return e;
  }
  formats::Cause cause = formats::Cause::kUndefined;
  formats::ParseCause(l.cause, &cause);
  classify::Permanence permanence = classify::Permanence::kUnknown;
  char cls = !l.status.empty() ? l.status[0] : !l.reply_code.empty() ? l.reply_code[0] : '\0';
  if (cls == '5') permanence = classify::Permanence::kPermanent;
  if (cls == '4') permanence = classify::Permanence::kTransient;
  for (bool dmarc : {false, true}) {
    if (dmarc && cause != formats::Cause::kAuthFailure) break;
    classify::TypeReason tr = classify::Decide(cause, permanence, dmarc);
    std::string type(classify::TypeName(tr.type));
    std::string reason(classify::ReasonName(tr.reason));
    e.accepted.emplace_back(type, reason);
    if (type == "SOFT") e.accepted.emplace_back("PENDING", reason);
  }
  return e;
}

std::string Pct(int n, int d) { return d == 0 ? std::string("-") : fmt::format("{:.2f}%", 100.0 * n / d); }

}  // namespace

int RunEval(const classify::Classifier& classifier, const EvalArgs& args) {
  std::string labels_path = args.corpus_dir + "/labels.jsonl";
  std::ifstream in(labels_path);
  if (!in) {
    std::fprintf(stderr, "rebound: cannot read %s\n", labels_path.c_str());
    return 1;
  }
  std::vector<Label> labels;
  int unknown_recipients = 0;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      std::fprintf(stderr, "rebound: %s:%d: not a JSON object; skipped\n", labels_path.c_str(), line_no);
      continue;
    }
    Label l;
    l.file = Str(j, "file");
    if (j.contains("index") && j["index"].is_number_integer()) l.index = j["index"].get<int>();
    l.format = Str(j, "format");
    l.cause = Str(j, "cause");
    l.status = Str(j, "status");
    l.reply_code = Str(j, "reply_code");
    l.type = Str(j, "type");
    if (!l.type.empty()) l.reason = j.contains("reason") && j["reason"].is_string() ? Str(j, "reason") : "-";
    // A label that states its type and leaves the status out (the lab's:
    // the status is the server's to choose) is not counted for status.
    l.has_status = j.contains("status") || l.type.empty();
    l.has_recipient = j.contains("recipient") && j["recipient"].is_string();
    l.recipient = Str(j, "recipient");
    // A placeholder in the reserved .invalid TLD (RFC 2606) is how the
    // labelling analyzer says it found no recipient: nothing to compare.
    if (l.has_recipient && l.recipient.ends_with(".invalid")) {
      l.has_recipient = false;
      ++unknown_recipients;
    }
    l.not_a_bounce = j.value("not_a_bounce", false);
    if (!args.filter.empty() && fnmatch(args.filter.c_str(), l.file.c_str(), 0) != 0) continue;
    labels.push_back(std::move(l));
  }

  // Documented corrections (docs/classification.md): where a label's
  // analyzer and the message disagree, the message's truth replaces the
  // label's fields, and the report says how many were replaced.
  int corrected = 0;
  if (!args.corrections.empty()) {
    std::ifstream cin(args.corrections);
    if (!cin) {
      std::fprintf(stderr, "rebound: cannot read %s\n", args.corrections.c_str());
      return 1;
    }
    while (std::getline(cin, line)) {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) continue;
      for (Label& l : labels) {
        if (l.file != Str(j, "file") || l.index != j.value("index", 1)) continue;
        if (j.contains("cause")) l.cause = Str(j, "cause");
        if (j.contains("status")) l.status = Str(j, "status");
        if (j.contains("recipient")) {
          l.recipient = Str(j, "recipient");
          l.has_recipient = true;
        }
        if (j.contains("type")) {
          l.type = Str(j, "type");
          l.reason = j.contains("reason") && j["reason"].is_string() ? Str(j, "reason") : "-";
        }
        if (j.contains("not_a_bounce")) l.not_a_bounce = j.value("not_a_bounce", false);
        ++corrected;
      }
    }
  }

  // Classify each labelled file once; records of all its messages in order.
  std::map<std::string, std::vector<classify::Verdict>> results;
  message::Message message;
  message::ReadOptions read_options;
  read_options.max_message_bytes = classifier.options().limits.max_message_bytes;
  for (const Label& l : labels) {
    if (results.count(l.file)) continue;
    std::vector<classify::Verdict>& verdicts = results[l.file];
    message::ReadMessages(
        args.corpus_dir + "/" + l.file, read_options,
        [&](std::string_view, std::string_view bytes) {
          message.Parse(bytes, classifier.options().limits);
          classifier.Classify(message, &verdicts);
        },
        [&](std::string_view name, std::string_view error) {
          std::fprintf(stderr, "rebound: cannot read %.*s: %.*s\n", static_cast<int>(name.size()), name.data(),
                       static_cast<int>(error.size()), error.data());
        });
  }

  Tally all;
  std::map<std::string, Tally> by_format;
  std::map<std::pair<std::string, std::string>, int> confusion;
  std::vector<std::string> disagreements;
  for (const Label& l : labels) {
    const std::vector<classify::Verdict>& verdicts = results[l.file];
    const classify::Verdict* v =
        (l.index >= 1 && static_cast<size_t>(l.index) <= verdicts.size()) ? &verdicts[l.index - 1] : nullptr;
    std::string got_cause = "(missing)";
    std::string got_status;
    std::string got_recipient;
    std::string got_type = "(missing)";
    std::string got_reason;
    bool cause_ok = false;
    if (v != nullptr) {
      got_cause = v->type == classify::BounceType::kNone && v->cause == formats::Cause::kUndefined
                      ? "(none)"
                      : std::string(formats::CauseName(v->cause));
      got_status = v->finding.status;
      got_recipient = v->finding.recipient;
      got_type = std::string(classify::TypeName(v->type));
      got_reason = std::string(classify::ReasonName(v->reason));
    }
    const Expected expected = ExpectedOf(l);
    bool type_ok = false;
    bool reason_ok = false;
    for (const auto& [type, reason] : expected.accepted) {
      type_ok = type_ok || type == got_type;
      reason_ok = reason_ok || reason == got_reason;
    }
    std::string want_cause = l.not_a_bounce || l.cause.empty() ? "(none)" : l.cause;
    if (l.not_a_bounce) {
      cause_ok = v != nullptr && v->type == classify::BounceType::kNone && v->cause != formats::Cause::kFeedback;
    } else {
      cause_ok = got_cause == want_cause;
    }
    bool status_ok = !l.has_status || (v != nullptr && got_status == l.status);
    bool recipient_ok = !l.has_recipient || (v != nullptr && got_recipient == l.recipient);
    std::string fmt_name = l.format.empty() ? "(none)" : l.format;
    for (Tally* t : {&all, &by_format[fmt_name]}) {
      ++t->total;
      t->cause += cause_ok;
      if (l.has_status) {
        ++t->status_total;
        t->status += status_ok;
      }
      t->type += type_ok;
      t->reason += reason_ok;
      if (l.has_recipient) {
        ++t->recipient_total;
        t->recipient += recipient_ok;
      }
    }
    ++confusion[{want_cause, cause_ok ? want_cause : got_cause}];
    if (!cause_ok || !status_ok || !recipient_ok || !type_ok || !reason_ok) {
      std::string d = fmt::format("{}#{}:", l.file, l.index);
      if (!cause_ok) d += fmt::format(" cause {} got {};", want_cause, got_cause);
      if (!status_ok) {
        d += fmt::format(" status {} got {};", l.status.empty() ? "null" : l.status,
                         got_status.empty() ? "null" : got_status);
      }
      if (!recipient_ok) {
        d += fmt::format(" recipient {} got {};", l.recipient, got_recipient.empty() ? "null" : got_recipient);
      }
      if (!type_ok || !reason_ok) {
        const auto& [type, reason] = expected.accepted.front();
        d += fmt::format(" type/reason {}/{} got {}/{};", type, reason.empty() ? "null" : reason, got_type,
                         got_reason.empty() ? "null" : got_reason);
      }
      disagreements.push_back(std::move(d));
    }
  }

  std::string out;
  out += fmt::format("labelled records: {}  files: {}\n", all.total, results.size());
  if (!args.corrections.empty()) {
    out += fmt::format("  ({} labels replaced by documented corrections from {})\n", corrected, args.corrections);
  }
  out += fmt::format("cause agreement:     {:>5}/{:<5} {}\n", all.cause, all.total, Pct(all.cause, all.total));
  out += fmt::format("status agreement:    {:>5}/{:<5} {}\n", all.status, all.status_total,
                     Pct(all.status, all.status_total));
  out += fmt::format("recipient agreement: {:>5}/{:<5} {}\n", all.recipient, all.recipient_total,
                     Pct(all.recipient, all.recipient_total));
  out += fmt::format("type agreement:      {:>5}/{:<5} {}\n", all.type, all.total, Pct(all.type, all.total));
  out += fmt::format("reason agreement:    {:>5}/{:<5} {}\n", all.reason, all.total, Pct(all.reason, all.total));
  out += "  (type and reason: the label's own, or derived from its cause and status with PRODUCT.md section 3)\n";
  if (unknown_recipients > 0) {
    out += fmt::format("  ({} labels name no recipient, only a .invalid placeholder: not counted for recipient)\n",
                       unknown_recipients);
  }
  out += "\nper format:\n";
  out += fmt::format("  {:<22} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "format", "records", "cause", "status",
                     "recipient", "type", "reason");
  for (const auto& [name, t] : by_format) {
    out += fmt::format("  {:<22} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}\n", name, t.total, Pct(t.cause, t.total),
                       Pct(t.status, t.status_total), Pct(t.recipient, t.recipient_total), Pct(t.type, t.total),
                       Pct(t.reason, t.total));
  }
  out += "\ncause confusion (expected -> got: count):\n";
  for (const auto& [pair, n] : confusion) {
    out += fmt::format("  {:<16} -> {:<16} {}\n", pair.first, pair.second, n);
  }
  out += fmt::format("\ndisagreements ({}):\n", disagreements.size());
  for (size_t i = 0; i < disagreements.size() && i < args.max_disagreements; ++i) {
    out += "  " + disagreements[i] + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace rebound::cli
