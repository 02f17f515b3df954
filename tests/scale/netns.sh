# netns.sh: hosts on one machine, as network namespaces on a private test
# network (tests/scale/run; sourced, bash). One namespace holds a bridge, the
# "switch"; each host is a namespace with one veth pair into it, its address
# on NETNS_NET.0/24, and its own loopback. Nothing is routed outside: the
# switch has no address and no link to the machine's own namespace, so all
# traffic stays on the namespaces made here. Needs root and iproute2.
#
#   netns_host NAME ADDR     a host NAME (namespace $NETNS_PREFIX-NAME) at ADDR
#   netns_exec NAME CMD...   run CMD in host NAME
#   netns_cleanup            stop every process left in the namespaces made
#                            here (by pid) and delete them; for trap ... EXIT
#
# NETNS_PREFIX (default qps$$, unique per run) names the namespaces;
# NETNS_NET (default 10.231.0) is the /24 the hosts live on.

NETNS_PREFIX=${NETNS_PREFIX:-qps$$}
NETNS_NET=${NETNS_NET:-10.231.0}
NETNS_MADE=()	# namespaces made by this run, switch first

netns_switch() {
	local sw=$NETNS_PREFIX-sw
	[ -e "/run/netns/$sw" ] && return 0
	ip netns add "$sw" || return 1
	NETNS_MADE+=("$sw")
	ip -n "$sw" link add br0 type bridge &&
	ip -n "$sw" link set br0 up &&
	ip -n "$sw" link set lo up
}

netns_host() { # NAME ADDR
	local name=$1 addr=$2 ns=$NETNS_PREFIX-$1 sw=$NETNS_PREFIX-sw
	netns_switch || return 1
	ip netns add "$ns" || return 1
	NETNS_MADE+=("$ns")
	# The pair is made inside the switch (no name can clash with the
	# machine's own links), then one end moves into the host.
	ip -n "$sw" link add "h-$name" type veth peer name eth0 &&
	ip -n "$sw" link set eth0 netns "$ns" &&
	ip -n "$sw" link set "h-$name" master br0 up &&
	ip -n "$ns" link set lo up &&
	ip -n "$ns" addr add "$addr/24" dev eth0 &&
	ip -n "$ns" link set eth0 up
}

netns_exec() { # NAME CMD...
	local ns=$NETNS_PREFIX-$1
	shift
	ip netns exec "$ns" "$@"
}

netns_cleanup() {
	local ns pids i
	for ns in "${NETNS_MADE[@]}"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -TERM $pids 2>/dev/null
	done
	for i in $(seq 50); do
		pids=
		for ns in "${NETNS_MADE[@]}"; do pids="$pids$(ip netns pids "$ns" 2>/dev/null)"; done
		[ -z "$pids" ] && break
		sleep 0.1
	done
	for ns in "${NETNS_MADE[@]}"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	NETNS_MADE=()
}
