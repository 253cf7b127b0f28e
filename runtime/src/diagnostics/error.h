// The one exception type that carries a status and a sentence from wherever a
// problem is found to the C API boundary (api/guard.h), which turns it into a
// return value and the thread's last-error message. Nothing below the
// boundary reports errors any other way, so every failure gets words.
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "lapack_ai/lapack_ai.h"

namespace lai {

class Error : public std::exception {
 public:
  Error(lai_status status, std::string message) : status_(status), message_(std::move(message)) {}
  lai_status status() const noexcept { return status_; }
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& message() const noexcept { return message_; }

 private:
  lai_status status_;
  std::string message_;
};

[[noreturn]] inline void fail(lai_status status, std::string message) {
  throw Error(status, std::move(message));
}

}  // namespace lai
