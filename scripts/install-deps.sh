#!/usr/bin/env bash
# Installs every Debian package Quarry needs to build, test and benchmark.
# Idempotent: packages already present are left alone, and `apt-get update`
# runs only when something is missing. Must run as root (or with sudo present).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-14 libclang-rt-14-dev
  # core libraries
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
  libicu-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libxxhash-dev libzstd-dev libstemmer-dev libhiredis-dev
  # HTTPS for remote embedders and the model hub; SHA-256 of downloads; the
  # TLS tests make a CA and certificates with the openssl CLI
  libssl-dev openssl
  # document extraction: HTML
  libgumbo-dev
  # Markdown headings: md4c, a CommonMark parser
  libmd4c-dev
  # PDF text, in the sandboxed helper quarry-pdf-extract
  libpoppler-cpp-dev
  # the local encoder's matrix products: oneDNN (faster here), OpenBLAS (reference, fallback);
  # Debian's oneDNN is built with its OpenCL GPU runtime, so its CMake package
  # requires the OpenCL headers and loader (only recommended by libdnnl-dev)
  libdnnl-dev ocl-icd-opencl-dev libopenblas-dev
  # the L2 cache tests run a real Redis
  redis-server
  # tests and micro-benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # peers, measured side by side in bench/ (never linked into quarry)
  libhnswlib-dev libfaiss-dev libxapian-dev
  # end-to-end tests: Debian's Python 3 (stdlib only) as the HTTP/CLI client
  python3 curl
  # PDF tests: real PDFs made with ReportLab (DejaVu fonts), encrypted with qpdf;
  # the hostile ones are written with zlib
  python3-reportlab fonts-dejavu-core qpdf zlib1g-dev
  # the encoder's numerical reference (tests/embed/make_tiny_bert.py) and bench peer
  python3-torch
  # the static embedder's numerical reference (tests/embed/make_static_reference.py)
  python3-numpy
  # the web page is tested in a real browser (headless)
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "install-deps: missing packages (${missing[*]}) and not root; rerun as root" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
