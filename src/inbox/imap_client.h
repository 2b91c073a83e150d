// A read-only IMAP client over libetpan: the few commands a watcher of a
// mailbox needs, nothing that changes it. Folders are opened with EXAMINE
// and messages read with BODY.PEEK[], so that no flag (\Seen included)
// changes; there is no STORE, COPY, MOVE or EXPUNGE here to call.
//
// One object is one connection, used by one thread; every network wait
// has the timeout of the options. TLS goes through inbox/tls_stream.h,
// which checks the server's certificate.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rebound::inbox {

struct ImapOptions {
  std::string host;
  int port = 993;
  std::string tls = "tls";  // tls (implicit, 993) | starttls (143)
  std::string ca_file;      // empty: the system's CAs
  bool verify = true;
  int timeout_seconds = 30;
};

// What went wrong, so that a watcher knows whether to retry soon (network),
// later and tell the user (auth), or report a server it cannot work with.
enum class ImapError { kNone, kNetwork, kAuth, kProtocol };

struct FolderStatus {
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 0;
  uint32_t exists = 0;
};

class ImapClient {
 public:
  explicit ImapClient(ImapOptions options);
  ~ImapClient();
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  bool Connect();
  bool Login(const std::string& user, const std::string& password);
  // SASL XOAUTH2 with an access token (Gmail, Office 365, Dovecot's oauth2).
  bool LoginOauth2(const std::string& user, const std::string& access_token);

  bool HasIdle() const;
  // The folder holding what the server filed as junk: the one LIST marks
  // \Junk (RFC 6154), else one of the usual names; empty when none.
  bool FindJunk(std::string* name);

  // Opens `folder` read-only.
  bool Examine(const std::string& folder, FolderStatus* out);
  // STATUS of a folder other than the open one.
  bool Status(const std::string& folder, FolderStatus* out);
  // UIDs in the open folder above `after`, ascending.
  bool UidsAfter(uint32_t after, std::vector<uint32_t>* out);
  // UIDs in the open folder of messages received on or after the day of
  // `since` (seconds since the epoch), ascending.
  bool UidsSince(int64_t since, std::vector<uint32_t>* out);
  // The whole message of each UID, in order, without setting \Seen.
  bool Fetch(const std::vector<uint32_t>& uids, const std::function<void(uint32_t uid, const std::string& raw)>& each);

  // IDLE (RFC 2177): start, wait on fd() until it is readable (or
  // pending() is true), then IdleDone() and read what came.
  bool IdleStart();
  int fd() const;
  bool pending() const;  // bytes already buffered that IDLE's wait would miss
  bool IdleDone();
  bool Noop();
  void Logout();

  ImapError error_kind() const { return error_kind_; }
  const std::string& error() const { return error_; }

 private:
  bool Fail(int code, const std::string& what);
  void ReadCapabilities();

  ImapOptions options_;
  struct Session;
  std::unique_ptr<Session> s_;
  ImapError error_kind_ = ImapError::kNone;
  std::string error_;
};

}  // namespace rebound::inbox
