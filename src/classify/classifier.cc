#include "classify/classifier.h"

#include <fstream>
#include <sstream>

#include "classify/status_table.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::rules {
std::string_view File(std::string_view name);  // embedded rules/ (generated)
}

namespace rebound::classify {

using formats::Cause;

struct Classifier::Rules {
  StatusTable status;
};

namespace {

bool ReadWholeFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read rule file " + path;
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

Permanence PermanenceOf(const formats::Finding& f, std::string* why) {
  if (f.action == "delayed") {
    *why = "type: Action delayed";
    return Permanence::kDelayed;
  }
  if (!f.status.empty() && (f.status[0] == '5' || f.status[0] == '4')) {
    *why = "type: status " + f.status;
    return f.status[0] == '5' ? Permanence::kPermanent : Permanence::kTransient;
  }
  if (!f.reply_code.empty() && (f.reply_code[0] == '5' || f.reply_code[0] == '4')) {
    *why = "type: reply " + f.reply_code;
    return f.reply_code[0] == '5' ? Permanence::kPermanent : Permanence::kTransient;
  }
  if (f.action == "failed") {
    *why = "type: Action failed";
    return Permanence::kPermanent;
  }
  return Permanence::kUnknown;
}

}  // namespace

Classifier::Classifier(ClassifierOptions options, std::unique_ptr<Rules> rules)
    : options_(std::move(options)), rules_(std::move(rules)) {}
Classifier::~Classifier() = default;

std::unique_ptr<Classifier> Classifier::Create(const ClassifierOptions& options, std::string* error) {
  auto rules = std::make_unique<Rules>();
  if (!rules->status.Load(rebound::rules::File("status.tsv"), "rules/status.tsv", error)) return nullptr;
  if (!options.extra_status_rules.empty()) {
    std::string text;
    if (!ReadWholeFile(options.extra_status_rules, &text, error)) return nullptr;
    if (!rules->status.Load(text, options.extra_status_rules, error)) return nullptr;
  }
  return std::unique_ptr<Classifier>(new Classifier(options, std::move(rules)));
}

void Classifier::Judge(Verdict* v) const {
  formats::Finding& f = v->finding;
  std::string type_why;
  Permanence permanence = PermanenceOf(f, &type_why);
  if (f.cause != Cause::kUndefined) {
    v->cause = f.cause;
    v->evidence.push_back(f.cause_evidence.empty() ? "cause: format " + std::string(v->format) : f.cause_evidence);
  } else if (!f.status.empty()) {
    Cause c = rules_->status.Lookup(f.status);
    if (c != Cause::kUndefined) {
      v->cause = c;
      v->evidence.push_back("status " + f.status);
    }
  }
  if (v->cause == Cause::kDelivered && f.action == "failed") v->cause = Cause::kUndefined;
  TypeReason tr = Decide(v->cause, permanence, false);
  v->type = tr.type;
  v->reason = tr.reason;
  if (!type_why.empty() && tr.type != BounceType::kNone) v->evidence.push_back(type_why);
}

void Classifier::Classify(const message::Message& message, std::vector<Verdict>* out) const {
  const size_t first = out->size();
  ClassifyParsed(message, out);
  for (size_t i = first; i < out->size(); ++i) (*out)[i].notes = message.notes();
}

void Classifier::ClassifyParsed(const message::Message& message, std::vector<Verdict>* out) const {
  if (message.is_empty() || message.headers().empty()) {
    Verdict v;
    v.format = "unknown";
    v.error =
        message.is_empty() ? "empty input: no header fields and no body" : "no header fields: not an RFC 5322 message";
    out->push_back(std::move(v));
    return;
  }
  formats::Report report;
  if (!formats::Decode(message, &report) || report.findings.empty()) {
    Verdict v;
    v.format = report.format.empty() ? std::string_view("unknown") : report.format;
    v.original_message_id = std::string(message.original_message_id());
    v.evidence.push_back("no bounce format recognised");
    out->push_back(std::move(v));
    return;
  }
  for (formats::Finding& f : report.findings) {
    Verdict v;
    v.finding = std::move(f);
    v.format = report.format;
    v.original_message_id = std::string(message.original_message_id());
    if (!report.evidence.empty()) v.evidence.push_back(report.evidence);
    Judge(&v);
    out->push_back(std::move(v));
  }
}

std::vector<Verdict> Classifier::ClassifyBytes(std::string_view raw) const {
  thread_local message::Message message;
  message.Parse(raw, options_.limits);
  std::vector<Verdict> out;
  Classify(message, &out);
  return out;
}

Verdict Classifier::ClassifyReply(std::string_view reply) const {
  Verdict v;
  v.format = "smtp";
  v.finding.diagnostic = message::Unfold(reply);
  v.finding.reply_code = std::string(formats::LeadingReplyCode(v.finding.diagnostic));
  formats::FillCodesFromDiagnostic(&v.finding);
  if (v.finding.reply_code.empty() && v.finding.status.empty()) {
    v.evidence.push_back("no reply code");
  }
  if (!v.finding.reply_code.empty() && v.finding.reply_code[0] == '2') {
    v.cause = Cause::kDelivered;
    v.evidence.push_back("reply " + v.finding.reply_code);
    return v;
  }
  if (v.finding.reply_code.empty() && v.finding.status.empty()) {
    v.finding.action = "failed";
  }
  Judge(&v);
  return v;
}

}  // namespace rebound::classify
