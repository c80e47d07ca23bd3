#include "enrich/rpsl_reader.h"

#include <algorithm>
#include <cstring>

#include "core/ascii.h"
#include "core/ip_prefix.h"

namespace abuseflow::enrich {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsBlank(std::string_view line) { return Trim(line).empty(); }
bool IsComment(std::string_view line) {
  return !line.empty() && (line[0] == '%' || line[0] == '#');
}
bool IsContinuation(std::string_view line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t' || line[0] == '+');
}

// RPSL attribute names: a letter, then letters, digits, '-' or '_'.
bool IsAttributeName(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

// "% Abuse contact for 'RANGE' is 'MAILBOX'" -> {RANGE, MAILBOX}.
std::optional<AbuseComment> ParseAbuseComment(std::string_view line) {
  constexpr std::string_view kLead = "abuse contact for '";
  std::string lower = core::AsciiLower(line);
  size_t at = lower.find(kLead);
  if (at == std::string::npos) return std::nullopt;
  size_t range_begin = at + kLead.size();
  size_t range_end = line.find('\'', range_begin);
  if (range_end == std::string_view::npos) return std::nullopt;
  constexpr std::string_view kIs = "' is '";
  if (line.substr(range_end, kIs.size()) != kIs) return std::nullopt;
  size_t box_begin = range_end + kIs.size();
  size_t box_end = line.find('\'', box_begin);
  if (box_end == std::string_view::npos || box_end == box_begin) return std::nullopt;
  return AbuseComment{std::string(line.substr(range_begin, range_end - range_begin)),
                      std::string(Trim(line.substr(box_begin, box_end - box_begin)))};
}

core::Status BadRange(std::string_view why, std::string_view text) {
  return core::Status::InvalidArgument(std::string(why) + " '" + std::string(text) + "'");
}

}  // namespace

core::Result<AddressRange> ParseAddressRange(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return core::Status::InvalidArgument("empty address range");
  if (size_t dash = text.find('-'); dash != std::string_view::npos) {
    auto first = core::IpAddress::Parse(Trim(text.substr(0, dash)));
    auto last = core::IpAddress::Parse(Trim(text.substr(dash + 1)));
    if (!first || !last) return BadRange("unparseable address range", text);
    if (first->family() != last->family()) return BadRange("mixed address families in", text);
    if (*last < *first) return BadRange("first address after last in", text);
    return AddressRange{*first, *last};
  }
  if (text.find('/') != std::string_view::npos) {
    auto prefix = core::IpPrefix::Parse(text);
    if (!prefix) return BadRange("unparseable prefix (or host bits set)", text);
    return AddressRange{prefix->first(), prefix->last()};
  }
  auto address = core::IpAddress::Parse(text);
  if (!address) return BadRange("unparseable address", text);
  return AddressRange{*address, *address};
}

std::string_view StripRpslComment(std::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '#' && (i == 0 || IsSpace(value[i - 1]))) {
      value = value.substr(0, i);
      break;
    }
  }
  return Trim(value);
}

std::string_view RpslObject::Get(std::string_view name) const {
  for (const auto& [n, v] : attrs) {
    if (n == name) return v;
  }
  return {};
}

std::vector<std::string_view> RpslObject::GetAll(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : attrs) {
    if (n == name) out.push_back(v);
  }
  return out;
}

RpslReader::RpslReader(std::istream* in, std::string file, RpslReaderOptions options,
                       ErrorSink on_error)
    : in_(in),
      file_(std::move(file)),
      options_(std::move(options)),
      on_error_(std::move(on_error)) {}

bool RpslReader::Next(RpslObject* object) {
  while (true) {
    switch (ReadObject(object)) {
      case Outcome::kObject:
        return true;
      case Outcome::kDropped:
        continue;
      case Outcome::kEnd:
        return false;
    }
  }
}

RpslReader::Outcome RpslReader::ReadObject(RpslObject* object) {
  *object = RpslObject();
  while (true) {  // to the first line of the next object
    if (!ReadLine()) return Outcome::kEnd;
    if (IsBlank(line_)) continue;
    if (IsComment(line_)) {
      NoteComment();
      continue;
    }
    break;
  }
  object->file = file_;
  object->line = line_number_;
  std::optional<AbuseComment> comment = std::move(pending_comment_);
  pending_comment_.reset();
  size_t bytes = 0;
  bool skip = false;
  Problem problem;
  do {
    TakeLine(object, &bytes, &skip, &problem);
  } while (ReadLine() && !IsBlank(line_));
  if (!status_.ok()) return Outcome::kEnd;
  if (skip) {
    ++stats_.skipped;
    return Outcome::kDropped;
  }
  if (problem.line == 0) {
    problem.message = CheckObject(object);
    problem.line = object->line;
  }
  if (!problem.message.empty()) {
    Report(problem.line, problem.message);
    ++stats_.malformed;
    return Outcome::kDropped;
  }
  if (object->cls == "inetnum" || object->cls == "inet6num")
    object->abuse_comment = std::move(comment);
  ++stats_.objects;
  return Outcome::kObject;
}

void RpslReader::TakeLine(RpslObject* object, size_t* bytes, bool* skip, Problem* problem) {
  if (IsComment(line_)) {
    NoteComment();
    return;
  }
  if (*skip || problem->line != 0) return;  // nothing more is stored or checked
  auto fail = [&](std::string message) {
    *problem = Problem{std::move(message), line_number_};
    object->attrs.clear();
    object->attrs.shrink_to_fit();
  };
  if (IsContinuation(line_)) {
    if (object->attrs.empty()) return fail("continuation line without an attribute");
    if (too_long_)
      return fail("line too long (more than " + std::to_string(options_.max_line_length) +
                  " bytes)");
    std::string_view text = Trim(std::string_view(line_).substr(line_[0] == '+' ? 1 : 0));
    if (text.empty()) return;
    *bytes += text.size() + 1;
    if (*bytes > options_.max_object_bytes) {
      return fail("object too large (more than " + std::to_string(options_.max_object_bytes) +
                  " bytes)");
    }
    object->attrs.back().second.append(" ").append(text);
    return;
  }
  size_t colon = line_.find(':');
  if (colon == std::string::npos) return fail("attribute line without a colon");
  std::string_view name = std::string_view(line_).substr(0, colon);
  if (!IsAttributeName(name)) return fail("bad attribute name '" + std::string(name) + "'");
  if (object->attrs.empty() && !Wanted(core::AsciiLower(name))) {
    *skip = true;
    return;
  }
  if (too_long_)
    return fail("line too long (more than " + std::to_string(options_.max_line_length) + " bytes)");
  if (object->attrs.size() >= options_.max_attributes) {
    return fail("object too large (more than " + std::to_string(options_.max_attributes) +
                " attributes)");
  }
  std::string_view value = Trim(std::string_view(line_).substr(colon + 1));
  *bytes += name.size() + value.size();
  if (*bytes > options_.max_object_bytes) {
    return fail("object too large (more than " + std::to_string(options_.max_object_bytes) +
                " bytes)");
  }
  object->attrs.emplace_back(core::AsciiLower(name), std::string(value));
  if (object->attrs.size() == 1) object->cls = object->attrs[0].first;
}

std::string RpslReader::CheckObject(RpslObject* object) const {
  const std::string& cls = object->cls;
  std::string_view first = object->attrs.front().second;
  if (cls == "inetnum" || cls == "inet6num") {
    auto range = ParseAddressRange(StripRpslComment(first));
    if (!range.ok()) return "bad " + cls + ": " + range.status().message();
    if (range->first.is_v4() != (cls == "inetnum")) {
      return "bad " + cls + ": wrong address family '" + std::string(first) + "'";
    }
  }
  if (cls == "person" || cls == "role") {
    std::string_view handle = StripRpslComment(object->Get("nic-hdl"));
    if (handle.empty()) return cls + " '" + std::string(first) + "' without nic-hdl";
    object->key = std::string(handle);
  } else {
    object->key = std::string(StripRpslComment(first));
  }
  return "";
}

bool RpslReader::Wanted(std::string_view cls) const {
  return options_.classes.empty() ||
         std::find(options_.classes.begin(), options_.classes.end(), cls) != options_.classes.end();
}

void RpslReader::NoteComment() {
  if (too_long_) return;
  if (auto comment = ParseAbuseComment(line_)) pending_comment_ = std::move(comment);
}

void RpslReader::Report(int line, const std::string& message) {
  if (on_error_) on_error_(file_ + ":" + std::to_string(line) + ": " + message);
}

// Reads the next line into line_ without its line ending, keeping at most
// max_line_length bytes (too_long_ says whether there were more). False at the
// end of input or when the stream failed.
bool RpslReader::ReadLine() {
  line_.clear();
  too_long_ = false;
  if (!status_.ok()) return false;
  const size_t limit = options_.max_line_length + 1;  // room for a '\r'
  bool any = false;
  while (true) {
    if (pos_ == end_ && !Fill()) {
      if (!status_.ok() || !any) return false;
      break;  // a last line without a newline
    }
    any = true;
    const char* start = buffer_.data() + pos_;
    const char* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    size_t length = newline ? static_cast<size_t>(newline - start) : end_ - pos_;
    size_t keep = std::min(length, limit - std::min(limit, line_.size()));
    line_.append(start, keep);
    if (keep < length) too_long_ = true;
    pos_ += length + (newline ? 1 : 0);
    if (newline) break;
  }
  if (!too_long_ && !line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_.size() > options_.max_line_length) {
    too_long_ = true;
    line_.resize(options_.max_line_length);
  }
  ++line_number_;
  ++stats_.lines;
  return true;
}

// Refills the empty buffer from the stream. False at the end or on failure
// (then status_ is set).
bool RpslReader::Fill() {
  pos_ = end_ = 0;
  if (in_->eof()) return false;
  in_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  end_ = static_cast<size_t>(in_->gcount());
  if (end_ > 0) return true;
  if (in_->bad() || (in_->fail() && !in_->eof())) {
    status_ = core::Status::IoError("read error in " + file_ + " after line " +
                                    std::to_string(line_number_));
  }
  return false;
}

}  // namespace abuseflow::enrich
