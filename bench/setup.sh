#!/bin/sh
# The peers the benchmark compares with, as their users install them:
# pyspf, libspf2's spfquery and Mail::SPF from Debian, and the npm
# mailauth CLI (version 4: the newest that runs on Debian 12's Node.js 20).
set -e
cd "$(dirname "$0")"
apt-get update
apt-get install -y python3-spf spfquery libmail-spf-perl nodejs npm \
	python3-dnslib python3-dnspython util-linux time hyperfine
mkdir -p peers
cd peers
[ -f package.json ] || npm init -y >/dev/null
npm install mailauth@4
