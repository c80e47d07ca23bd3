#include "enrich/rdap_client.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/shutdown.h"
#include "enrich/http_date.h"

namespace abuseflow::enrich {
namespace {

struct Transfer {
  RdapResponse response;
  size_t max_body = 0;
  bool too_big = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->response.body.size() + n > t->max_body) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  t->response.body.append(data, n);
  return n;
}

// Ends a transfer once the process is asked to stop (a lookup thread ends
// with its stage instead of waiting for the timeout).
int OnProgress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return core::StopRequested() ? 1 : 0; }

// Reads Retry-After (delta-seconds or an HTTP-date; garbage is left out).
size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    }
    if (match) {
      ParseRetryAfter(line.substr(kName.size()), &t->response.retry_after_s,
                      &t->response.retry_after_date_s);
    }
  }
  return size * count;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

void SetOptions(CURL* curl, const std::string& url, const RdapClientOptions& o, Transfer* t,
                curl_slist* headers) {
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_us / 1000));
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_body_bytes));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "abuseflow-rdap/0.1");
  if (!o.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, o.ca_file.c_str());
}

}  // namespace

core::Result<RdapResponse> RdapGet(const std::string& url, const RdapClientOptions& options) {
  if (url.rfind("https://", 0) != 0) {
    return core::Status::Unavailable("RDAP URL " + url + " is not https://");
  }
  InitCurlOnce();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return core::Status::Unavailable("libcurl could not start a request");
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, "Accept: application/rdap+json, application/json"));
  Transfer t;
  t.max_body = options.max_body_bytes;
  SetOptions(curl.get(), url, options, &t, headers.get());
  CURLcode code = curl_easy_perform(curl.get());
  if (t.too_big || code == CURLE_FILESIZE_EXCEEDED) {
    return core::Status::Corruption("RDAP answer from " + url + " is over " +
                                     std::to_string(options.max_body_bytes) + " bytes");
  }
  if (code != CURLE_OK) {
    // Unavailable: the server could not be reached or did not answer in time
    // (worth asking again); anything else (TLS, protocol) is Corruption.
    std::string why = "RDAP request " + url + " failed: " + curl_easy_strerror(code);
    switch (code) {
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_CONNECT:
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
        return core::Status::Unavailable(why);
      default:
        return core::Status::Corruption(why);
    }
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &t.response.status);
  char* location = nullptr;
  if (curl_easy_getinfo(curl.get(), CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
    t.response.location = location;
  }
  return std::move(t.response);
}

}  // namespace abuseflow::enrich
