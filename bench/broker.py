"""Benchmarks of broker mode: a broker on a throwaway config (the `file` store, moto as STS),
then (1) `creds --format json` through the broker against a local-mode cache hit (median wall
time of whole processes), (2) cached answers per second and latency percentiles over 64
keep-alive connections from examples/broker_load.rs, each sending as soon as answered, then at
a fixed 10,000 requests per second, (3) the broker's RSS before and after each 100,000, (4)
cached answers at a fixed 1,000 per second while nothing else happens, and while another client
reads the audit log (`audit --json` through `/v1/run`, 64 MiB of history) in a loop.

Usage: python3 bench/broker.py FEDAWS_BINARY LOAD_BINARY [RUNS]   (bench/broker.sh builds both)
"""

import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

from throwaway import configure, start_moto

fedaws, load = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 200
# Not under /tmp: a client trusts a broker's socket only where nobody else can write.
base = os.environ.get("XDG_RUNTIME_DIR") or "/run"
work = tempfile.mkdtemp(prefix="fedaws-broker-bench-", dir=base)
os.chmod(work, 0o700)
os.makedirs(os.path.join(work, "run"), mode=0o700)
moto, port = start_moto()
config, env = configure(fedaws, work, port)

# A large history, so that a read of the audit log that scanned it all would be felt.
bstate = os.path.join(work, "bstate")
os.makedirs(bstate, mode=0o700)
line = json.dumps({"time": "2026-01-01T00:00:00Z", "user": "someone", "uid": 4242, "system": False,
                   "connector": "c", "outcome": "issued", "access_key_id": "ASIA" + "X" * 100}) + "\n"
with open(os.path.join(bstate, "audit.jsonl"), "w") as f:
    f.write(line * (64 * 1024 * 1024 // len(line)))
os.chmod(os.path.join(bstate, "audit.jsonl"), 0o600)

sock = os.path.join(work, "run", "broker.sock")
broker = subprocess.Popen([fedaws, "--config", config, "broker", "run", "--socket", sock,
                           "--allow-root"], env=dict(env, STATE_DIRECTORY=bstate),
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
while not os.path.exists(sock):
    time.sleep(0.02)


# Reads the audit log through the broker as fast as it answers; prints how many it got at the end.
AUDIT_LOOP = r"""
import signal, socket, sys
n = 0
def done(*_):
    print(n, flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
body = b'{"args":["audit","--json"]}'
request = b"POST /v1/run HTTP/1.1\r\nHost: f\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
while True:
    s.sendall(request)
    f.readline()
    length = 0
    while True:
        h = f.readline().strip()
        if not h:
            break
        k, _, v = h.partition(b":")
        if k.lower() == b"content-length":
            length = int(v)
    f.read(length)
    n += 1
"""


def median_ms(argv):
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def rss_kib():
    with open(f"/proc/{broker.pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))


try:
    local = median_ms([fedaws, "--config", config, "creds", "c", "--format", "json"])
    through = median_ms([fedaws, "--broker", sock, "creds", "c", "--format", "json"])
    print(f"| `creds --format json`, cache hit, local mode (kernel keyring) | {local:.1f} ms |")
    print(f"| `creds --format json`, cached, through the broker | {through:.1f} ms | ratio {through / local:.2f} |")
    before = rss_kib()
    rss = []
    for _ in range(2):
        out = subprocess.run([load, sock, "c", "64", "100000"], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        rss.append(rss_kib())
        print(f"| 100,000 cached answers over 64 connections, as fast as answered | {r['per_second']:,.0f}/s | "
              f"p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, max {r['max_ms']:.2f} ms |")
    out = subprocess.run([load, sock, "c", "64", "100000", "10000"], capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)
    print(f"| 100,000 cached answers over 64 connections, sent at 10,000/s | {r['per_second']:,.0f}/s | "
          f"p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, max {r['max_ms']:.2f} ms (from when each was due) |")
    print(f"| broker RSS: started / after 100,000 / 200,000 / 300,000 requests | "
          f"{before / 1024:.1f} / {rss[0] / 1024:.1f} / {rss[1] / 1024:.1f} / {rss_kib() / 1024:.1f} MiB |")
    def paced(label):
        out = subprocess.run([load, sock, "c", "4", "10000", "1000"], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout)
        print(f"| 10,000 cached answers at 1,000/s, {label} | p50 {r['p50_ms']:.2f} ms | "
              f"p99 {r['p99_ms']:.2f} ms, max {r['max_ms']:.2f} ms |")
    paced("nothing else asked")
    reader = subprocess.Popen([sys.executable, "-c", AUDIT_LOOP, sock], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    paced("while another client reads the audit log in a loop")
    reader.terminate()
    reads = reader.communicate()[0].strip()
    print(f"| audit reads answered meanwhile | {reads} |")
finally:
    broker.terminate()
    broker.wait()
    moto.terminate()
    shutil.rmtree(work, ignore_errors=True)
