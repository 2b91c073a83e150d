// An SMTP client connection (RFC 5321) that reports the server's reply to
// every RCPT and to DATA, which is what bounce handling needs and what
// libcurl does not tell. Standalone asio, one connection per object, used
// by one thread; every step has a timeout. With PIPELINING the envelope
// (MAIL, RCPT..., DATA) goes out in one write.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace rebound::delivery {

struct Reply {
  int code = 0;              // 250, 550, ...; 0 when the connection failed
  std::string text;          // all lines joined by blanks, without the codes
  std::string Line() const;  // "550 5.1.1 ..." as one line
};

// One message to deliver: envelope and the bytes of the message.
struct Envelope {
  std::string mail_from;
  std::vector<std::string> recipients;
  std::string data;  // the message, any line endings; sent as CRLF, dot-stuffed
};

struct TransactionResult {
  Reply mail;
  std::vector<Reply> rcpt;  // one per recipient, in order
  Reply data;               // the final reply to the message (code 0 when not reached)
};

class SmtpClient {
 public:
  // STARTTLS when the server offers it: "none" never, "may" without
  // checking the certificate (opportunistic, as MTAs do between MXs; a
  // failed handshake falls back to a new plain connection), "verify" with
  // the system's CAs and the host name (a failure ends the attempt).
  // "require" is "verify" that also refuses a server offering no
  // STARTTLS: submission with credentials never goes in the clear.
  enum class Tls { kNone, kMay, kVerify, kRequire };
  struct Options {
    std::string helo = "localhost";
    std::chrono::seconds timeout{60};
    Tls tls = Tls::kMay;
    bool implicit_tls = false;  // TLS from the first byte (submissions, port 465)
    std::string ca_file;        // trusted CAs for verify/require; empty: the system's
  };
  explicit SmtpClient(Options options);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Connects to host:port, reads the greeting and says EHLO (HELO when
  // EHLO is refused). On failure returns the reply that ended it (code 0
  // for network errors, with the reason in text).
  Reply Connect(const std::string& host, int port);

  // SMTP AUTH (RFC 4954) with PLAIN (a password) or XOAUTH2 (an OAuth 2.0
  // access token). Refused without TLS: credentials never go in the clear.
  enum class Auth { kPlain, kXoauth2 };
  Reply Authenticate(Auth mechanism, const std::string& user, const std::string& secret);

  // One mail transaction on the open connection. The connection stays
  // usable for the next one unless connected() turns false.
  TransactionResult Send(const Envelope& envelope);

  void Quit();
  bool connected() const;
  bool encrypted() const;  // the session runs over TLS
  bool pipelining() const;
  size_t max_size() const;  // SIZE the server announced; 0 when none
  bool offers_auth(const std::string& mechanism) const;

 private:
  Reply ConnectOnce(const std::string& host, int port, bool starttls);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// CRLF line endings and leading-dot stuffing for the DATA phase.
std::string DotStuff(const std::string& message);

}  // namespace rebound::delivery
