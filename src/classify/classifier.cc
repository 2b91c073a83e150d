#include "classify/classifier.h"

#include <fstream>
#include <sstream>

#include "classify/rules.h"
#include "formats/util.h"
#include "formats/vocabulary.h"
#include "message/headers.h"

namespace rebound::classify {

using formats::Cause;

struct Classifier::Rules {
  RuleSet set;
};

namespace {

// Enough of a notification to hold its explanation, not a whole message.
constexpr size_t kMaxNotificationBytes = 2048;

// A status that names no cause ("5.0.0", "4.0.0"): the reporting MTA's
// summary, not the receiving server's word.
bool NamesNoCause(std::string_view status) { return status.size() == 5 && status.substr(1) == ".0.0"; }

Permanence PermanenceOf(const formats::Finding& f, std::string* why) {
  if (f.action == "delayed") {
    *why = "type: Action delayed";
    return Permanence::kDelayed;
  }
  if (f.retried && (f.status.empty() || f.status[0] != '5' || NamesNoCause(f.status))) {
    *why = "type: gave up after temporary failures";
    return Permanence::kTransient;
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

// The text rules see: the normalized diagnostic, then the failed command
// the way Postfix writes it (so that a rule can tell a refusal at RCPT from
// one after the message was sent), then the DSN's status.
std::string RuleText(const formats::Finding& f) {
  std::string text = NormalizeDiagnostic(f.diagnostic);
  std::string_view clause;
  if (f.command == "RCPT") {
    clause = " (in reply to rcpt to command)";
  } else if (f.command == "MAIL") {
    clause = " (in reply to mail from command)";
  } else if (f.command == "DATA") {
    clause = " (in reply to end of data command)";
  } else if (f.command == "EHLO" || f.command == "HELO") {
    clause = " (in reply to ehlo command)";
  } else if (f.command == "CONN") {
    clause = " (in reply to initial connection)";
  }
  if (!clause.empty() && text.find("(in reply to ") == std::string::npos) text += clause;
  // The status a DSN field gave, when the server's words do not hold it, so
  // that a provider's rule on its status codes applies either way.
  if (!f.status.empty() && text.find(f.status) == std::string::npos) text += " (status " + f.status + ")";
  return text;
}

// Causes that, said at the greeting (CONN, HELO, EHLO), only mean the
// sending host was refused.
bool RefusedClient(Cause c) {
  return c == Cause::kRejected || c == Cause::kFiltered || c == Cause::kSecurityError || c == Cause::kPolicyViolation ||
         c == Cause::kOnHold;
}

// Causes that, said in reply to MAIL FROM, only mean the sender was refused.
bool RefusedSender(Cause c) {
  return c == Cause::kSecurityError || c == Cause::kBadReputation || c == Cause::kPolicyViolation ||
         c == Cause::kFiltered || c == Cause::kOnHold || c == Cause::kUndefined || c == Cause::kUserUnknown;
}

}  // namespace

Classifier::Classifier(ClassifierOptions options, std::unique_ptr<Rules> rules)
    : options_(std::move(options)), rules_(std::move(rules)) {}
Classifier::~Classifier() = default;

std::unique_ptr<Classifier> Classifier::Create(const ClassifierOptions& options, std::string* error) {
  auto rules = std::make_unique<Rules>();
  if (!LoadRules(&rules->set, options.extra_rules, error)) return nullptr;
  // The database compiled at build time fits only the built-in rules.
  std::string_view precompiled = options.extra_rules.empty() ? PrecompiledRules() : std::string_view();
  if (!rules->set.Compile(error, precompiled)) return nullptr;
  return std::unique_ptr<Classifier>(new Classifier(options, std::move(rules)));
}

void Classifier::Judge(Verdict* v, const std::function<std::string_view()>& notification) const {
  formats::Finding& f = v->finding;
  const RuleSet& rules = rules_->set;
  v->evidence.reserve(v->evidence.size() + 4);  // what decided the cause, status and type: one allocation
  std::string type_why;
  if (f.action == "failed" && f.reply_code.starts_with('4') && f.status.starts_with('5') && NamesNoCause(f.status)) {
    // "Action: failed" and a 5.0.0 that names no cause over a temporary
    // last answer: the reporting MTA gave up retrying and reports the last
    // attempt's reply (RFC 3464 2.3.3), as Courier does.
    f.retried = true;
  }
  Permanence permanence = PermanenceOf(f, &type_why);
  if (permanence == Permanence::kDelayed && !f.diagnostic.empty()) {
    // "Action: delayed" over words that say the sender gave up (OpenSMTPD
    // writes its expiry that way): the text wins, the failure is final.
    if (std::string_view said = rules.GivenUp(NormalizeDiagnostic(f.diagnostic)); !said.empty()) {
      permanence = Permanence::kTransient;
      type_why = "type: Action delayed, but the text says the sender gave up: " + std::string(said);
      f.retried = true;
    }
  }
  bool sender_dmarc = false;
  if (f.cause != Cause::kUndefined) {
    v->cause = f.cause;
    v->evidence.push_back(f.cause_evidence.empty() ? "cause: format " + std::string(v->format) : f.cause_evidence);
  } else {
    std::string_view domain;
    if (size_t at = f.recipient.rfind('@'); at != std::string::npos)
      domain = std::string_view(f.recipient).substr(at + 1);
    RuleMatch match;
    bool found = false;
    if (!f.diagnostic.empty()) found = rules.Find(RuleText(f), f.remote_mta, domain, v->format, &match);
    const bool by_rule = found;
    if (!found && !f.status.empty()) {
      Cause c = rules.status().Lookup(f.status);
      if (c != Cause::kUndefined) {
        match.cause = c;
        match.evidence = "status " + f.status;
        found = true;
      }
    }
    std::string_view notification_text;
    // Nothing decided by the server's reply (or there is none): the
    // notice's own words come before any default ("onhold" is a default).
    if (!found && !f.local_mailer && (f.diagnostic.empty() || f.fallback == Cause::kUndefined)) {
      notification_text = notification();
    }
    if (!notification_text.empty()) {
      found = rules.Find(notification_text, f.remote_mta, domain, v->format, &match);
      if (found) {
        match.evidence += " in the notification text";
        // The reporting MTA's own words, not a reply at some SMTP stage.
        match.scoped = true;
      }
    }
    if (found && match.cause == Cause::kUserUnknown && !match.scoped) {
      // Words that say the user does not exist decide, whatever the SMTP
      // stage: a status that says otherwise gives way and the evidence says
      // so. Only "mailbox disabled" (X.2.1) says more than the words. RFC
      // 5321's generic "mailbox unavailable" (a `general` phrase) states
      // nothing: said after the message was sent, or with a status of
      // another cause, it is the recipient's filter refusing the message.
      const Cause by_status = rules.status().Lookup(f.status);
      if (by_status == Cause::kSuspend && f.command != "RCPT") {
        match.cause = Cause::kSuspend;  // "mailbox disabled" says more than the words
        match.evidence += "; status " + f.status + ": suspend";
      } else if (f.fallback == Cause::kUserUnknown) {
        match.evidence += "; " + f.fallback_evidence;  // the format itself says the mailbox is bad
      } else if (match.general &&
                 (by_status == Cause::kFiltered || (by_status != Cause::kUserUnknown && f.command != "RCPT"))) {
        match.cause = Cause::kFiltered;
        match.evidence += by_status == Cause::kFiltered ? "; status " + f.status + ": filtered"
                                                        : "; generic words not said at RCPT: filtered";
      } else if (by_status != Cause::kUndefined && by_status != Cause::kUserUnknown) {
        match.evidence += "; over status " + f.status + " (" + std::string(formats::CauseName(by_status)) +
                          "): the text says the user does not exist";
      }
    }
    const bool at_greeting = f.command == "CONN" || f.command == "HELO" || f.command == "EHLO";
    if (at_greeting && (!found || RefusedClient(match.cause))) {
      // Refused before any address was given: whatever the words, the
      // receiving server refuses the sending host.
      match.cause = Cause::kBlocked;
      match.evidence = "cause: refused at " + f.command + ": blocked";
      match.sender_dmarc = false;
      found = true;
    }
    if (f.command == "MAIL" && !by_rule && (!found || RefusedSender(match.cause))) {
      // Refused in reply to MAIL FROM with nothing more specific said: the
      // sender was rejected.
      found = true;
      match.evidence += "; at MAIL: rejected";
      match.cause = Cause::kRejected;
    }
    if (found) {
      v->cause = match.cause;
      sender_dmarc = match.sender_dmarc;
      v->evidence.push_back(match.evidence);
    } else if (f.fallback != Cause::kUndefined) {
      v->cause = f.fallback;
      v->evidence.push_back(f.fallback_evidence);
    } else if (f.local_mailer) {
      v->cause = Cause::kMailerError;  // a local program failed, nothing more said
      v->evidence.push_back("cause: local delivery program failed (X-Unix diagnostic)");
    } else if (f.action == "delayed") {
      v->cause = Cause::kExpired;  // still retrying: the delivery is late
      v->evidence.push_back("cause: Action delayed, no specific text");
    } else if (f.retried) {
      // A temporary failure that became final: the sender gave up retrying.
      v->cause = Cause::kExpired;
      v->evidence.push_back("cause: gave up after temporary failures");
    } else if (!f.diagnostic.empty()) {
      v->cause = Cause::kOnHold;  // the server explained, but nothing we know
      v->evidence.push_back("cause: diagnostic text matches no rule");
    }
  }
  if (v->cause == Cause::kDelivered && f.action == "failed") v->cause = Cause::kUndefined;
  TypeReason tr = Decide(v->cause, permanence, sender_dmarc);
  v->type = tr.type;
  v->reason = tr.reason;
  if (tr.type == BounceType::kNone) return;
  if (f.status.empty()) {
    const bool transient = permanence == Permanence::kTransient || permanence == Permanence::kDelayed;
    std::string_view pseudo = rules.PseudoStatus(v->cause, transient);
    if (!pseudo.empty()) {
      f.status = std::string(pseudo);
      v->evidence.push_back("status: none in the message; " + f.status + " stands for the cause");
    }
  }
  if (!type_why.empty()) v->evidence.push_back(type_why);
}

void Classifier::Classify(const message::Message& message, std::vector<Verdict>* out) const {
  const size_t first = out->size();
  ClassifyParsed(message, out);
  std::string send_id;
  if (const message::HeaderBlock* original = message.original_headers()) {
    send_id = std::string(original->Raw("X-Rebound-Send-Id"));
  }
  for (size_t i = first; i < out->size(); ++i) {
    (*out)[i].notes = message.notes();
    (*out)[i].original_send_id = send_id;
  }
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
  // The notification text is read once, and only if a finding needs it.
  std::string notification;
  bool notification_read = false;
  auto read_notification = [&]() -> std::string_view {
    if (!notification_read) {
      notification = NormalizeDiagnostic(formats::FirstTextBody(message).substr(0, kMaxNotificationBytes));
      notification_read = true;
    }
    return notification;
  };
  for (formats::Finding& f : report.findings) {
    Verdict v;
    v.finding = std::move(f);
    v.format = report.format;
    v.original_message_id = std::string(message.original_message_id());
    if (!report.evidence.empty()) v.evidence.push_back(report.evidence);
    Judge(&v, read_notification);
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
  Judge(&v, [] { return std::string_view(); });
  return v;
}

}  // namespace rebound::classify
