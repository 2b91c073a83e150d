#include "inbox/tls_stream.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>

namespace rebound::inbox {

namespace {

struct Tls {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  int timeout_ms = 30000;
};

std::string OpenSslError(const std::string& what) {
  std::string out = what;
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += std::string(": ") + buf;
  }
  return out;
}

// Waits until the socket is ready for what OpenSSL asked; false on timeout.
bool Wait(int fd, int ssl_error, int timeout_ms) {
  pollfd p{fd, static_cast<short>(ssl_error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN), 0};
  int r = 0;
  do {
    r = poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

Tls* Of(mailstream_low* s) { return static_cast<Tls*>(s->data); }

ssize_t Read(mailstream_low* s, void* buf, size_t count) {
  Tls* t = Of(s);
  while (true) {
    int n = SSL_read(t->ssl, buf, static_cast<int>(count));
    if (n > 0) return n;
    int e = SSL_get_error(t->ssl, n);
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || !Wait(t->fd, e, t->timeout_ms)) return -1;
  }
}

ssize_t Write(mailstream_low* s, const void* buf, size_t count) {
  Tls* t = Of(s);
  while (true) {
    int n = SSL_write(t->ssl, buf, static_cast<int>(count));
    if (n > 0) return n;
    int e = SSL_get_error(t->ssl, n);
    if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || !Wait(t->fd, e, t->timeout_ms)) return -1;
  }
}

void Destroy(Tls* t) {
  if (t->ssl != nullptr) SSL_free(t->ssl);
  if (t->ctx != nullptr) SSL_CTX_free(t->ctx);
  if (t->fd >= 0) close(t->fd);
  t->ssl = nullptr;
  t->ctx = nullptr;
  t->fd = -1;
}

int Close(mailstream_low* s) {
  Tls* t = Of(s);
  if (t->ssl != nullptr) SSL_shutdown(t->ssl);  // best effort: the peer may be gone
  Destroy(t);
  return 0;
}

int GetFd(mailstream_low* s) { return Of(s)->fd; }

void Free(mailstream_low* s) {
  Tls* t = Of(s);
  Destroy(t);
  delete t;
  free(s);
}

void Cancel(mailstream_low*) {}
struct mailstream_cancel* GetCancel(mailstream_low*) {
  return nullptr;
}
carray* CertificateChain(mailstream_low*) { return nullptr; }
int NoIdle(mailstream_low*) { return -1; }

mailstream_low_driver kDriver = {Read,   Write,  Close, GetFd, Free, Cancel, GetCancel, CertificateChain,
                                 NoIdle, NoIdle, NoIdle};

}  // namespace

bool TlsPending(mailstream_low* low) {
  return low != nullptr && low->driver == &kDriver && SSL_pending(Of(low)->ssl) > 0;
}

mailstream_low* OpenTls(int fd, const TlsOptions& options, std::string* error) {
  auto* t = new Tls;
  t->fd = fd;
  t->timeout_ms = options.timeout_seconds * 1000;
  auto fail = [&](const std::string& what) -> mailstream_low* {
    *error = OpenSslError(what);
    Destroy(t);
    delete t;
    return nullptr;
  };
  // Non-blocking, so that every read and write keeps to the timeout.
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return fail("cannot make the socket non-blocking");
  t->ctx = SSL_CTX_new(TLS_client_method());
  if (t->ctx == nullptr) return fail("cannot create a TLS context");
  SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
  if (options.verify) {
    int ok = options.ca_file.empty() ? SSL_CTX_set_default_verify_paths(t->ctx)
                                     : SSL_CTX_load_verify_locations(t->ctx, options.ca_file.c_str(), nullptr);
    if (ok != 1) return fail("cannot load the trusted certificates");
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, nullptr);
  }
  t->ssl = SSL_new(t->ctx);
  if (t->ssl == nullptr || SSL_set_fd(t->ssl, fd) != 1) return fail("cannot start TLS");
  unsigned char ip[16];
  const bool is_ip =
      inet_pton(AF_INET, options.host.c_str(), ip) == 1 || inet_pton(AF_INET6, options.host.c_str(), ip) == 1;
  if (!is_ip) SSL_set_tlsext_host_name(t->ssl, options.host.c_str());
  if (options.verify) {
    X509_VERIFY_PARAM* param = SSL_get0_param(t->ssl);
    int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, options.host.c_str())
                   : X509_VERIFY_PARAM_set1_host(param, options.host.c_str(), 0);
    if (ok != 1) return fail("cannot check the name " + options.host);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  while (true) {
    int r = SSL_connect(t->ssl);
    if (r == 1) break;
    int e = SSL_get_error(t->ssl, r);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || left.count() <= 0 ||
        !Wait(fd, e, static_cast<int>(left.count()))) {
      long verify = SSL_get_verify_result(t->ssl);
      if (verify != X509_V_OK) {
        return fail(std::string("TLS certificate of ") + options.host +
                    " not trusted: " + X509_verify_cert_error_string(verify));
      }
      return fail("TLS handshake with " + options.host + " failed");
    }
  }
  mailstream_low* s = mailstream_low_new(t, &kDriver);
  if (s == nullptr) return fail("out of memory");
  return s;
}

}  // namespace rebound::inbox
