#!/usr/bin/env bash
# Benchmark: remote steps over ssh (issue 14), against a bare ssh loop and Ansible, in the same run.
#
# The hosts: a real sshd (Debian's openssh-server) started here on a free port with its own host key, config and
# authorized keys, listening on 127.0.0.2 ... 127.0.0.(HOSTS+1): HOSTS addresses stand for HOSTS hosts (h01, h02, ...);
# one sshd process per 16 addresses, OpenSSH's limit of listening sockets.
# Every contender logs in with the same client key as the same user, checks the same host key, and reuses connections
# with OpenSSH's ControlMaster (ours and the bare loop with ControlPersist 60, Ansible with its defaults).
#
# 1. STEPS one-line steps (`true`) on h01, one after the other:
#    - peer: a bash loop of STEPS `ssh -o ControlMaster=auto -o ControlPath=... -o ControlPersist=60 ... h01 true`;
#    - ours: `runbook trigger` of a runbook of STEPS `sh {host=h01}` steps (each a `ssh -F CONFIG h01 BOOTSTRAP` with
#      the script on its input, each step's start and end an audit commit, all durable when trigger returns), on a
#      wiki with no audit history at the start of each round;
#    - Ansible (ansible-core from PyPI, in a venv): `ansible-playbook` of a play of STEPS `raw: "true"` tasks on h01,
#      `gather_facts: false`.
#    Each also runs the same with one step: (wall(STEPS) - wall(1)) / (STEPS - 1) is the per-step cost without the
#    fixed costs of starting (process start, wiki load, the incident's open and resolution; Ansible's start-up).
# 2. One step (`echo x`) fanned out to HOSTS hosts at once: bare ssh (HOSTS `ssh ... &`, then wait), ours (`sh
#    {hosts=role=bench parallel=HOSTS}`), Ansible (`raw: echo x` on all, forks=HOSTS). Once cold (each contender's
#    connections stopped first: HOSTS logins) and once warm.
# Warm: before its timed runs each contender's connections to every host are open (the cold fan-out opened them), so
# no timed warm figure includes a login; the script counts sshd's `Accepted publickey` lines in each timed phase and
# prints them. Diagnostics for ours, each STEPS times from the same bash loop as the peer, over our connection:
# `ssh -F CONFIG h01 true` (our generated configuration), `... 'exec bash -c true'` (one more bash), `... 'sh -c true'`
# (the step's interpreter), `... BOOTSTRAP` with a step's input (exactly the command our executor sends, captured on
# the host from a real step), and the same run in a second bash, as a login shell other than bash runs it.
#
# Login user: as root, a dedicated user `runbook-bench` (created if missing, empty ~/.bashrc): root's shell start-up
# here may be slow (pyenv), and sshd runs the login shell for every command of every contender. Otherwise the current
# user, whose ~/.bashrc then counts in every figure.
#
# Targets: ours within 1.3x the bare ssh loop per step, and faster than Ansible. Exits non-zero only if something
# failed to run (a step, a task, an ssh), not for a missed target.
# Usage: bench/remote.sh      (STEPS=200 HOSTS=20 RUNS=3; ANSIBLE_VENV=/tmp/runbook-bench-ansible is created with
#                              ansible-core when missing; SWIFT_BUILD_FLAGS="-j 1" is passed to swift build)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup
steps=${STEPS:-200}
fan=${HOSTS:-20}
runs=${RUNS:-3}
venv=${ANSIBLE_VENV:-/tmp/runbook-bench-ansible}
(( steps >= 2 && fan >= 1 && fan <= 250 && runs >= 1 )) || { echo "need STEPS >= 2, 1 <= HOSTS <= 250, RUNS >= 1" >&2; exit 2; }

if [ ! -x /usr/sbin/sshd ]; then
    echo "== installing openssh-server (apt)" >&2
    apt-get update -qq >&2 && apt-get install -y -qq openssh-server >&2
fi
if [ ! -x "$venv/bin/ansible-playbook" ]; then
    echo "== installing ansible-core into $venv (PyPI)" >&2
    python3 -m venv "$venv" && "$venv/bin/pip" install -q ansible-core >&2
fi
echo "== building runbook (release)" >&2
# shellcheck disable=SC2086 # SWIFT_BUILD_FLAGS is a list of flags
swift build -c release --product runbook ${SWIFT_BUILD_FLAGS:-} >&2
bin="$(swift build -c release --show-bin-path)/runbook"
bench=$PWD/bench

# A short path: ssh's control sockets live under it (a socket name has 108 bytes).
work=$(mktemp -d /tmp/rbremote.XXXXXX)
sshd_pids=()
# stop_connections FOLDER: ends the ControlMaster connections whose sockets are in FOLDER.
stop_connections() {
    local socket
    find "$1" -type s 2>/dev/null | while read -r socket; do ssh -F /dev/null -S "$socket" -O exit x >/dev/null 2>&1 || true; done
}
cleanup() {
    # Connections left open by ControlPersist, then sshd, then the files.
    stop_connections "$work"
    [ ${#sshd_pids[@]} -eq 0 ] || kill "${sshd_pids[@]}" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
chmod 711 "$work"
mkdir -p "$work/sshd" "$work/logs" "$work/t" "$work/bare" "$work/ansible/cp" "$work/ansible/tmp"
chmod 755 "$work/sshd"

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { awk -v name="$1" '{ for (i = 1; i < NF; i++) if ($i == name) print $(i + 1) }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# --- the login user
if [ "$(id -u)" = 0 ]; then
    user=runbook-bench
    if ! id "$user" >/dev/null 2>&1; then
        useradd -m -s /bin/bash "$user"
        : > "$(getent passwd "$user" | cut -d: -f6)/.bashrc"
    fi
    # No password, but not locked: without PAM, sshd refuses a locked account (useradd's `!`) even for a key.
    usermod -p '*' "$user"
    user_note="a dedicated user: root's ~/.bashrc here may run slow start-up (pyenv init, ~180 ms), and every ssh command starts the login shell"
else
    user=$(id -un)
    user_note="the current user (not root, so no dedicated user): its ~/.bashrc runs for every ssh command of every contender"
fi
user_home=$(getent passwd "$user" | cut -d: -f6)
if [ -s "$user_home/.bashrc" ]; then
    user_note="$user_note; WARNING: $user_home/.bashrc is not empty and counts in every figure"
fi

# --- the hosts: sshd on HOSTS loopback addresses
ssh-keygen -q -t ed25519 -N '' -C bench-host -f "$work/sshd/host_key"
ssh-keygen -q -t ed25519 -N '' -C bench-client -f "$work/client_key"
# sshd reads authorized keys as the user, hence a folder and file others can read (StrictModes no).
cp "$work/client_key.pub" "$work/sshd/authorized_keys" && chmod 644 "$work/sshd/authorized_keys"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0)); print(s.getsockname()[1])')
host_key=$(cut -d' ' -f1,2 "$work/sshd/host_key.pub")
names=() addresses=()
for ((i = 1; i <= fan; i++)); do
    names+=("$(printf 'h%02d' "$i")")
    addresses+=("127.0.0.$((i + 1))")
done
# One sshd listens on at most 16 addresses (OpenSSH's MAX_LISTEN_SOCKS): one instance per 16 hosts, same port, keys
# and settings.
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd
for ((first = 0; first < fan; first += 16)); do
    instance=$work/sshd/$first
    {
        echo "Port $port"
        printf 'ListenAddress %s\n' "${addresses[@]:first:16}"
        cat <<EOF
HostKey $work/sshd/host_key
AuthorizedKeysFile $work/sshd/authorized_keys
AllowUsers $user
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin no
PrintMotd no
PrintLastLog no
PidFile $instance.pid
LogLevel VERBOSE
MaxStartups 100
MaxSessions 50
EOF
    } > "$instance.config"
    # Without -D it detaches once it listens, then writes its pid file.
    /usr/sbin/sshd -f "$instance.config" -E "$instance.log"
    for _ in $(seq 100); do [ -s "$instance.pid" ] && break; sleep 0.05; done
    [ -s "$instance.pid" ] || { echo "sshd did not start:" >&2; cat "$instance.log" >&2; exit 1; }
    sshd_pids+=("$(cat "$instance.pid")")
done
logins() { cat "$work"/sshd/*.log | grep -c 'Accepted publickey' || true; }

# The same host key for the peers, under each address and port.
for address in "${addresses[@]}"; do echo "[$address]:$port $host_key"; done > "$work/known_hosts"

# --- bare ssh
bare=(-F /dev/null -T -i "$work/client_key" -l "$user" -p "$port" -o IdentitiesOnly=yes -o BatchMode=yes
      -o UserKnownHostsFile="$work/known_hosts" -o GlobalKnownHostsFile=/dev/null
      -o ControlMaster=auto -o ControlPath="$work/bare/%C" -o ControlPersist=60)
bare_steps() { local i; for ((i = 0; i < $1; i++)); do ssh "${bare[@]}" "${addresses[0]}" true < /dev/null || return; done; }
# HOSTS background jobs; fails if any did.
bare_fan() {
    local pids=() pid address status=0
    for address in "${addresses[@]}"; do ssh "${bare[@]}" "$address" echo x < /dev/null & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    return $status
}

# --- ours: a wiki, a data directory with the key as a secret
home=$work/home wiki=$work/wiki
mkdir -p "$wiki/runbooks" "$wiki/config" "$home"
git -C "$wiki" init -q
{
    echo "defaults: { user: $user, port: $port }"
    echo "hosts:"
    for ((i = 0; i < fan; i++)); do echo "  ${names[i]}: { address: ${addresses[i]}, labels: { role: bench } }"; done
} > "$wiki/config/inventory.yaml"
for name in "${names[@]}"; do echo "$name $host_key"; done > "$wiki/config/known_hosts"
# runbook ALERT COUNT ATTRIBUTES SCRIPT: a page of COUNT steps.
runbook_page() {
    printf -- '---\nmatch:\n  - alertname="%s"\n---\n# %s\n' "$1" "$1"
    local i
    for ((i = 1; i <= $2; i++)); do printf '\n## Step %d\n\n```sh {id=s%03d %s}\n%s\n```\n' "$i" "$i" "$3" "$4"; done
}
runbook_page RemoteBenchSteps "$steps" "host=${names[0]}" true > "$wiki/runbooks/bench-steps.md"
runbook_page RemoteBenchOne 1 "host=${names[0]}" true > "$wiki/runbooks/bench-one.md"
runbook_page RemoteBenchFan 1 "hosts=role=bench parallel=$fan" "echo x" > "$wiki/runbooks/bench-fan.md"
# The bootstrap bash is the step's parent on the host: its argv is the command our executor sends.
runbook_page RemoteBenchCapture 1 "host=${names[0]}" 'echo "bootstrap-argv:$(base64 -w0 < /proc/$PPID/cmdline)"' > "$wiki/runbooks/bench-capture.md"
git -C "$wiki" add -A
git -C "$wiki" -c user.name=bench -c user.email=bench@localhost commit -q -m "Remote benchmark runbooks and inventory"
# Each round starts from this wiki, with no audit history: a trigger's start-up reads every run recorded so far, so
# the rounds would otherwise grow slower one after the other (see docs/benchmarks.md).
cp -a "$wiki" "$work/wiki.fresh"
ours() { RUNBOOK_HOME=$home RUNBOOK_WIKI=$wiki RUNBOOK_SERVER= "$bin" "$@"; }
ours secrets set ssh-key < "$work/client_key"
ours lint >&2
trigger_count=0
# ours_trigger ALERT: one trigger, each with its own instance label (a new incident each time).
ours_trigger() {
    trigger_count=$((trigger_count + 1))
    ours trigger --label "alertname=$1" --label "instance=bench-$trigger_count"
}

# --- Ansible: the same hosts, key, user and pinned key (host_key_checking stays on)
{
    echo "[bench]"
    for ((i = 0; i < fan; i++)); do echo "${names[i]} ansible_host=${addresses[i]}"; done
    echo "[bench:vars]"
    echo "ansible_port=$port"
    echo "ansible_user=$user"
    echo "ansible_ssh_private_key_file=$work/client_key"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$work/known_hosts -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes'"
} > "$work/ansible/hosts.ini"
# Pipelining changes nothing for `raw` (no module is sent); set as a tuned Ansible would have it.
printf '[defaults]\nhost_key_checking = True\nretry_files_enabled = False\nnocows = True\n[ssh_connection]\npipelining = True\n' \
    > "$work/ansible/ansible.cfg"
# ansible_play NAME HOSTS COUNT SCRIPT: a play of COUNT raw tasks.
ansible_play() {
    printf -- '- name: %s\n  hosts: %s\n  gather_facts: false\n  tasks:\n' "$1" "$2"
    local i
    for ((i = 1; i <= $3; i++)); do printf '    - name: step %d\n      raw: "%s"\n' "$i" "$4"; done
}
ansible_play steps "${names[0]}" "$steps" true > "$work/ansible/steps.yml"
ansible_play one "${names[0]}" 1 true > "$work/ansible/one.yml"
ansible_play fan bench 1 "echo x" > "$work/ansible/fan.yml"
# ansible PLAY: runs it with forks=HOSTS; fails unless every host of the recap is ok with no failure.
ansible() {
    ANSIBLE_CONFIG=$work/ansible/ansible.cfg ANSIBLE_HOME=$work/ansible/home ANSIBLE_LOCAL_TEMP=$work/ansible/tmp \
        ANSIBLE_SSH_CONTROL_PATH_DIR=$work/ansible/cp ANSIBLE_NOCOLOR=1 \
        "$venv/bin/ansible-playbook" -i "$work/ansible/hosts.ini" -f "$fan" "$work/ansible/$1.yml"
}

# --- measuring
# measure NAME CMD...: runs CMD, output to logs/NAME.N; appends its seconds to t/NAME and the logins sshd saw meanwhile
# to t/NAME.logins. Stops the benchmark if CMD fails.
measure() {
    local name=$1; shift
    local count=1; [ -f "$work/t/$name" ] && count=$(( $(wc -l < "$work/t/$name") + 1 ))
    local out="$work/logs/$name.$count" before; before=$(logins)
    local start; start=$(now)
    if ! "$@" > "$out" 2>&1; then
        echo "FAILED: $name ($*); its output:" >&2; tail -n 30 "$out" >&2; exit 1
    fi
    local end; end=$(now)
    local seconds; seconds=$(awk "BEGIN { print $end - $start }")
    local new=$(( $(logins) - before ))
    echo "$seconds" >> "$work/t/$name"
    echo "$new" >> "$work/t/$name.logins"
    printf '  %-22s %8.3f s  %3d logins\n' "$name" "$seconds" "$new" >&2
    last_out=$out
}
# ours_measure NAME ALERT STEPS HOSTS: measure a trigger, then check its run's record and keep its figures.
ours_measure() {
    measure "$1" ours_trigger "$2"
    local run; run=$(grep -oE 'INC[0-9]+-[0-9]+' "$last_out" | head -n 1)
    [ -n "$run" ] || { echo "FAILED: no run id in the output of $1" >&2; cat "$last_out" >&2; exit 1; }
    ours runs show "$run" --json > "$work/logs/$1.record.json"
    "$bench/remote-record.py" "$3" "$4" < "$work/logs/$1.record.json" >> "$work/t/$1.record" \
        || { echo "FAILED: run $run of $1 did not succeed as expected" >&2; exit 1; }
}
# The command our executor sends, from a real step: the login shell (bash, which runs the bootstrap itself) saw it as
# `bash -c COMMAND`.
ours_trigger RemoteBenchCapture > "$work/logs/capture" 2>&1 || { cat "$work/logs/capture" >&2; exit 1; }
argv64=$(grep -oE 'bootstrap-argv:[A-Za-z0-9+/=]+' "$work/logs/capture" | head -n 1 | cut -d: -f2)
mapfile -d '' bootstrap_argv < <(base64 -d <<< "$argv64")
[ "${bootstrap_argv[1]:-}" = -c ] || { echo "could not capture the bootstrap's command" >&2; cat "$work/logs/capture" >&2; exit 1; }
bootstrap=${bootstrap_argv[2]}
# The same in a second bash, as a login shell other than bash runs it (and as every step ran before 2026-12-03).
bootstrap_second="exec bash -c $(printf '%q' "$bootstrap")"
config=$(find "$home/ssh" -maxdepth 1 -name 'config-*' ! -name '*.new' | head -n 1)
# A step's input as the executor writes it (its header, the run's variables, an empty line, the script). ssh's input
# stays open while the step runs (the bootstrap's watcher stops the step at its end), hence a FIFO held open here.
step_input=$(printf 'runbook-step-1\nRUNBOOK_HOST=%s\nRUNBOOK_INCIDENT=INC0000001\nRUNBOOK_RUN=INC0000001-1\nRUNBOOK_STEP=s001\n\ntrue\n' "${names[0]}")
mkfifo "$work/step-input"
exec 3<> "$work/step-input"
# diag REMOTE-COMMAND: STEPS times over our connection to h01, the way the peer's loop runs `true`.
diag() { local i; for ((i = 0; i < steps; i++)); do ssh -F "$config" -T "${names[0]}" "$1" < /dev/null || return; done; }
# diag_input REMOTE-COMMAND: the same, with a step's input on ssh's standard input.
diag_input() {
    local i
    for ((i = 0; i < steps; i++)); do printf '%s\n' "$step_input" >&3; ssh -F "$config" -T "${names[0]}" "$1" <&3 || return; done
}

echo "== $runs rounds: bare ssh, ours, Ansible (each: fan-out to $fan hosts cold, then warm; 1 step; $steps steps)" >&2
for round in $(seq "$runs"); do
    echo "round $round" >&2
    stop_connections "$work/bare"
    measure bare_fan_cold bare_fan
    measure bare_fan bare_fan
    measure bare_one bare_steps 1
    measure bare_steps bare_steps "$steps"

    stop_connections "$home/ssh"
    rm -rf "$wiki" "$home/runs" && cp -a "$work/wiki.fresh" "$wiki"
    ours_measure ours_fan_cold RemoteBenchFan 1 "$fan"
    ours_measure ours_fan RemoteBenchFan 1 "$fan"
    ours_measure ours_one RemoteBenchOne 1 1
    ours_measure ours_steps RemoteBenchSteps "$steps" 1
    measure diag_config diag true
    measure diag_bash diag 'exec bash -c true'
    measure diag_sh diag 'sh -c true'
    measure diag_bootstrap diag_input "$bootstrap"
    measure diag_second diag_input "$bootstrap_second"

    stop_connections "$work/ansible/cp"
    measure ansible_fan_cold ansible fan
    measure ansible_fan ansible fan
    measure ansible_one ansible one
    measure ansible_steps ansible steps
    grep -qE "^${names[0]} +: ok=$steps " "$work/logs/ansible_steps.$round" \
        || { echo "FAILED: Ansible did not run $steps tasks ok on ${names[0]}" >&2; tail -n 5 "$work/logs/ansible_steps.$round" >&2; exit 1; }
    [ "$(grep -cE '^h[0-9]+ +: ok=1 .*failed=0' "$work/logs/ansible_fan.$round")" -eq "$fan" ] \
        || { echo "FAILED: Ansible's fan-out did not succeed on $fan hosts" >&2; exit 1; }
done
exec 3>&-

# --- results (medians over the rounds)
med() { median < "$work/t/$1"; }
record() { field "$2" < "$work/t/$1.record" | median; }
per_step() { calc '%.2f' "$(med "$1") * 1000 / $steps"; }
marginal() { calc '%.2f' "($(med "$1_steps") - $(med "$1_one")) * 1000 / ($steps - 1)"; }
verdict() { awk "BEGIN { print ($1) ? \"met\" : \"missed\" }"; }
most_logins() { cat "$@" | sort -g | tail -n 1; }
line() { printf '%-50s %s\n' "$1" "$2"; }
label() {
    case $1 in
        bare) echo "bare ssh loop (ControlMaster)" ;;
        ours) echo "ours, runbook trigger" ;;
        ansible) echo "Ansible, raw tasks" ;;
        bare_fan) echo "bare ssh, $fan at once" ;;
        ours_fan) echo "ours, hosts= parallel=$fan" ;;
        ansible_fan) echo "Ansible, raw, forks=$fan" ;;
    esac
}
bare_wall=$(per_step bare_steps) ours_wall=$(per_step ours_steps) ansible_wall=$(per_step ansible_steps)
bare_ms=$(marginal bare) ours_ms=$(marginal ours) ansible_ms=$(marginal ansible)

printf '\n%d steps on one host; one step fanned out to %d hosts; %d cores, load average %s; median of %d rounds\n' \
    "$steps" "$fan" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs"
printf 'login user %s: %s\n' "$user" "$user_note"
printf 'connections warm (opened before, excluded) in every figure but the cold fan-out; logins sshd saw in a warm timed phase: bare %s, ours %s, Ansible %s\n' \
    "$(most_logins "$work"/t/bare_{one,steps,fan}.logins)" "$(most_logins "$work"/t/ours_{one,steps,fan}.logins "$work"/t/diag_*.logins)" \
    "$(most_logins "$work"/t/ansible_{one,steps,fan}.logins)"
printf '%s; %s; Ansible host_key_checking on, same known host key\n\n' "$(ssh -V 2>&1)" "$("$venv/bin/ansible-playbook" --version | sed -n 1p)"
printf '%-32s %8s %13s %9s %13s %9s\n' "$steps steps on ${names[0]}" "wall s" "wall/step ms" "vs bare" "marginal ms" "vs bare"
for who in bare ours ansible; do
    wall=$(per_step "${who}_steps") extra=$(marginal "$who")
    printf '%-32s %8.3f %13s %8sx %13s %8sx\n' "$(label "$who")" "$(med "${who}_steps")" "$wall" "$(calc '%.2f' "$wall / $bare_wall")" \
        "$extra" "$(calc '%.2f' "$extra / $bare_ms")"
done
printf '  wall of one step: bare %.3f s, ours %.3f s, Ansible %.3f s; marginal = (wall of %d - wall of 1) / %d, the per-step cost without start-up\n' \
    "$(med bare_one)" "$(med ours_one)" "$(med ansible_one)" "$steps" "$((steps - 1))"
line "ours / bare ssh per step (wall, marginal):" "$(calc '%.2f' "$ours_wall / $bare_wall")x, $(calc '%.2f' "$ours_ms / $bare_ms")x (target <= 1.3x: $(verdict "$ours_wall <= 1.3 * $bare_wall"), $(verdict "$ours_ms <= 1.3 * $bare_ms"))"
line "ours / Ansible per step (wall, marginal):" "$(calc '%.2f' "$ours_wall / $ansible_wall")x, $(calc '%.2f' "$ours_ms / $ansible_ms")x (target < 1: $(verdict "$ours_wall < $ansible_wall"), $(verdict "$ours_ms < $ansible_ms"))"
recorded=$(calc '%.2f' "$(record ours_steps step_seconds_sum) * 1000 / $steps")
echo
echo "where ours' per step goes (ms; the diagnostics are bash loops like the peer's, over our connection):"
line "  step as recorded (its ssh, start to exit)" "$recorded (median $(record ours_steps step_ms_median), max $(record ours_steps step_ms_max))"
line "  executor between steps (marginal - recorded)" "$(calc '%.2f' "$ours_ms - $recorded")"
line "  ssh -F OUR-CONFIG h01 true" "$(per_step diag_config)"
line "  ... 'exec bash -c true' (one more bash)" "$(per_step diag_bash)"
line "  ... 'sh -c true' (the step's interpreter)" "$(per_step diag_sh)"
line "  ... BOOTSTRAP, a step's input (what ours sends)" "$(per_step diag_bootstrap)"
line "  ... the same in a second bash (a non-bash login)" "$(per_step diag_second)"
diff_ms() { calc '%.2f' "($(med "$1") - $(med "$2")) * 1000 / $steps"; }
line "  bootstrap over 'true' / over 'sh -c true'" "$(diff_ms diag_bootstrap diag_config) / $(diff_ms diag_bootstrap diag_sh)"
line "  a second bash would add" "$(diff_ms diag_second diag_bootstrap)"
echo
printf '%-32s %8s %8s %15s %15s\n' "one step on $fan hosts" "warm s" "cold s" "ours/it warm" "ours/it cold"
for who in bare_fan ours_fan ansible_fan; do
    printf '%-32s %8.3f %8.3f %14sx %14sx\n' "$(label "$who")" "$(med "$who")" "$(med "${who}_cold")" \
        "$(calc '%.2f' "$(med ours_fan) / $(med "$who")")" "$(calc '%.2f' "$(med ours_fan_cold) / $(med "${who}_cold")")"
done
line "fan-out over one step on h01, wall (ours, Ansible):" "$(calc '%+.3f' "$(med ours_fan) - $(med ours_one)") s, $(calc '%+.3f' "$(med ansible_fan) - $(med ansible_one)") s"
line "ours' fan-out step as recorded, median host:" "$(record ours_fan host_ms_median) ms"
line "fan-out, ours / Ansible (warm, cold):" "$(calc '%.2f' "$(med ours_fan) / $(med ansible_fan)")x, $(calc '%.2f' "$(med ours_fan_cold) / $(med ansible_fan_cold)")x (target < 1: $(verdict "$(med ours_fan) < $(med ansible_fan)"))"
