#include "storage/status.h"

namespace trendgraph {

const char* Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kNotFound: return "NotFound";
    case Code::kCorruption: return "Corruption";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kIOError: return "IOError";
    case Code::kNotSupported: return "NotSupported";
    case Code::kBusy: return "Busy";
    case Code::kAlreadyExists: return "AlreadyExists";
    case Code::kVersionMismatch: return "VersionMismatch";
    case Code::kAborted: return "Aborted";
    case Code::kTimedOut: return "TimedOut";
    case Code::kResourceExhausted: return "ResourceExhausted";
    case Code::kConstraintViolation: return "ConstraintViolation";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = CodeName(state_->code);
  if (!state_->msg.empty()) {
    out += ": ";
    out += state_->msg;
  }
  return out;
}

}  // namespace trendgraph
