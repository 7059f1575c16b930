#include "query/query_api.h"

#include <algorithm>
#include <cctype>

namespace trendgraph::query {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kSyntaxError: return "SyntaxError";
    case ErrorCode::kSemanticError: return "SemanticError";
    case ErrorCode::kTypeError: return "TypeError";
    case ErrorCode::kArgumentError: return "ArgumentError";
    case ErrorCode::kEntityNotFound: return "EntityNotFound";
    case ErrorCode::kConstraintVerificationFailed: return "ConstraintVerificationFailed";
    case ErrorCode::kParameterMissing: return "ParameterMissing";
    case ErrorCode::kProcedureError: return "ProcedureError";
    case ErrorCode::kTimeout: return "Timeout";
    case ErrorCode::kResourceLimit: return "ResourceLimit";
    case ErrorCode::kStorageError: return "StorageError";
    case ErrorCode::kCancelled: return "Cancelled";
  }
  return "Error";
}

static std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Status ProcedureRegistry::Register(ProcedureSignature signature, ProcedureFn fn) {
  std::unique_lock lock(mu_);
  std::string key = Lower(signature.name);
  if (procs_.count(key)) return Status::AlreadyExists("procedure '" + signature.name + "' is already registered");
  procs_[key] = std::make_unique<std::pair<ProcedureSignature, ProcedureFn>>(std::move(signature), std::move(fn));
  return Status::OK();
}

const std::pair<ProcedureSignature, ProcedureFn>* ProcedureRegistry::Find(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = procs_.find(Lower(name));
  return it == procs_.end() ? nullptr : it->second.get();
}

std::vector<ProcedureSignature> ProcedureRegistry::List() const {
  std::shared_lock lock(mu_);
  std::vector<ProcedureSignature> out;
  for (const auto& [k, v] : procs_) out.push_back(v->first);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace trendgraph::query
