#include "config/config.h"

#include <gtest/gtest.h>

namespace rebound::config {
namespace {

TEST(Config, EmptyFileGivesDefaults) {
  Config c;
  std::string error;
  ASSERT_TRUE(Parse("", "empty.toml", {}, &c, &error)) << error;
  EXPECT_EQ(c.database, "sqlite:rebound.db");
  EXPECT_EQ(c.protocol, "smtp");
  EXPECT_EQ(c.policy.pending_expiry, 72 * 3600);
}

TEST(Config, ReadsEverySection) {
  const char* toml = R"(
[database]
url = "postgresql://rebound@db.internal/rebound"

[bounce]
domain = "bounces.example.net"
local_part = "rb"
keys = [ { id = 2, secret = "new-secret-0123456789" }, { id = 1, secret = "old-secret-0123456789" } ]

[receiver]
listen = "0.0.0.0:25"
protocol = "lmtp"
max_message_bytes = 1048576

[delivery]
relay = "smtp.internal:25"
helo_name = "mta.example.net"
routes = [ { domain = "example.org", host = "127.0.0.1:2526" } ]

[limits]
max_mime_depth = 8

[policy]
global_window_days = 30
pending_expiry_hours = 48
)";
  Config c;
  std::string error;
  ASSERT_TRUE(Parse(toml, "rebound.toml", {}, &c, &error)) << error;
  EXPECT_EQ(c.database, "postgresql://rebound@db.internal/rebound");
  EXPECT_EQ(c.bounce_domain, "bounces.example.net");
  EXPECT_EQ(c.bounce_local_part, "rb");
  ASSERT_EQ(c.verp_keys.size(), 2u);
  EXPECT_EQ(c.verp_keys[0].id, 2);
  EXPECT_EQ(c.protocol, "lmtp");
  EXPECT_EQ(c.receiver_max_message_bytes, 1048576u);
  EXPECT_EQ(c.relay, "smtp.internal:25");
  ASSERT_EQ(c.routes.size(), 1u);
  EXPECT_EQ(c.routes[0].host, "127.0.0.1:2526");
  EXPECT_EQ(c.limits.max_mime_depth, 8);
  EXPECT_EQ(c.policy.global_window, 30 * 86400);
  EXPECT_EQ(c.policy.pending_expiry, 48 * 3600);
}

TEST(Config, CommandLineOverridesWin) {
  Config c;
  std::string error;
  ASSERT_TRUE(Parse("[receiver]\nlisten = \"127.0.0.1:2525\"\n", "f.toml",
                    {"receiver.listen=127.0.0.1:3000", "receiver.max_connections=7", "database.url=sqlite:x.db"}, &c,
                    &error))
      << error;
  EXPECT_EQ(c.listen, "127.0.0.1:3000");
  EXPECT_EQ(c.receiver_max_connections, 7);
  EXPECT_EQ(c.database, "sqlite:x.db");
}

TEST(Config, ErrorsNameTheProblem) {
  Config c;
  std::string error;
  EXPECT_FALSE(Parse("[receiver\nlisten = 1", "bad.toml", {}, &c, &error));
  EXPECT_NE(error.find("bad.toml:1"), std::string::npos) << error;
  EXPECT_FALSE(Parse("[receiver]\nlisten = 5\n", "t.toml", {}, &c, &error));
  EXPECT_NE(error.find("receiver.listen"), std::string::npos) << error;
  EXPECT_FALSE(Parse("[receiver]\nprotocol = \"pop3\"\n", "t.toml", {}, &c, &error));
  EXPECT_FALSE(Parse("[bounce]\nkeys = [ { id = 1 } ]\n", "t.toml", {}, &c, &error));
  EXPECT_NE(error.find("secret"), std::string::npos) << error;
  EXPECT_FALSE(Parse("", "t.toml", {"nonsense"}, &c, &error));
  EXPECT_FALSE(Load("/nonexistent/rebound.toml", {}, &c, &error));
}

}  // namespace
}  // namespace rebound::config
