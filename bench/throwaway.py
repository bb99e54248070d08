"""What the benchmarks of the broker and the credential server share: moto on a free loopback
port, and a throwaway config in WORK with one federated-user connector `c` on the `file` store,
its account's keys put there through fedaws itself."""

import os, socket, subprocess, time


def start_moto(log=subprocess.DEVNULL):
    """moto_server on a free loopback port, once it accepts connections, its output (its access
    log) to LOG: the process and port."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=log)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            time.sleep(0.05)
    return moto, port


def configure(fedaws, work, sts_port):
    """The config (in WORK/cfg) and the environment (HOME and state in WORK) to run fedaws in."""
    for sub in ("cfg", "state", "home"):
        os.makedirs(os.path.join(work, sub), mode=0o700, exist_ok=True)
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    config = os.path.join(work, "cfg", "config.toml")
    with open(config, "w") as f:
        f.write(f"""[settings]
region = "us-east-1"
sts_endpoint = "http://127.0.0.1:{sts_port}"
keyring = "file"
file_store = "store.enc"
admins = ["{user}"]

[accounts.a]

[connectors.c]
account = "a"
principal = "federated-user"
""")
    os.chmod(config, 0o600)
    env = {"PATH": os.environ["PATH"], "HOME": os.path.join(work, "home"),
           "XDG_STATE_HOME": os.path.join(work, "state"),
           "XDG_CONFIG_HOME": os.path.join(work, "home")}
    subprocess.run([fedaws, "--config", config, "account", "edit", "a", "--rotate",
                    "--secret-stdin"],
                   input="AKIAIOSFODNN7EXAMPLE\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
                   text=True, env=env, check=True, capture_output=True)
    return config, env
