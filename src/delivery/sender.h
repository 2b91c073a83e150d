// Marketing delivery: one message per recipient, each with its signed VERP
// return path, to a relay, to the domain's MX, or along a static route. Which
// sends an email has is the application's business (app/); this delivers
// them. The
// reply to every RCPT and to DATA is classified and applied at once:
// 2xx delivered, 5xx a final bounce (HARD or SOFT by the rules), 4xx or a
// connection failure PENDING with a retry at back-off, until 72 hours after
// the first attempt (then Policy::ExpirePending makes it SOFT).
//
// A Sender borrows its store, policy and classifier, and is used by one
// thread; it runs its SMTP connections on worker threads of its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "delivery/verp.h"
#include "policy/policy.h"
#include "store/store.h"

namespace rebound::delivery {

struct SenderOptions {
  std::string helo = "localhost";
  int timeout_seconds = 60;
  int concurrency_per_destination = 4;
  std::string relay;                                        // "host:port"; empty: MX, unless a route says
  std::vector<std::pair<std::string, std::string>> routes;  // domain -> "host:port"
  std::string message_id_domain = "localhost";
  std::string tls = "may";  // none | may | verify (see SmtpClient::Options)
};

struct SendReport {
  int64_t email_id = 0;
  int delivered = 0;
  int bounced = 0;  // final: HARD or SOFT
  int pending = 0;
  std::vector<std::pair<std::string, std::string>> not_sent;  // address, why
};

class Sender {
 public:
  Sender(store::Store* store, policy::Policy* policy, const classify::Classifier* classifier, const VerpSigner* signer,
         SenderOptions options)
      : store_(store), policy_(policy), classifier_(classifier), signer_(signer), options_(std::move(options)) {}

  // Delivers `sends` (queued, or PENDING and due) and applies every reply
  // in one durable transaction: the send's state, its attempt, and the
  // bounce each refusal is.
  bool Deliver(std::vector<store::Send> sends, SendReport* report, std::string* error);

  // Delivers the PENDING sends whose retry is due.
  bool RetryDue(SendReport* report, std::string* error);

  // Seconds to wait after the n-th failed attempt (1-based).
  static int64_t Backoff(int64_t attempts);

 private:
  store::Store* store_;
  policy::Policy* policy_;
  const classify::Classifier* classifier_;
  const VerpSigner* signer_;
  SenderOptions options_;
};

// One message to one recipient as Rebound sends it: our Message-ID and the
// X-Rebound-Send-Id that finds the send again from a returned original.
// `from` and `subject` are header values as they go out.
std::string ComposeMessage(const std::string& from, const store::Send& send, const std::string& subject,
                           const std::string& body, int64_t now);

// A refused SMTP reply (`line`, classified as `v`) as a record for the
// policy, of type `type`; a reply whose words say nothing gets OTHER when
// HARD, TEMPORARY_TECHNICAL otherwise. The caller names account, send and
// fingerprint.
policy::Incoming ReplyIncoming(const classify::Verdict& v, const std::string& line, classify::BounceType type);

// A new Message-ID (without angle brackets) in `domain`: 96 random bits.
std::string NewMessageId(const std::string& domain);

// The SMTP destination for a recipient domain: a static route, the relay,
// or the domain's best MX (the domain itself when it has none).
bool Destination(const SenderOptions& options, const std::string& domain, std::string* host, int* port,
                 std::string* error);

}  // namespace rebound::delivery
