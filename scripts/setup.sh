#!/usr/bin/env bash
# Installs every Debian package abuseflow needs to build, test and run the demo.
# Does nothing when they are all present. Needs root or sudo for apt-get.
set -euo pipefail

PACKAGES=(
  # toolchain
  cmake g++ make pkg-config ccache
  # libraries
  libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler librocksdb-dev
  libconcurrentqueue-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  nlohmann-json3-dev libkainjow-mustache-dev zlib1g-dev
  # the allocator of the abuseflow binary and the benchmarks
  libjemalloc-dev
  # metrics: the registry and text format of the Prometheus client library
  prometheus-cpp-dev
  # logs as structured journal entries (sd_journal_sendv)
  libsystemd-dev
  # ingest: user-defined formats (RE2), per-sensor IANA time zones (date/tz.h over tzdata)
  libre2-dev libhowardhinnant-date-dev tzdata
  # enrich: RDAP over HTTPS (libcurl); the RDAP test makes its certificate with openssl
  libcurl4-openssl-dev openssl
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3
  # live tests: a private rsyslogd forwards logger lines to the syslog receiver
  rsyslog bsdutils
  # live sensor test: a private portsentry (own mount namespace) scanned by nmap on 127.0.0.1
  portsentry nmap
  # live end-to-end check (deploy/live_check.py): a netfilter LOG rule in the sensor namespace
  nftables
  # notify tests: a loopback SMTP server (aiosmtpd); X-ARF YAML parsed by python3-yaml
  # (notify's SMTP delivery uses libcurl4-openssl-dev, listed above)
  python3-aiosmtpd python3-yaml
  # notify replies: GMime parses received mail; the IMAP import test runs a private dovecot
  libgmime-3.0-dev dovecot-imapd
  # man page test: groff renders docs/abuseflow.1 (the deploy test uses
  # systemd-analyze where the systemd package is installed, a parser otherwise)
  groff-base
  # CURVE test: strace shows that plain tcp off loopback is refused before any connect()
  strace
  # multi-host test: network namespaces and veth pairs (ip netns, ss)
  iproute2
  # HTML report test: headless Chromium renders the page and takes a screenshot
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: missing packages (${missing[*]}) and not root; install them or run as root" >&2
    exit 1
  fi
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The tests start their own private rsyslogd and portsentry; installing the
# packages must not start the system's services (portsentry would listen on
# many ports and could block scanners, rsyslog would take over /dev/log). A
# policy-rc.d that refuses every start does that for the time of the install.
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\n# abuseflow setup: no service starts during the install\nexit 101\n' |
    $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  trap '$SUDO rm -f "$POLICY"' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: installed ${#missing[@]} packages"
