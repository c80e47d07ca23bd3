#pragma once

#include <gmime/gmime.h>

#include <memory>
#include <string>
#include <string_view>

namespace abuseflow::notify {

// The GMime (3.x) glue of the reply reader: one-time library setup and
// owning pointers for GObjects. Only the received-mail decoder uses GMime;
// the outgoing mail writer does not.

// Initialises GMime once per process (g_mime_init under std::call_once);
// every function below calls it. Thread-safe. GMime is never shut down: its
// tables live until exit (reachable, not a leak for LeakSanitizer).
void EnsureGMime();

// Releases a GObject reference; the deleter of GPtr.
struct GObjectUnref {
  void operator()(void* object) const {
    if (object != nullptr) g_object_unref(object);
  }
};

// Owns one reference of a GObject (GMimeMessage, GMimeStream, ...). Objects
// borrowed from another (a multipart's child) are never put in a GPtr.
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

// Parses a whole message held in memory (a copy is made into a GMime memory
// stream). Never fails: GMime reads anything as some message; nullptr only
// when it finds no message at all (empty input). The caller bounds `raw`.
GPtr<GMimeMessage> ParseGMimeMessage(std::string_view raw);

// The bytes of a leaf part with its Content-Transfer-Encoding undone
// (base64, quoted-printable, uuencode), charset untouched; "" when it has
// no content. At most about the encoded size.
std::string DecodedPartBytes(GMimePart* part);

// The object serialized as it travels (header and body), e.g. the returned
// message of a message/rfc822 part.
std::string SerializedObject(GMimeObject* object);

// The object's body without its header (a multipart's parts with their
// boundaries, prologue and epilogue).
std::string SerializedContent(GMimeObject* object);

// "type/subtype" of the object's Content-Type, lowercased; "text/plain"
// when it has none or its value is not of that form (RFC 2045 5.2).
std::string MediaTypeOf(GMimeObject* object);

}  // namespace abuseflow::notify
