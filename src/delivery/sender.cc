#include "delivery/sender.h"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include <spdlog/spdlog.h>

#include "delivery/smtp_client.h"

namespace rebound::delivery {

namespace {

struct Job {
  store::Send send;
  std::string verp;
  std::string data;
};

struct Outcome {
  Reply rcpt;
  Reply data;
};

bool SplitHostPort(const std::string& s, std::string* host, int* port) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos) {
    *host = s;
    *port = 25;
    return !s.empty();
  }
  *host = s.substr(0, colon);
  char* end = nullptr;
  const long port_number = std::strtol(s.c_str() + colon + 1, &end, 10);
  *port = port_number > 0 && port_number < 65536 && *end == '\0' ? static_cast<int>(port_number) : 0;
  return !host->empty() && *port > 0;
}

std::string Domain(const std::string& address) {
  size_t at = address.rfind('@');
  return at == std::string::npos ? std::string() : address.substr(at + 1);
}

std::string RfcDate(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[64];
  strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string RandomHex(size_t bytes) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    auto b = static_cast<unsigned>(rng() & 0xFF);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string BuildMessage(const store::Email& email, const store::Send& send, int64_t now) {
  return ComposeMessage(email.from, send, email.subject, email.body, now);
}

}  // namespace

std::string ComposeMessage(const std::string& from, const store::Send& send, const std::string& subject,
                           const std::string& body, int64_t now) {
  std::string m;
  m += "From: " + from + "\r\n";
  m += "To: <" + send.address + ">\r\n";
  m += "Subject: " + subject + "\r\n";
  m += "Date: " + RfcDate(now) + "\r\n";
  m += "Message-ID: <" + send.message_id + ">\r\n";
  // Correlates a returned original with its send when the return path
  // was lost on the way back.
  m += "X-Rebound-Send-Id: " + std::to_string(send.id) + "\r\n";
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  m += body;
  return m;
}

policy::Incoming ReplyIncoming(const classify::Verdict& v, const std::string& line, classify::BounceType type) {
  policy::Incoming in;
  in.type = type;
  in.reason = v.reason;
  if (in.reason == classify::Reason::kNone) {
    in.reason = type == classify::BounceType::kHard ? classify::Reason::kOther : classify::Reason::kTemporaryTechnical;
  }
  in.cause = v.cause;
  in.status = v.finding.status;
  in.reply_code = v.finding.reply_code;
  in.diagnostic = line;
  in.format = "smtp";
  in.evidence = nlohmann::json(v.evidence).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  in.raw = line;
  return in;
}

bool Destination(const SenderOptions& options, const std::string& domain, std::string* host, int* port,
                 std::string* error) {
  for (const auto& [d, target] : options.routes) {
    if (d == domain) return SplitHostPort(target, host, port) || (*error = "bad route " + target, false);
  }
  if (!options.relay.empty()) return SplitHostPort(options.relay, host, port) || (*error = "bad relay", false);
  // The best MX; without MX records, the domain itself (RFC 5321 5.1).
  unsigned char answer[4096];
  struct __res_state state {};
  if (res_ninit(&state) != 0) {
    *error = "cannot initialise the resolver";
    return false;
  }
  int n = res_nquery(&state, domain.c_str(), ns_c_in, ns_t_mx, answer, sizeof(answer));
  std::string best = domain;
  int best_pref = 1 << 30;
  ns_msg msg;
  if (n > 0 && ns_initparse(answer, n, &msg) == 0) {
    for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
      ns_rr rr;
      if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_mx) continue;
      int pref = ns_get16(ns_rr_rdata(rr));
      char name[NS_MAXDNAME];
      if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), ns_rr_rdata(rr) + 2, name, sizeof(name)) < 0) continue;
      if (pref < best_pref) {
        best_pref = pref;
        best = name;
      }
    }
  }
  res_nclose(&state);
  if (best == ".") {
    *error = domain + " has a null MX: it accepts no mail";
    return false;
  }
  *host = best;
  *port = 25;
  return true;
}

int64_t Sender::Backoff(int64_t attempts) {
  // 5 minutes, doubling, at most 4 hours between attempts.
  constexpr int64_t kMax = int64_t{4} * 3600;
  int64_t delay = 300;
  for (int64_t i = 1; i < attempts && delay < kMax; ++i) delay *= 2;
  return std::min<int64_t>(delay, kMax);
}

std::string NewMessageId(const std::string& domain) { return RandomHex(12) + "@" + domain; }

bool Sender::RetryDue(SendReport* report, std::string* error) {
  std::vector<store::Send> due;
  const int64_t now = policy_->Now();
  if (!store_->DueSends(now, now - policy_->settings().pending_expiry, 10000, &due, error)) return false;
  return Deliver(std::move(due), report, error);
}

bool Sender::Deliver(std::vector<store::Send> sends, SendReport* report, std::string* error) {
  const int64_t now = policy_->Now();
  // Build the messages (one email may serve many sends).
  std::map<int64_t, store::Email> emails;
  std::map<std::string, std::vector<size_t>> by_domain;
  std::vector<Job> jobs;
  jobs.reserve(sends.size());
  for (store::Send& s : sends) {
    if (!emails.count(s.email_id)) {
      bool found = false;
      if (!store_->FindEmail(s.email_id, &emails[s.email_id], &found, error)) return false;
    }
    Job job;
    job.verp = signer_->Address(static_cast<uint64_t>(s.id));
    job.data = BuildMessage(emails[s.email_id], s, now);
    job.send = std::move(s);
    by_domain[Domain(job.send.address)].push_back(jobs.size());
    jobs.push_back(std::move(job));
  }
  std::vector<Outcome> outcomes(jobs.size());
  // Per destination, up to N connections, each reused for many messages.
  std::vector<std::thread> workers;
  for (auto& [domain, indexes] : by_domain) {
    std::string host;
    int port = 25;
    std::string route_error;
    if (!Destination(options_, domain, &host, &port, &route_error)) {
      spdlog::warn("no destination for {}: {}", domain, route_error);
      for (size_t i : indexes) outcomes[i].rcpt = Reply{0, route_error};
      continue;
    }
    auto next = std::make_shared<std::atomic<size_t>>(0);
    const int n = std::max(1, std::min<int>(options_.concurrency_per_destination, static_cast<int>(indexes.size())));
    for (int w = 0; w < n; ++w) {
      workers.emplace_back([&, host, port, next, list = &indexes] {
        SmtpClient::Options o;
        o.helo = options_.helo;
        o.timeout = std::chrono::seconds(options_.timeout_seconds);
        o.tls = options_.tls == "none"     ? SmtpClient::Tls::kNone
                : options_.tls == "verify" ? SmtpClient::Tls::kVerify
                                           : SmtpClient::Tls::kMay;
        std::unique_ptr<SmtpClient> client;
        while (true) {
          size_t k = next->fetch_add(1);
          if (k >= list->size()) break;
          Job& job = jobs[(*list)[k]];
          Outcome& out = outcomes[(*list)[k]];
          if (!client || !client->connected()) {
            client = std::make_unique<SmtpClient>(o);
            Reply hello = client->Connect(host, port);
            if (!client->connected()) {
              out.rcpt = hello;  // a refused connection or greeting: temporary unless 5xx
              continue;
            }
          }
          TransactionResult r = client->Send(Envelope{job.verp, {job.send.address}, job.data});
          out.rcpt = r.rcpt.empty() ? r.mail : r.rcpt[0];
          if (r.mail.code / 100 != 2) out.rcpt = r.mail;
          out.data = r.data;
        }
        if (client) client->Quit();
      });
    }
  }
  for (std::thread& t : workers) t.join();
  for (size_t i = 0; i < jobs.size(); ++i) {
    const Outcome& o = outcomes[i];
    if (o.rcpt.code / 100 != 2 || o.data.code / 100 != 2) {
      spdlog::debug("send {} to {}: {}", jobs[i].send.id, jobs[i].send.address,
                    (o.rcpt.code / 100 == 2 ? o.data : o.rcpt).Line());
    }
  }

  // Apply every outcome in one durable transaction.
  std::vector<policy::Incoming> bounces;
  if (!store_->Begin(error)) return false;
  for (size_t i = 0; i < jobs.size(); ++i) {
    store::Send& s = jobs[i].send;
    const Outcome& o = outcomes[i];
    const Reply& decisive = o.rcpt.code / 100 == 2 ? o.data : o.rcpt;
    const bool accepted = o.rcpt.code / 100 == 2 && o.data.code / 100 == 2;
    ++s.attempts;
    const bool first = s.first_attempt_at == 0;
    if (first) s.first_attempt_at = now;
    if (!store_->UpdateSend(s, error) || (first && !policy_->NoteSent(s, error))) {
      store_->Rollback();
      return false;
    }
    std::string line = decisive.Line();
    if (accepted) {
      ++report->delivered;
      if (!store_->RecordAttempt(s.id, now, line, "DELIVERED", "", error) ||
          !policy_->RecordDelivery(s.account_id, s.address, s.id, error)) {
        store_->Rollback();
        return false;
      }
      continue;
    }
    classify::Verdict v = classifier_->ClassifyReply(line);
    if (decisive.code == 0) {
      // No reply at all (DNS, connection, timeout): a temporary technical
      // failure on the way, whatever the words.
      v.cause = formats::Cause::kNetworkError;
      v.reason = classify::Reason::kTemporaryTechnical;
      v.evidence = {"no SMTP reply: " + line};
    }
    const bool final = decisive.code / 100 == 5;
    policy::Incoming in =
        ReplyIncoming(v, line,
                      final ? (v.type == classify::BounceType::kNone ? classify::BounceType::kHard : v.type)
                            : classify::BounceType::kPending);
    in.account_id = s.account_id;
    in.send_id = s.id;
    in.address = s.address;
    in.fingerprint_salt = "send " + std::to_string(s.id) + " attempt " + std::to_string(s.attempts);
    if (!store_->RecordAttempt(s.id, now, line, std::string(classify::TypeName(in.type)),
                               std::string(classify::ReasonName(in.reason)), error)) {
      store_->Rollback();
      return false;
    }
    if (final) {
      ++report->bounced;
    } else {
      ++report->pending;
      s.state = "pending";
      s.reason = std::string(classify::ReasonName(in.reason));
      s.last_reply = line;
      s.next_attempt_at = now + Backoff(s.attempts);
      if (!store_->UpdateSend(s, error)) {
        store_->Rollback();
        return false;
      }
    }
    bounces.push_back(std::move(in));
  }
  if (!store_->Commit(error)) {
    store_->Rollback();
    return false;
  }
  if (bounces.empty()) return true;
  std::vector<policy::Outcome> applied;
  std::vector<std::string> errors;
  return policy_->ApplyBatch(bounces, &applied, &errors, error);
}

}  // namespace rebound::delivery
