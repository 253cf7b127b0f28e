// The two ways a check ends without a proof. Both carry a message that names
// a source location; lai-verify prints it and fails.
#pragma once

#include <stdexcept>
#include <string>

namespace lai::verify {

// The source uses a construct the symbolic executor does not model, so no
// statement about it is made: "cannot verify: <construct> at file:line:col".
class CannotVerify : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The kernel was executed and is wrong (a wrong value, a read outside an
// operand, a write outside C, an element of C written twice or never).
class KernelWrong : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lai::verify
