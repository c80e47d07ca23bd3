#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip_address.h"
#include "core/result.h"

namespace abuseflow::enrich {

// An inclusive range of addresses of one family, as an inetnum names it.
struct AddressRange {
  core::IpAddress first;
  core::IpAddress last;
};

// Parses an inetnum or inet6num key: "192.0.2.0 - 192.0.2.255" (spaces
// optional), "192.0.2.0/24", "2001:db8::/32" or a bare address. Fails with
// InvalidArgument saying why: unparseable, mixed families, first after last.
core::Result<AddressRange> ParseAddressRange(std::string_view text);

// `value` without an RPSL end-of-line comment (from a '#' at its start or
// after white space) and without surrounding white space.
std::string_view StripRpslComment(std::string_view value);

// What a "% Abuse contact for 'RANGE' is 'MAILBOX'" comment said, as RIPE's
// whois server prints it before an inetnum.
struct AbuseComment {
  std::string range;
  std::string mailbox;
};

// One RPSL object as read from a file.
struct RpslObject {
  std::string cls;  // the name of the first attribute, lower case: "inetnum"
  std::string key;  // nic-hdl for person and role, else the first attribute's value
  // Every attribute in order, the first included: name in lower case, value
  // trimmed, continuation lines appended with one space between.
  std::vector<std::pair<std::string, std::string>> attrs;
  std::string file;
  int line = 0;  // the line of the first attribute
  // From the comment just before the object; inetnum and inet6num only.
  std::optional<AbuseComment> abuse_comment;

  // The value of the first attribute called `name` (lower case), or "".
  std::string_view Get(std::string_view name) const;
  // The values of every attribute called `name` (lower case), in order.
  std::vector<std::string_view> GetAll(std::string_view name) const;
};

struct RpslReaderOptions {
  // Longer lines make their object malformed (comment lines are just skipped).
  size_t max_line_length = 4096;
  // Attributes per object; more make it malformed ("object too large").
  size_t max_attributes = 1000;
  // Bytes of names and values per object; more make it malformed.
  size_t max_object_bytes = 256 * 1024;
  // Classes to return, lower case; empty returns all. Objects of other classes
  // are skipped without being stored or checked.
  std::vector<std::string> classes;
};

struct RpslReaderStats {
  uint64_t lines = 0;
  uint64_t objects = 0;    // returned by Next
  uint64_t skipped = 0;    // of classes not asked for
  uint64_t malformed = 0;  // dropped and reported
};

// Reads RPSL text as in RIPE database dumps, one object at a time: objects are
// separated by blank lines (white space only counts as blank); an attribute is
// "name: value"; a line starting with space, tab or '+' continues the previous
// attribute; lines starting with '%' or '#' are comments. A malformed object
// (attribute line without a colon, bad attribute name, continuation without an
// attribute, inetnum or inet6num with a bad range, person or role without
// nic-hdl, object too large, line too long) is dropped, counted and reported
// to the error sink as "FILE:LINE: message"; reading goes on. Memory stays
// bounded by the options whatever the input.
//
// *in must outlive the reader. Not thread-safe; one reader per stream.
class RpslReader {
 public:
  using ErrorSink = std::function<void(const std::string& message)>;

  // `file` names the input in errors and in the objects. A null sink ignores errors.
  RpslReader(std::istream* in, std::string file, RpslReaderOptions options = {},
             ErrorSink on_error = nullptr);

  // Reads the next well-formed object of the wanted classes into *object.
  // False at the end of input, or when the stream fails (see status()).
  bool Next(RpslObject* object);

  // IoError naming the file when the stream failed; ok at a normal end.
  const core::Status& status() const { return status_; }
  const RpslReaderStats& stats() const { return stats_; }

 private:
  enum class Outcome { kObject, kDropped, kEnd };
  // What reading one object found wrong, and where.
  struct Problem {
    std::string message;
    int line = 0;
  };

  Outcome ReadObject(RpslObject* object);
  void TakeLine(RpslObject* object, size_t* bytes, bool* skip, Problem* problem);
  std::string CheckObject(RpslObject* object) const;
  void NoteComment();
  bool Wanted(std::string_view cls) const;
  void Report(int line, const std::string& message);
  bool ReadLine();
  bool Fill();

  std::istream* in_;
  std::string file_;
  RpslReaderOptions options_;
  ErrorSink on_error_;
  std::vector<char> buffer_ = std::vector<char>(64 * 1024);
  size_t pos_ = 0;
  size_t end_ = 0;
  std::string line_;
  bool too_long_ = false;
  int line_number_ = 0;
  std::optional<AbuseComment> pending_comment_;
  core::Status status_;
  RpslReaderStats stats_;
};

}  // namespace abuseflow::enrich
