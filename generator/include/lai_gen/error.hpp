// Errors the generator reports to its user.
//
// InputError is "the input is unreadable or malformed" (lai-gen exits 2); its
// message always names the file (and entry, line or byte offset where there is
// one) and the rule that was broken, so the user can fix the file without
// reading our source.
#pragma once

#include <stdexcept>
#include <string>

namespace lai::gen {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Emission refused because the scheme did not verify (lai-gen exits 1).
class VerificationFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lai::gen
