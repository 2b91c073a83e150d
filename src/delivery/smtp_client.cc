#include "delivery/smtp_client.h"

#include <openssl/evp.h>

#include <asio.hpp>
#include <asio/ssl.hpp>

namespace rebound::delivery {

std::string Reply::Line() const {
  if (code == 0) return text;
  return std::to_string(code) + (text.empty() ? "" : " " + text);
}

std::string DotStuff(const std::string& message) {
  std::string out;
  out.reserve(message.size() + message.size() / 50 + 8);
  bool line_start = true;
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (line_start && c == '.') out.push_back('.');
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < message.size() && message[i + 1] == '\n') ++i;
      line_start = true;
      continue;
    }
    if (c == '\n') {
      out += "\r\n";
      line_start = true;
      continue;
    }
    out.push_back(c);
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  return out;
}

struct SmtpClient::Impl {
  Options options;
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  std::unique_ptr<asio::ssl::context> tls_context;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls;  // after STARTTLS
  asio::streambuf input;
  bool connected = false;
  bool offers_starttls = false;
  bool tls_failed = false;

  bool pipelining = false;
  size_t max_size = 0;
  std::string auth;  // the mechanisms EHLO announced, upper case, blank separated

  // Runs one asynchronous operation to completion or to the timeout, after
  // which the socket is closed (the pattern for blocking calls with a
  // deadline on asio).
  template <typename Start>
  asio::error_code Run(Start start) {
    asio::error_code result = asio::error::would_block;
    start(result);
    io.restart();
    io.run_for(options.timeout);
    if (!io.stopped()) {
      asio::error_code ignored;
      socket.close(ignored);
      io.run();
      result = asio::error::timed_out;
    }
    return result;
  }

  Reply Fail(const std::string& what, const asio::error_code& ec) {
    connected = false;
    asio::error_code ignored;
    socket.close(ignored);
    Reply r;
    r.text = what + ": " + (ec == asio::error::timed_out ? std::string("timed out") : ec.message());
    return r;
  }

  bool Write(const std::string& text, Reply* error) {
    asio::error_code ec = Run([&](asio::error_code& out) {
      auto done = [&out](const asio::error_code& e, size_t) { out = e; };
      if (tls) {
        asio::async_write(*tls, asio::buffer(text), done);
      } else {
        asio::async_write(socket, asio::buffer(text), done);
      }
    });
    if (ec) {
      *error = Fail("write failed", ec);
      return false;
    }
    return true;
  }

  // Reads one reply, multi-line included ("250-...", "250 ...").
  Reply Read() {
    Reply reply;
    while (true) {
      asio::error_code ec = Run([&](asio::error_code& out) {
        auto done = [&out](const asio::error_code& e, size_t) { out = e; };
        if (tls) {
          asio::async_read_until(*tls, input, '\n', done);
        } else {
          asio::async_read_until(socket, input, '\n', done);
        }
      });
      if (ec) return Fail("no reply", ec);
      std::istream in(&input);
      std::string line;
      std::getline(in, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() < 3 || !isdigit(static_cast<unsigned char>(line[0])) ||
          !isdigit(static_cast<unsigned char>(line[1])) || !isdigit(static_cast<unsigned char>(line[2]))) {
        Reply bad = Fail("malformed reply", asio::error::invalid_argument);
        bad.text += " \"" + line.substr(0, 100) + "\"";
        return bad;
      }
      reply.code = std::stoi(line.substr(0, 3));
      std::string text = line.size() > 4 ? line.substr(4) : "";
      if (!text.empty()) reply.text += (reply.text.empty() ? "" : " ") + text;
      if (line.size() < 4 || line[3] != '-') return reply;
    }
  }

  void ParseExtensions(const std::string& ehlo_text) {
    // The EHLO reply's lines were joined by blanks: look for the keywords.
    std::string upper = ehlo_text;
    for (char& c : upper) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
    pipelining = upper.find("PIPELINING") != std::string::npos;
    offers_starttls = upper.find("STARTTLS") != std::string::npos;
    size_t size = upper.find("SIZE ");
    if (size != std::string::npos) max_size = std::strtoull(upper.c_str() + size + 5, nullptr, 10);
    // The lines were joined: the mechanisms run to the end, followed by
    // the keywords of later lines, which no mechanism is named like.
    size_t at = upper.find("AUTH ");
    auth = at == std::string::npos ? std::string() : " " + upper.substr(at + 5) + " ";
  }

  // TLS on the connected socket, checking the certificate unless "may".
  asio::error_code Handshake(const std::string& host) {
    tls_context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket, *tls_context);
    if (options.tls == Tls::kVerify || options.tls == Tls::kRequire) {
      if (options.ca_file.empty()) {
        tls_context->set_default_verify_paths();
      } else {
        asio::error_code ignored;
        tls_context->load_verify_file(options.ca_file, ignored);
      }
      tls->set_verify_mode(asio::ssl::verify_peer);
      tls->set_verify_callback(asio::ssl::host_name_verification(host));
    } else {
      tls->set_verify_mode(asio::ssl::verify_none);
    }
    SSL_set_tlsext_host_name(tls->native_handle(), host.c_str());
    return Run([&](asio::error_code& out) {
      tls->async_handshake(asio::ssl::stream_base::client, [&out](const asio::error_code& e) { out = e; });
    });
  }
};

SmtpClient::SmtpClient(Options options) : impl_(std::make_unique<Impl>()) { impl_->options = std::move(options); }
SmtpClient::~SmtpClient() = default;

bool SmtpClient::connected() const { return impl_->connected; }
bool SmtpClient::encrypted() const { return impl_->tls != nullptr; }
bool SmtpClient::pipelining() const { return impl_->pipelining; }
bool SmtpClient::offers_auth(const std::string& mechanism) const {
  std::string m = mechanism;
  for (char& c : m) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return impl_->auth.find(" " + m + " ") != std::string::npos;
}
size_t SmtpClient::max_size() const { return impl_->max_size; }

Reply SmtpClient::Connect(const std::string& host, int port) {
  Reply r = ConnectOnce(host, port, impl_->options.tls != Tls::kNone);
  if (!impl_->connected && impl_->options.tls == Tls::kMay && impl_->tls_failed) {
    // Opportunistic TLS failed: deliver in the clear on a new connection.
    Options options = impl_->options;
    impl_ = std::make_unique<Impl>();
    impl_->options = options;
    r = ConnectOnce(host, port, false);
  }
  return r;
}

Reply SmtpClient::ConnectOnce(const std::string& host, int port, bool starttls) {
  Impl& d = *impl_;
  asio::ip::tcp::resolver resolver(d.io);
  asio::error_code ec;
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return d.Fail("cannot resolve " + host, ec);
  ec = d.Run([&](asio::error_code& out) {
    asio::async_connect(d.socket, endpoints, [&out](const asio::error_code& e, const auto&) { out = e; });
  });
  if (ec) return d.Fail("cannot connect to " + host + ":" + std::to_string(port), ec);
  d.connected = true;
  if (d.options.implicit_tls) {
    ec = d.Handshake(host);
    if (ec) {
      d.tls.reset();
      return d.Fail("TLS handshake with " + host + " failed", ec);
    }
    starttls = false;
  }
  Reply greeting = d.Read();
  if (greeting.code != 220) {
    d.connected = false;
    return greeting;
  }
  Reply error;
  if (!d.Write("EHLO " + d.options.helo + "\r\n", &error)) return error;
  Reply hello = d.Read();
  if (hello.code >= 500 && hello.code < 600) {
    if (!d.Write("HELO " + d.options.helo + "\r\n", &error)) return error;
    hello = d.Read();
  } else if (hello.code == 250) {
    d.ParseExtensions(hello.text);
  }
  if (hello.code != 250) {
    d.connected = false;
    return hello;
  }
  if (starttls && !d.offers_starttls && d.options.tls == Tls::kRequire) {
    d.connected = false;
    d.Write("QUIT\r\n", &error);
    return Reply{0, host + " offers no STARTTLS, and TLS is required"};
  }
  if (!starttls || !d.offers_starttls) return hello;
  if (!d.Write("STARTTLS\r\n", &error)) return error;
  Reply go = d.Read();
  if (go.code != 220) {
    if (d.options.tls == Tls::kVerify || d.options.tls == Tls::kRequire) {
      d.connected = false;
      return go;
    }
    return hello;  // refused: go on in the clear on this connection
  }
  ec = d.Handshake(host);
  if (ec) {
    d.tls_failed = true;
    d.tls.reset();
    return d.Fail("TLS handshake with " + host + " failed", ec);
  }
  d.input.consume(d.input.size());  // nothing read in the clear may be used after STARTTLS
  if (!d.Write("EHLO " + d.options.helo + "\r\n", &error)) return error;
  hello = d.Read();
  if (hello.code != 250) {
    d.connected = false;
    return hello;
  }
  d.ParseExtensions(hello.text);
  return hello;
}

namespace {

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

Reply SmtpClient::Authenticate(Auth mechanism, const std::string& user, const std::string& secret) {
  Impl& d = *impl_;
  if (!d.tls) return Reply{0, "no TLS: credentials are not sent in the clear"};
  Reply error;
  std::string initial;
  std::string name;
  if (mechanism == Auth::kPlain) {
    name = "PLAIN";
    initial = Base64(std::string(1, '\0') + user + std::string(1, '\0') + secret);
  } else {
    name = "XOAUTH2";
    // "\x01" "auth": a hex escape would swallow the a.
    initial = Base64("user=" + user +
                     "\x01"
                     "auth=Bearer " +
                     secret + "\x01\x01");
  }
  if (!d.Write("AUTH " + name + " " + initial + "\r\n", &error)) return error;
  Reply r = d.Read();
  if (r.code == 334) {
    // XOAUTH2 says why it failed in a challenge; an empty answer ends it.
    if (!d.Write("\r\n", &error)) return error;
    r = d.Read();
  }
  return r;
}

TransactionResult SmtpClient::Send(const Envelope& envelope) {
  Impl& d = *impl_;
  TransactionResult result;
  result.rcpt.resize(envelope.recipients.size());
  std::string mail = "MAIL FROM:<" + envelope.mail_from + ">";
  if (d.max_size > 0) mail += " SIZE=" + std::to_string(envelope.data.size());
  mail += "\r\n";
  Reply error;
  auto fail_all = [&](const Reply& r) {
    if (result.mail.code == 0) result.mail = r;
    for (Reply& x : result.rcpt) {
      if (x.code == 0) x = r;
    }
    result.data = r;
    return result;
  };
  if (d.pipelining) {
    // The whole envelope in one write; replies come back in order.
    std::string batch = mail;
    for (const std::string& r : envelope.recipients) batch += "RCPT TO:<" + r + ">\r\n";
    batch += "DATA\r\n";
    if (!d.Write(batch, &error)) return fail_all(error);
    result.mail = d.Read();
    for (Reply& r : result.rcpt) r = d.Read();
    Reply data_go = d.Read();
    if (!d.connected) return fail_all(data_go);
    bool any = false;
    for (const Reply& r : result.rcpt) any = any || r.code / 100 == 2;
    if (result.mail.code / 100 != 2 || !any || data_go.code != 354) {
      // Nothing to send: end the transaction cleanly.
      if (data_go.code == 354) {
        if (!d.Write(".\r\n", &error)) return fail_all(error);
        d.Read();
      }
      if (d.Write("RSET\r\n", &error)) d.Read();
      if (result.mail.code / 100 != 2) return fail_all(result.mail);
      result.data = data_go.code == 354 || !any ? Reply{} : data_go;
      return result;
    }
  } else {
    if (!d.Write(mail, &error)) return fail_all(error);
    result.mail = d.Read();
    if (result.mail.code / 100 != 2) {
      if (d.connected && d.Write("RSET\r\n", &error)) d.Read();
      return fail_all(result.mail);
    }
    bool any = false;
    for (size_t i = 0; i < envelope.recipients.size(); ++i) {
      if (!d.Write("RCPT TO:<" + envelope.recipients[i] + ">\r\n", &error)) return fail_all(error);
      result.rcpt[i] = d.Read();
      if (!d.connected) return fail_all(result.rcpt[i]);
      any = any || result.rcpt[i].code / 100 == 2;
    }
    if (!any) {
      if (d.Write("RSET\r\n", &error)) d.Read();
      return result;
    }
    if (!d.Write("DATA\r\n", &error)) return fail_all(error);
    Reply go = d.Read();
    if (go.code != 354) {
      result.data = go;
      if (d.connected && d.Write("RSET\r\n", &error)) d.Read();
      return result;
    }
  }
  if (!d.Write(DotStuff(envelope.data) + ".\r\n", &error)) {
    result.data = error;
    return result;
  }
  result.data = d.Read();
  return result;
}

void SmtpClient::Quit() {
  Impl& d = *impl_;
  if (!d.connected) return;
  Reply error;
  if (d.Write("QUIT\r\n", &error)) d.Read();
  d.connected = false;
  asio::error_code ignored;
  d.socket.close(ignored);
}

}  // namespace rebound::delivery
