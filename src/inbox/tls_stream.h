// TLS for libetpan's streams with OpenSSL, checking the server's
// certificate chain and name. Debian's libetpan does TLS with GnuTLS and
// accepts any certificate: a man in the middle would read the user's
// password or token, so every TLS connection to a mailbox goes through
// this instead.
#pragma once

#include <libetpan/libetpan.h>

#include <string>

namespace rebound::inbox {

struct TlsOptions {
  std::string host;     // the name (or IP address) the certificate must carry
  std::string ca_file;  // PEM file of trusted CAs; empty: the system's
  bool verify = true;   // false only for tests that say so
  int timeout_seconds = 30;
};

// Performs the client handshake on the connected socket `fd` and returns a
// stream driver over it (owning fd), or null with *error set.
mailstream_low* OpenTls(int fd, const TlsOptions& options, std::string* error);

// True when `low` is one of ours and holds decrypted bytes not read yet
// (a wait on the socket alone would miss them).
bool TlsPending(mailstream_low* low);

}  // namespace rebound::inbox
