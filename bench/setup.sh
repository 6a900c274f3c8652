#!/bin/sh
# The peers the benchmark compares with, as their users install them:
# pyspf, libspf2's spfquery and Mail::SPF from Debian, and the npm
# mailauth CLI (version 4: the newest that runs on Node.js 20).
set -e
cd "$(dirname "$0")"
apt-get update
apt-get install -y python3-spf spfquery libmail-spf-perl python3-dnslib \
	python3-dnspython util-linux time hyperfine unbound
# A machine that already has Node.js (NodeSource's package bundles npm and
# conflicts with Debian's npm) keeps it; otherwise Debian's.
command -v npm >/dev/null 2>&1 || apt-get install -y nodejs npm
mkdir -p peers
cd peers
[ -f package.json ] || npm init -y >/dev/null
npm install mailauth@4
