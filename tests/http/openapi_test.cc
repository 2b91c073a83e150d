// The OpenAPI document and the server agree: every route the server answers
// is documented, every documented route is answered.
#include "http/openapi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "http/server.h"

namespace rebound::http {
namespace {

std::set<std::string> Documented() {
  std::set<std::string> out;
  const nlohmann::json doc = nlohmann::json::parse(OpenApiDocument());
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      std::string m = method;
      std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::toupper(c); });
      out.insert(m + " " + path);
    }
  }
  return out;
}

TEST(OpenApi, EveryServedRouteIsDocumented) {
  const std::set<std::string> documented = Documented();
  for (const std::string& route : ServedRoutes()) EXPECT_TRUE(documented.count(route)) << route;
}

TEST(OpenApi, EveryDocumentedRouteIsServed) {
  const std::vector<std::string> served_list = ServedRoutes();
  const std::set<std::string> served(served_list.begin(), served_list.end());
  for (const std::string& route : Documented()) EXPECT_TRUE(served.count(route)) << route;
}

TEST(OpenApi, IsOpenApi31WithUniqueOperationIds) {
  const nlohmann::json doc = nlohmann::json::parse(OpenApiDocument());
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  std::set<std::string> ids;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, op] : item.items()) {
      ASSERT_TRUE(op.contains("operationId")) << method << " " << path;
      EXPECT_TRUE(ids.insert(op.at("operationId").get<std::string>()).second) << op.at("operationId");
    }
  }
}

}  // namespace
}  // namespace rebound::http
