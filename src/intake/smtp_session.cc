#include "intake/smtp_session.h"

#include <algorithm>
#include <cstdlib>

namespace rebound::intake {

namespace {

constexpr size_t kMaxCommandLine = 1000;  // RFC 5321 4.5.3.1.4, with CRLF

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    if (c != prefix[i]) return false;
  }
  return true;
}

std::string Reply(std::string_view text) { return std::string(text) + "\r\n"; }

}  // namespace

bool ParsePath(std::string_view argument, std::string* address, std::string* parameters) {
  while (!argument.empty() && argument.front() == ' ') argument.remove_prefix(1);
  if (argument.empty() || argument.front() != '<') return false;
  size_t close = argument.find('>');
  if (close == std::string_view::npos) return false;
  *address = std::string(argument.substr(1, close - 1));
  // Source routes ("@a,@b:user@host") are obsolete: keep the mailbox.
  if (!address->empty() && address->front() == '@') {
    size_t colon = address->find(':');
    if (colon == std::string::npos) return false;
    *address = address->substr(colon + 1);
  }
  std::string_view rest = argument.substr(close + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  *parameters = std::string(rest);
  return true;
}

SmtpSession::SmtpSession(Options options, RecipientCheck check)
    : options_(std::move(options)), check_(std::move(check)) {}

std::string SmtpSession::Greeting() const {
  return Reply("220 " + options_.hostname + (options_.lmtp ? " LMTP" : " ESMTP") + " Rebound bounce receiver");
}

void SmtpSession::ResetTransaction() {
  sender_.clear();
  recipients_.clear();
  data_.clear();
  too_big_ = false;
  if (state_ != State::kClosed && state_ != State::kGreeted) state_ = State::kReady;
}

std::string SmtpSession::OnLine(std::string_view line) {
  if (state_ == State::kData) {
    if (line == ".") {
      if (too_big_) {
        ResetTransaction();
        return Reply("552 5.3.4 Message too big for this receiver");
      }
      state_ = State::kStoring;
      return {};
    }
    if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // dot-stuffing
    if (too_big_ || data_.size() + line.size() + 2 > options_.max_message_bytes) {
      too_big_ = true;  // read on to the end, keeping nothing
      return {};
    }
    data_.append(line);
    data_.append("\r\n");
    return {};
  }
  if (state_ == State::kStoring || state_ == State::kClosed) return {};
  return Command(line);
}

std::string SmtpSession::Command(std::string_view line) {
  if (line.size() + 2 > kMaxCommandLine) return Reply("500 5.5.2 Line too long");
  std::string verb(line.substr(0, line.find(' ')));
  std::transform(verb.begin(), verb.end(), verb.begin(),
                 [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; });
  std::string_view argument = verb.size() < line.size() ? line.substr(verb.size() + 1) : std::string_view();

  if (verb == "QUIT") {
    state_ = State::kClosed;
    return Reply("221 2.0.0 Bye");
  }
  if (verb == "NOOP") return Reply("250 2.0.0 OK");
  if (verb == "RSET") {
    ResetTransaction();
    return Reply("250 2.0.0 OK");
  }
  if (verb == "VRFY") return Reply("252 2.5.2 Cannot VRFY user");
  if (verb == "HELP") return Reply("214 2.0.0 See RFC 5321");
  const bool hello = options_.lmtp ? verb == "LHLO" : (verb == "EHLO" || verb == "HELO");
  if (hello) {
    if (argument.empty()) return Reply("501 5.5.4 Syntax: " + verb + " hostname");
    ResetTransaction();
    state_ = State::kReady;
    if (verb == "HELO") return Reply("250 " + options_.hostname);
    return "250-" + options_.hostname + "\r\n250-PIPELINING\r\n250-SIZE " + std::to_string(options_.max_message_bytes) +
           "\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n";
  }
  if (verb == "EHLO" || verb == "HELO" || verb == "LHLO") {
    return Reply(std::string("500 5.5.1 ") + (options_.lmtp ? "This is LMTP: use LHLO" : "This is SMTP: use EHLO"));
  }
  if (verb == "STARTTLS") return Reply("454 4.7.0 TLS not available");
  if (verb == "MAIL") {
    if (state_ == State::kGreeted) return Reply("503 5.5.1 Say hello first");
    if (state_ != State::kReady) return Reply("503 5.5.1 Nested MAIL command");
    if (!StartsWithNoCase(argument, "FROM:")) return Reply("501 5.5.4 Syntax: MAIL FROM:<address>");
    std::string address;
    std::string parameters;
    if (!ParsePath(argument.substr(5), &address, &parameters)) return Reply("501 5.1.7 Bad sender address syntax");
    // SIZE=n declared up front: refuse at once what would be refused later.
    for (size_t p = 0; p < parameters.size();) {
      size_t end = parameters.find(' ', p);
      std::string_view param =
          std::string_view(parameters).substr(p, end == std::string::npos ? std::string::npos : end - p);
      if (StartsWithNoCase(param, "SIZE=")) {
        unsigned long long size = std::strtoull(std::string(param.substr(5)).c_str(), nullptr, 10);
        if (size > options_.max_message_bytes) return Reply("552 5.3.4 Message too big for this receiver");
      }
      if (end == std::string::npos) break;
      p = end + 1;
    }
    sender_ = address;
    state_ = State::kMail;
    return Reply("250 2.1.0 OK");
  }
  if (verb == "RCPT") {
    if (state_ != State::kMail) return Reply("503 5.5.1 Need MAIL before RCPT");
    if (!StartsWithNoCase(argument, "TO:")) return Reply("501 5.5.4 Syntax: RCPT TO:<address>");
    std::string address;
    std::string parameters;
    if (!ParsePath(argument.substr(3), &address, &parameters) || address.empty()) {
      return Reply("501 5.1.3 Bad recipient address syntax");
    }
    if (recipients_.size() >= options_.max_recipients) return Reply("452 4.5.3 Too many recipients");
    std::string refusal = check_(address);
    if (!refusal.empty()) return Reply(refusal);
    recipients_.push_back(address);
    return Reply("250 2.1.5 OK");
  }
  if (verb == "DATA") {
    if (state_ != State::kMail || recipients_.empty()) return Reply("503 5.5.1 Need RCPT before DATA");
    state_ = State::kData;
    data_.clear();
    return Reply("354 End data with <CR><LF>.<CR><LF>");
  }
  return Reply("500 5.5.1 Command unrecognized");
}

std::string SmtpSession::Finish(bool stored, std::string_view queue_id) {
  std::string one = stored ? "250 2.0.0 Stored as " + std::string(queue_id)
                           : std::string("451 4.3.0 Cannot store the message now; try again later");
  std::string out;
  const size_t replies = options_.lmtp ? recipients_.size() : 1;  // LMTP: one per recipient
  for (size_t i = 0; i < replies; ++i) out += Reply(one);
  ResetTransaction();
  return out;
}

}  // namespace rebound::intake
