"""Measures fedaws: wall time and peak RSS of whole processes, as a caller sees them.

Each timed run is one spawn of the command, timed from spawn to exit; the median over RUNS runs
after a warm-up is reported. Peak RSS comes from separate runs under GNU time (`%M`), because a
child forked from this Python process would report Python's own memory. Every measure starts
from a state it sets up itself (a warm or cold cache, a config of N connectors) in a throwaway
HOME.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from throwaway import start_moto

FEDAWS = sys.argv[1]
RUNS = int(sys.argv[2])
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ROLE = "arn:aws:iam::123456789012:role/Bench"

work = tempfile.mkdtemp(prefix="fedaws-bench-")
home = os.path.join(work, "home")
os.makedirs(os.path.join(home, ".aws"))
base_env = {
    "PATH": os.environ["PATH"],
    "HOME": home,
    "XDG_CONFIG_HOME": os.path.join(work, "config"),
    "XDG_STATE_HOME": os.path.join(work, "state"),
    "XDG_DATA_HOME": os.environ.get("XDG_DATA_HOME", os.path.join(work, "data")),
    "XDG_RUNTIME_DIR": os.environ.get("XDG_RUNTIME_DIR", work),
    "DBUS_SESSION_BUS_ADDRESS": os.environ.get("DBUS_SESSION_BUS_ADDRESS", ""),
    "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws", "credentials"),
}


moto_log = open(os.path.join(work, "moto.log"), "w")
moto, port = start_moto(moto_log)
MOTO = f"http://127.0.0.1:{port}"


def sts_requests():
    """POSTs moto has served so far (its access log has one line per request)."""
    moto_log.flush()
    with open(moto_log.name) as f:
        return sum(1 for line in f if '"POST / ' in line)


def run_once(argv, env, stdin=None):
    start = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin:
        p.stdin.write(stdin.encode())
        p.stdin.close()
    _, status = os.waitpid(p.pid, 0)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode()
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{argv} failed ({p.returncode}): {err}")
    return elapsed


def peak_rss(argv, env, runs=3):
    """The largest peak RSS (KiB) of a few runs, as GNU time reports it."""
    out = os.path.join(work, "rss")
    peak = 0
    for _ in range(runs):
        run_once(["/usr/bin/time", "-f", "%M", "-o", out, *argv], env)
        with open(out) as f:
            peak = max(peak, int(f.read().split()[-1]))
    return peak


def measure(argv, env, runs=RUNS):
    for _ in range(3):
        run_once(argv, env)
    times = [run_once(argv, env) for _ in range(runs)]
    return statistics.median(times), peak_rss(argv, env)


def fedaws_env(name, connectors=3, cache=None):
    """A config with an account and `connectors` connectors, pointed at moto."""
    env = dict(base_env)
    env["FEDAWS_CONFIG"] = os.path.join(work, name, "config.toml")
    subprocess.run([FEDAWS, "init", "-q", "--store", "keyutils", "--region", "us-east-1"],
                   env=env, check=True)
    text = open(env["FEDAWS_CONFIG"]).read().replace(
        '# sts_endpoint = "https://sts.eu-central-1.amazonaws.com"',
        f'sts_endpoint = "{MOTO}"' + (f'\ncache = "{cache}"' if cache else ""), 1)
    account = f"bench-{name}"
    extra = [
        f'\n[connectors.fed]\naccount = "{account}"\nprincipal = "federated-user"\n'
        f'policy = \'{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]}}\'\n',
        f'\n[connectors.sess]\naccount = "{account}"\nprincipal = "iam-user"\n',
        f'\n[connectors.role]\naccount = "{account}"\nprincipal = "assume-role"\nrole_arn = "{ROLE}"\n',
    ]
    for i in range(max(0, connectors - 3)):
        extra.append(f'\n[connectors.c{i}]\naccount = "{account}"\nprincipal = "federated-user"\n'
                     f'max_duration = "12h"\ngroups = ["dev", "ops"]\ndescription = "connector {i}"\n')
    with open(env["FEDAWS_CONFIG"], "w") as f:
        f.write(text)
        f.write(f"\n[accounts.{account}]\n")
        f.write("".join(extra))
    p = subprocess.run([FEDAWS, "account", "edit", account, "--rotate", "--secret-stdin", "-q"],
                       env=env, input=f"{KEY_ID}\n{SECRET}\n", text=True, capture_output=True)
    if p.returncode != 0:
        raise SystemExit(p.stderr)
    return env


def fmt_ms(seconds):
    return f"{seconds * 1000:.1f} ms"


rows = []


def row(name, seconds, rss_kib=None, note=""):
    rows.append((name, fmt_ms(seconds), f"{rss_kib / 1024:.1f} MiB" if rss_kib else "", note))
    print(f"  {name}: {fmt_ms(seconds)}", file=sys.stderr, flush=True)


# Floors.
floor_json = os.path.join(work, "creds.json")
with open(floor_json, "w") as f:
    f.write(json.dumps({"Version": 1, "AccessKeyId": "ASIA" + "X" * 16, "SecretAccessKey": "s" * 40,
                        "SessionToken": "t" * 270, "Expiration": "2030-01-01T00:00:00Z"})[:400])
t, r = measure(["cat", floor_json], base_env)
row("floor: `cat` of a 400-byte JSON file", t, r)
boto = ("import boto3; boto3.client('sts', endpoint_url='%s', region_name='us-east-1', "
        "aws_access_key_id='%s', aws_secret_access_key='%s').get_session_token()" % (MOTO, KEY_ID, SECRET))
t, r = measure(["python3", "-c", boto], base_env, runs=max(5, RUNS // 3))
row("floor: boto3 one-liner GetSessionToken", t, r)

small = fedaws_env("small")
t, r = measure([FEDAWS, "--version"], small)
row("`fedaws --version`", t, r)

# Warm cache, kernel keyring.
subprocess.run([FEDAWS, "creds", "role", "--format", "json"], env=small, check=True,
               stdout=subprocess.DEVNULL)
t, r = measure([FEDAWS, "creds", "role", "--format", "json"], small)
row("`creds --format json`, cache hit, kernel keyring", t, r)

# Warm cache, Secret Service.
ss = fedaws_env("ss", cache="secret-service")
subprocess.run([FEDAWS, "creds", "role", "--format", "json"], env=ss, check=True,
               stdout=subprocess.DEVNULL)
t, r = measure([FEDAWS, "creds", "role", "--format", "json"], ss)
row("`creds --format json`, cache hit, Secret Service", t, r)

# Cold, per principal type.
for connector, label in (("fed", "federated-user"), ("sess", "iam-user"), ("role", "assume-role")):
    before = sts_requests()
    t, r = measure([FEDAWS, "creds", connector, "--format", "json", "--no-cache"], small)
    row(f"cold `creds` ({label}) against local moto", t, r,
        f"{sts_requests() - before} STS requests for {RUNS + 6} runs")

# 64 parallel cold callers.
par = fedaws_env("parallel")
walls, counts, outputs_ok = [], [], True
for _ in range(5):
    subprocess.run([FEDAWS, "cache", "clear", "-q"], env=par, check=True)
    before = sts_requests()
    start = time.perf_counter()
    procs = [subprocess.Popen([FEDAWS, "creds", "role", "--format", "json"], env=par,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(64)]
    outs = [p.communicate()[0] for p in procs]
    walls.append(time.perf_counter() - start)
    counts.append(sts_requests() - before)
    outputs_ok &= all(p.returncode == 0 for p in procs) and len(set(outs)) == 1
row("64 parallel cold callers (wall, all 64)", statistics.median(walls), None,
    f"STS requests per round: {counts}; all succeeded with one output: {outputs_ok}")

# The AWS CLI through credential_process, paired against static keys.
cli = fedaws_env("cli")
subprocess.run([FEDAWS, "aws-profile", "add", "role", "--profile", "fedaws-bench", "-q"],
               env=cli, check=True)
with open(cli["AWS_SHARED_CREDENTIALS_FILE"], "w") as f:
    f.write(f"[static]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
with open(cli["AWS_CONFIG_FILE"], "a") as f:
    f.write("\n[profile static]\nregion = us-east-1\n")
cli["AWS_ENDPOINT_URL"] = MOTO
aws = shutil.which("aws")
argv = lambda p: [aws, "sts", "get-caller-identity", "--profile", p]
run_once(argv("fedaws-bench"), cli)
ratios, via, static = [], [], []
for i in range(max(10, RUNS // 2)):
    pair = [("fedaws-bench", via), ("static", static)]
    if i % 2:
        pair.reverse()
    got = {}
    for profile, bucket in pair:
        t = run_once(argv(profile), cli)
        bucket.append(t)
        got[profile] = t
    ratios.append(got["fedaws-bench"] / got["static"])
row("`aws sts get-caller-identity`, static keys", statistics.median(static))
row("`aws sts get-caller-identity` through fedaws credential_process", statistics.median(via), None,
    f"paired ratio (median of {len(ratios)} pairs): {statistics.median(ratios):.3f}")

# Warm path against config size.
for n in (10, 1000, 10000):
    env = fedaws_env(f"size{n}", connectors=n)
    subprocess.run([FEDAWS, "creds", "role", "--format", "json"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    t, r = measure([FEDAWS, "creds", "role", "--format", "json"], env)
    row(f"warm path, {n} connectors in the config", t, r,
        f"config {os.path.getsize(env['FEDAWS_CONFIG']) // 1024} KiB")

subprocess.run([FEDAWS, "cache", "clear", "--all", "-q"], env=small)
moto.terminate()
moto.wait()
shutil.rmtree(work, ignore_errors=True)

print(f"| measure ({RUNS} runs, median) | wall | peak RSS | notes |")
print("|---|---|---|---|")
for name, wall, rss, note in rows:
    print(f"| {name} | {wall} | {rss} | {note} |")
