// The OpenAPI 3.1 document of the API, served at /v1/openapi.json and
// printed by `rebound openapi`. src/http/openapi.json describes every route
// once; the operator's /v1/accounts/{account}/... forms of the account
// routes are derived from it here, so that they cannot drift apart.
#pragma once

#include <string>

namespace rebound::http {

const std::string& OpenApiDocument();

}  // namespace rebound::http
