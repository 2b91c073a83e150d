#include "intake/receiver.h"

#include <asio.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "intake/smtp_session.h"
#include "policy/policy.h"
#include "store/store.h"

namespace rebound::intake {

namespace {

constexpr size_t kMaxLine = 1u << 20;  // longer lines end the connection

// A finished message waiting for its durable commit.
struct StoreJob {
  std::string mail_from;
  std::vector<std::pair<std::string, uint64_t>> recipients;  // address, send id
  std::string raw;
  std::function<void(bool stored, std::string queue_id)> done;  // runs on the network thread
};

}  // namespace

struct Receiver::Impl {
  ReceiverOptions options;
  delivery::VerpSigner signer;
  Stats stats;

  asio::io_context io;
  asio::ip::tcp::acceptor acceptor{io};
  std::atomic<int> open_connections{0};

  std::unique_ptr<store::Store> store;  // the writer thread's
  std::thread writer;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<StoreJob> jobs;
  bool stopping = false;

  Impl(ReceiverOptions o, delivery::VerpSigner s) : options(std::move(o)), signer(std::move(s)) {}

  void Accept();
  void Submit(StoreJob job) {
    {
      std::lock_guard<std::mutex> lock(mu);
      jobs.push_back(std::move(job));
    }
    cv.notify_one();
  }
  void WriterLoop();
};

namespace {

// One client connection: reads lines, feeds the session, writes replies in
// order. Reading pauses while a message is being stored, so that pipelined
// commands after the final "." wait for its answer.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, Receiver::Impl* receiver)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        receiver_(receiver),
        input_(kMaxLine),
        session_(MakeOptions(receiver), [receiver](std::string_view address) {
          uint64_t send_id = 0;
          if (receiver->signer.Verify(address, &send_id)) return std::string();
          ++receiver->stats.refused_recipients;
          return "550 5.1.1 <" + std::string(address) + ">: not a return path of this domain";
        }) {}

  void Start(bool over_limit) {
    if (over_limit) {
      Write("421 4.3.2 Too many connections, try again later\r\n");
      closing_ = true;
      return;
    }
    Write(session_.Greeting());
    Read();
  }

 private:
  static SmtpSession::Options MakeOptions(Receiver::Impl* r) {
    SmtpSession::Options o;
    o.lmtp = r->options.lmtp;
    o.hostname = r->options.hostname;
    o.max_message_bytes = r->options.max_message_bytes;
    return o;
  }

  void ArmTimer() {
    timer_.expires_after(std::chrono::seconds(receiver_->options.timeout_seconds));
    timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (ec) return;  // cancelled: activity
      self->Write("421 4.4.2 Timeout, closing connection\r\n");
      self->closing_ = true;
    });
  }

  void Read() {
    ArmTimer();
    asio::async_read_until(socket_, input_, '\n', [self = shared_from_this()](const asio::error_code& ec, size_t) {
      self->timer_.cancel();
      if (ec == asio::error::not_found) {
        self->Write("500 5.5.2 Line too long\r\n");
        self->closing_ = true;
        return;
      }
      if (ec) return self->Close();
      self->Drain();
    });
  }

  // Handles every complete line already read, then reads on.
  void Drain() {
    while (!session_.closed() && !session_.message_ready()) {
      const char* data = static_cast<const char*>(input_.data().data());
      std::string_view buffered(data, input_.size());
      size_t nl = buffered.find('\n');
      if (nl == std::string_view::npos) break;
      std::string_view line = buffered.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      std::string reply = session_.OnLine(line);
      input_.consume(nl + 1);
      if (!reply.empty()) Write(reply);
    }
    if (session_.closed()) {
      closing_ = true;
      if (!writing_) Close();
      return;
    }
    if (session_.message_ready()) return Store();
    Read();
  }

  void Store() {
    StoreJob job;
    job.mail_from = session_.sender();
    for (const std::string& r : session_.recipients()) {
      uint64_t send_id = 0;
      receiver_->signer.Verify(r, &send_id);
      job.recipients.emplace_back(r, send_id);
    }
    job.raw = session_.message();
    job.done = [self = shared_from_this()](bool stored, const std::string& queue_id) {
      self->Write(self->session_.Finish(stored, queue_id));
      self->Drain();
    };
    receiver_->Submit(std::move(job));
  }

  void Write(const std::string& text) {
    pending_ += text;
    if (!writing_) Flush();
  }

  void Flush() {
    if (pending_.empty()) {
      writing_ = false;
      if (closing_) Close();
      return;
    }
    writing_ = true;
    out_ = std::move(pending_);
    pending_.clear();
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](const asio::error_code& ec, size_t) {
      if (ec) return self->Close();
      self->Flush();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    asio::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    --receiver_->open_connections;
  }

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  Receiver::Impl* receiver_;
  asio::streambuf input_;
  SmtpSession session_;
  std::string pending_;
  std::string out_;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace

void Receiver::Impl::Accept() {
  acceptor.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (acceptor.is_open()) Accept();
      return;
    }
    ++stats.connections;
    const bool over_limit = open_connections.load() >= options.max_connections;
    ++open_connections;
    std::make_shared<Connection>(std::move(socket), this)->Start(over_limit);
    Accept();
  });
}

void Receiver::Impl::WriterLoop() {
  policy::Clock clock = policy::SystemClock();
  while (true) {
    std::deque<StoreJob> batch;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [this] { return stopping || !jobs.empty(); });
      if (jobs.empty() && stopping) return;
      batch.swap(jobs);
    }
    // Group commit: every message that finished meanwhile, one fsync.
    std::string error;
    std::vector<std::string> ids(batch.size());
    bool ok = store->Begin(&error);
    for (size_t i = 0; ok && i < batch.size(); ++i) {
      for (const auto& [rcpt, send_id] : batch[i].recipients) {
        int64_t id = 0;
        ok = store->InsertInbound(batch[i].mail_from, rcpt, static_cast<int64_t>(send_id), batch[i].raw, clock(), &id,
                                  &error);
        if (!ok) break;
        if (ids[i].empty()) ids[i] = "in" + std::to_string(id);
      }
    }
    ok = ok && store->Commit(&error);
    if (!ok) {
      store->Rollback();
      spdlog::error("cannot store {} received messages (answered 451): {}", batch.size(), error);
    } else {
      stats.stored += batch.size();
      spdlog::debug("stored {} messages in one commit", batch.size());
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      asio::post(io, [done = std::move(batch[i].done), ok, id = ids[i]]() { done(ok, id); });
    }
    if (ok && options.on_stored) options.on_stored();
  }
}

Receiver::Receiver(ReceiverOptions options, delivery::VerpSigner signer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(signer))) {}

Receiver::~Receiver() {
  Stop();
  if (impl_->writer.joinable()) impl_->writer.join();
}

bool Receiver::Start(std::string* error) {
  impl_->store = store::Store::Open(impl_->options.database, error);
  if (!impl_->store) return false;
  if (impl_->options.on_stored) impl_->options.on_stored();
  const std::string& listen = impl_->options.listen;
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    *error = "listen address \"" + listen + "\" is not host:port";
    return false;
  }
  asio::error_code ec;
  asio::ip::address host = asio::ip::make_address(listen.substr(0, colon), ec);
  if (ec) {
    *error = "listen address \"" + listen + "\": " + ec.message();
    return false;
  }
  asio::ip::tcp::endpoint endpoint(host, static_cast<unsigned short>(std::stoi(listen.substr(colon + 1))));
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec) || acceptor.set_option(asio::socket_base::reuse_address(true), ec) ||
      acceptor.bind(endpoint, ec) || acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    *error = "cannot listen on " + listen + ": " + ec.message();
    return false;
  }
  impl_->writer = std::thread([this] { impl_->WriterLoop(); });
  impl_->Accept();
  return true;
}

int Receiver::port() const { return impl_->acceptor.local_endpoint().port(); }

void Receiver::Run() { impl_->io.run(); }

void Receiver::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  asio::post(impl_->io, [this] {
    asio::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
}

const Receiver::Stats& Receiver::stats() const { return impl_->stats; }

}  // namespace rebound::intake
