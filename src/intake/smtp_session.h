// The server side of one SMTP (RFC 5321) or LMTP (RFC 2033) conversation,
// as a state machine over lines. It owns no socket, so that it is tested
// line by line and the network code around it stays small.
//
// The receiver accepts a bounce only for recipients the RecipientCheck
// accepts (signed VERP addresses), and answers the end of DATA only after
// the caller has stored the message durably: OnLine() sets message_ready(),
// the caller stores message() and calls Finish() for the final reply.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace rebound::intake {

class SmtpSession {
 public:
  struct Options {
    bool lmtp = false;
    std::string hostname = "localhost";
    size_t max_message_bytes = 10u << 20;
    size_t max_recipients = 100;
  };
  // Empty: the recipient is accepted. Else the full reply to refuse it,
  // e.g. "550 5.1.1 <x@y>: unknown or unsigned address".
  using RecipientCheck = std::function<std::string(std::string_view address)>;

  SmtpSession(Options options, RecipientCheck check);

  // The 220 greeting, CRLF included.
  std::string Greeting() const;

  // Feeds one line without its CRLF; returns the replies to send (CRLF
  // included; empty while reading message data).
  std::string OnLine(std::string_view line);

  // After the end of DATA: the message is complete and must be stored.
  bool message_ready() const { return state_ == State::kStoring; }
  const std::string& message() const { return data_; }
  const std::string& sender() const { return sender_; }
  const std::vector<std::string>& recipients() const { return recipients_; }

  // The reply to the end of DATA once the message was stored (`stored`) or
  // could not be (a temporary failure: the sender will retry). One line per
  // recipient in LMTP. Resets for the next transaction.
  std::string Finish(bool stored, std::string_view queue_id);

  bool closed() const { return state_ == State::kClosed; }

 private:
  enum class State { kGreeted, kReady, kMail, kData, kStoring, kClosed };
  std::string Command(std::string_view line);
  void ResetTransaction();

  Options options_;
  RecipientCheck check_;
  State state_ = State::kGreeted;
  std::string sender_;
  std::vector<std::string> recipients_;
  std::string data_;
  bool too_big_ = false;
};

// The address inside "<...>" of a MAIL FROM or RCPT TO argument, and the
// parameters after it; false when the argument is malformed.
bool ParsePath(std::string_view argument, std::string* address, std::string* parameters);

}  // namespace rebound::intake
