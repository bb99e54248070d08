"""Benchmarks of the local credential server: the server of one connector (`serve c`, answering
at `/`), the shared server (`serve`, answering at `/creds/c`) and the EC2 metadata service
(`serve --imds c`, `/latest/meta-data/iam/security-credentials/c` with an IMDSv2 token), each on
a throwaway config (the `file` store, moto as STS). For each: cached answers per second and
latency percentiles over 64 keep-alive connections, each sending as soon as answered (100,000
requests), then 10,000 requests at a fixed 1,000 per second, from examples/broker_load.rs.

Usage: python3 bench/server.py FEDAWS_BINARY LOAD_BINARY   (bench/server.sh builds both)
"""

import json, os, shlex, subprocess, sys, tempfile, urllib.request

from throwaway import configure, start_moto

fedaws, load = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="fedaws-server-bench-")
os.chmod(work, 0o700)
moto, port = start_moto()
config, env = configure(fedaws, work, port)

servers = []


def serve(*args):
    """Start `fedaws serve ARGS`: the process and its exported variables."""
    p = subprocess.Popen([fedaws, "--config", config, "serve", *args], env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    servers.append(p)
    exported = {}
    for line in p.stdout:
        name, _, value = line.strip().removeprefix("export ").partition("=")
        exported[name] = shlex.split(value)[0]
        if len(exported) == (3 if "--imds" in args else 2):
            break
    return exported


def measure(target, path, headers, total, rate=0):
    out = subprocess.run([load, target, path, "64", str(total), str(rate)], check=True,
                         capture_output=True, text=True, env=dict(os.environ, LOAD_HEADERS=headers))
    return json.loads(out.stdout)


rows = []
try:
    one = serve("c")
    one_port = one["AWS_CONTAINER_CREDENTIALS_FULL_URI"].split(":")[2].strip("/")
    auth = "Authorization: " + one["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    rows.append(("server of one connector (`serve c`), `/`", f"127.0.0.1:{one_port}", "/", auth))

    shared = serve()
    base = shared["FEDAWS_SERVER"]
    shared_port = base.split(":")[2].split("/")[0]
    token = open(shared["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]).read()
    auth_shared = "Authorization: " + token
    rows.append(("shared server (`serve`), `/creds/c`", f"127.0.0.1:{shared_port}", "/creds/c",
                 auth_shared))

    imds = serve("--imds", "c")
    endpoint = imds["AWS_EC2_METADATA_SERVICE_ENDPOINT"]
    imds_port = endpoint.split(":")[2].strip("/")
    request = urllib.request.Request(endpoint + "latest/api/token", method="PUT",
                                     headers={"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
    imds_token = urllib.request.urlopen(request).read().decode()
    rows.append(("EC2 metadata service (`serve --imds c`)", f"127.0.0.1:{imds_port}",
                 "/latest/meta-data/iam/security-credentials/c",
                 "X-aws-ec2-metadata-token: " + imds_token))

    print("| server, path | 100,000 cached answers over 64 connections | 10,000 at 1,000/s |")
    print("|---|---|---|")
    for name, target, path, headers in rows:
        measure(target, path, headers, 2000)  # warm: the first answer obtains the credentials
        fast = measure(target, path, headers, 100000)
        paced = measure(target, path, headers, 10000, 1000)
        print(f"| {name} | {fast['per_second']:,.0f}/s, p50 {fast['p50_ms']:.2f} ms, "
              f"p99 {fast['p99_ms']:.2f} ms | p50 {paced['p50_ms']:.2f} ms, "
              f"p99 {paced['p99_ms']:.2f} ms |", flush=True)
finally:
    for p in servers:
        p.terminate()
        p.wait()
    moto.terminate()
